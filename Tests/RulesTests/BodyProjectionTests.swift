import JSON
import Testing

@testable import Rules

/// `RouteConfig.bodyProjection`: what of a JSON body the route's templates read, so that intake builds no more.
@Suite struct BodyProjectionTests {
    static let body = #"""
        {"type": "paid", "email": "ana@example.com", "amount": 1999, "ignored": {"big": [1, 2, 3]},
         "data": {"object": {"id": "cs_1", "lines": [{"sku": "a"}], "meta": {"k": "v"}}, "unread": true},
         "items": [{"name": "first"}, {"name": "second"}], "field": "meta"}
        """#

    static func route(_ rules: String, dedupe: String? = nil) throws -> RouteConfig {
        let dedupeLine = dedupe.map { "\n    dedupe: \"\($0)\"" } ?? ""
        return try #require(
            try loadConfig(
                """
                routes:
                  - name: hook
                    path: /hooks/x
                    kind: webhook
                    signature: {preset: token, header: X-Token, token: t0ken}\(dedupeLine)
                    rules:
                \(rules)
                """
            ).routes.first)
    }

    static func kept(by route: RouteConfig) throws -> JSONValue {
        try JSONValue(parsing: Array(body.utf8), keeping: route.bodyProjection)
    }

    @Test func keepsThePathsTheTemplatesReadAndNothingElse() throws {
        let route = try Self.route(
            """
                  - name: paid
                    when: "body.type == 'paid'"
                    actions:
                      - deal.find:
                          contact_email: "{{ body.email | email }}"
                          on_missing: skip
                      - task.create:
                          title: "{{ body.data.object.meta | length }} for {{ body.amount }}"
            """, dedupe: "{{ body.data.object.id }}")
        #expect(
            try Self.kept(by: route)
                == [
                    "type": "paid", "email": "ana@example.com", "amount": 1999,
                    "data": ["object": ["id": "cs_1", "meta": ["k": "v"]]],
                ])
    }

    @Test func anIndexKeepsTheWholeListAndAComputedKeyTheWholeBase() throws {
        let route = try Self.route(
            """
                  - name: any
                    actions:
                      - task.create:
                          title: "{{ body.items[1].name }} {{ body.data.object[body.field].k }}"
            """)
        #expect(
            try Self.kept(by: route)
                == [
                    "items": [["name": "first"], ["name": "second"]], "field": "meta",
                    "data": ["object": ["id": "cs_1", "lines": [["sku": "a"]], "meta": ["k": "v"]]],
                ])
    }

    @Test func theWholeBodyReadAsAValueKeepsEverything() throws {
        let route = try Self.route(
            """
                  - name: any
                    when: "body | length > 0"
                    actions:
                      - task.create:
                          title: "{{ body.type }}"
            """)
        #expect(route.bodyProjection.keepsEverything)
        let computed = try Self.route(
            """
                  - name: any
                    actions:
                      - task.create:
                          title: "{{ body[body.field] }}"
            """)
        #expect(computed.bodyProjection.keepsEverything)
    }

    @Test func aRouteThatReadsNoBodyKeepsNothing() throws {
        let route = try Self.route(
            """
                  - name: any
                    actions:
                      - task.create:
                          title: "Call {{ headers['X-Customer'] | default('back') }}"
            """)
        #expect(try Self.kept(by: route) == [:])
    }

    /// The planner's own example route: its plan of a body parsed keeping only the projection is the plan of the
    /// whole body.
    @Test func planningTheKeptBodyGivesThePlanOfTheWholeOne() throws {
        let route = try PlannerTests.route()
        let whole = try JSONValue(
            parsing: #"{"type": "paid", "email": " Ana@Example.COM ", "amount": 1999, "extra": {"x": [1, "y"]}}"#)
        let kept = try JSONValue(parsing: Array(whole.jsonBytes), keeping: route.bodyProjection)
        #expect(kept != whole)
        let input = { (body: JSONValue) in
            PlanningInput(eventID: "e", receivedAt: PlannerTests.receivedAt, body: body, headers: ["X-Customer": "c"])
        }
        #expect(try route.plan(for: input(kept)) == route.plan(for: input(whole)))
    }
}
