import JSON
import Testing

@testable import Rules

@Suite struct PlannerTests {
    static let config = """
        routes:
          - name: hook
            path: /hooks/x
            kind: webhook
            signature: {preset: token, header: X-Token, token: t0ken}
            rules:
              - name: paid
                when: "body.type == 'paid'"
                actions:
                  - id: deal
                    deal.find:
                      contact_email: "{{ body.email | email | required }}"
                      on_missing: skip
                  - id: note
                    activity.log:
                      deal: "{{ steps.deal.id }}"
                      type: payment
                      text: "Paid {{ body.amount | cents_to_units }} at {{ event.received_at }}"
              - name: always
                actions:
                  - task.create:
                      title: "{{ body.type | upper }} for {{ headers['X-Customer'] | default('nobody') }}"
                      due_date: "{{ now | add_days(2) | date('%Y-%m-%d') }}"
                      deal: "{{ steps.deal.id }}"
        """

    static func route() throws -> RouteConfig {
        try #require(try loadConfig(config).routes.first)
    }

    static let receivedAt: Int64 = 1_796_376_600  // 2026-12-04T09:30:00Z

    @Test func matchingRulesBecomeStepsWithReferencesKept() throws {
        let plan = try Self.route().plan(
            for: PlanningInput(
                eventID: "evt_1", receivedAt: Self.receivedAt, body: ["type": "paid", "email": " Ana@Example.COM ", "amount": 1999],
                headers: ["X-Customer": "cus_9"]))
        #expect(plan.rules == ["paid", "always"])
        #expect(plan.steps.map(\.id) == ["deal", "note", "always.1"])
        #expect(plan.steps[0].input == .json(["contact_email": "ana@example.com", "on_missing": "skip"]))
        #expect(
            plan.steps[1].input
                == .object([
                    "deal": .reference(step: "deal", path: ["id"]), "type": .json("payment"),
                    "text": .json("Paid 19.99 at 2026-12-04T09:30:00Z"),
                ]))
        #expect(plan.steps[2].input["title"] == .json("PAID for cus_9"))
        #expect(plan.steps[2].input["due_date"] == .json("2026-12-06"))
        #expect(plan.subject == "ana@example.com")
    }

    @Test func aFalseConditionLeavesItsRuleOut() throws {
        let plan = try Self.route().plan(
            for: PlanningInput(eventID: "evt_2", receivedAt: Self.receivedAt, body: ["type": "refunded"]))
        #expect(plan.rules == ["always"])
        #expect(plan.steps[0].input["title"] == .json("REFUNDED for nobody"))
        #expect(plan.subject == nil)
    }

    @Test func planningIsDeterministic() throws {
        let input = PlanningInput(
            eventID: "evt_3", receivedAt: Self.receivedAt, body: ["type": "paid", "email": "a@b.co", "amount": 5])
        let route = try Self.route()
        #expect(try route.plan(for: input) == route.plan(for: input))
        #expect(try route.plan(for: input).jsonText == route.plan(for: input).jsonText)
    }

    @Test func failedRequirementsAreAllReportedWithTheirFields() throws {
        let route = try Self.route()
        do throws(PlanningErrors) {
            _ = try route.plan(for: PlanningInput(eventID: "e", receivedAt: Self.receivedAt, body: ["type": "paid"]))
            Issue.record("a missing e-mail must fail planning")
        } catch {
            #expect(error.errors.count == 1)
            #expect(error.errors[0].field == "email")
            #expect(error.errors[0].location?.line == 12)
        }
        do throws(PlanningErrors) {
            _ = try route.plan(
                for: PlanningInput(eventID: "e", receivedAt: Self.receivedAt, body: ["type": "paid", "email": "not-an-email"]))
            Issue.record("an invalid e-mail must fail planning")
        } catch {
            #expect(error.errors.map(\.field) == ["email"])
        }
    }

    @Test func subjectTemplateOverridesTheDefault() throws {
        let config = try loadConfig(
            """
            routes:
              - name: f
                path: /f
                kind: form
                subject: "{{ form.account | lower }}"
                rules:
                  - name: a
                    actions:
                      - contact.upsert:
                          email: "{{ form.email }}"
            """)
        let plan = try config.routes[0].plan(
            for: PlanningInput(eventID: "e", receivedAt: Self.receivedAt, form: ["account": "ACME", "email": "x@y.z"]))
        #expect(plan.subject == "acme")
    }

    @Test func nestedValuesStayPlainJSONUnlessTheyHoldAReference() throws {
        let config = try loadConfig(
            """
            routes:
              - name: hook
                path: /hooks/x
                kind: webhook
                signature: {preset: token, header: X-Token, token: t0ken}
                rules:
                  - name: paid
                    actions:
                      - id: deal
                        deal.find: {title: "{{ body.title }}", on_missing: skip}
                      - deal.create:
                          title: "{{ body.title | upper }}"
                          pipeline: Sales
                          stage: Lead
                          tags: [paid, "{{ body.plan }}", "{{ steps.deal.id }}"]
                          contacts: [lead, "{{ body.plan | upper }}"]
                          fields: {Plan: "{{ body.plan }}", Source: web}
            """)
        let plan = try config.routes[0].plan(
            for: PlanningInput(eventID: "e", receivedAt: Self.receivedAt, body: ["title": "Order", "plan": "gold"]))
        let input = plan.steps[1].input
        #expect(
            input
                == .object([
                    "title": .json("ORDER"), "pipeline": .json("Sales"), "stage": .json("Lead"),
                    "tags": .array([.json("paid"), .json("gold"), .reference(step: "deal", path: ["id"])]),
                    "contacts": .json(["lead", "GOLD"]), "fields": .json(["Plan": "gold", "Source": "web"]),
                ]))
        // One form for one value: reading the JSON back gives the same plan.
        #expect(PlanValue(json: input.jsonValue) == input)
    }

    @Test func aContextForRoutesThatReadNoEventLeavesItOut() throws {
        let route = try Self.route()
        let input = PlanningInput(eventID: "e", receivedAt: Self.receivedAt, body: ["type": "paid"])
        #expect(route.roots == [.body, .event, .headers, .now, .steps])
        let every = route.templateContext(for: input)
        #expect(every.event == ["id": "e", "received_at": "2026-12-04T09:30:00Z", "route": "hook"])
        #expect(route.templateContext(for: input, reading: route.roots).event == every.event)
        #expect(route.templateContext(for: input, reading: [.body, .now]).event == .null)
    }

    @Test func anActionWhoseInputIsChangedPlansTheNewInput() throws {
        var route = try Self.route()
        route.rules[1].actions[0].input["title"] = .literal("Call back")
        let plan = try route.plan(
            for: PlanningInput(eventID: "e", receivedAt: Self.receivedAt, body: ["type": "refunded"]))
        #expect(plan.steps[0].input["title"] == .json("Call back"))
        #expect(plan.steps[0].input["deal"] == .reference(step: "deal", path: ["id"]))
    }
}
