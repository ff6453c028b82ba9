import Foundation
import HTTP
import Intake
import JSON
import Rules
import Testing

@Suite struct RouteIntakeTests {
    static let config = """
        routes:
          - name: reads-request
            path: /hooks/request
            kind: webhook
            signature: {preset: token, header: X-Token, token: t0ken}
            rules:
              - name: all
                actions:
                  - task.create:
                      title: "{{ headers['X-Customer'] }} via {{ query.utm }}"
          - name: reads-body
            path: /hooks/body
            kind: webhook
            signature: {preset: token, header: X-Token, token: t0ken}
            rules:
              - name: all
                actions:
                  - task.create:
                      title: "{{ body.title }}"
          - name: reads-event
            path: /hooks/event
            kind: webhook
            signature: {preset: token, header: X-Token, token: t0ken}
            rules:
              - name: all
                actions:
                  - task.create:
                      title: "{{ event.route }} {{ event.id }} at {{ event.received_at }}"
        """

    /// The routes of config text `text` (default: `config`), loaded from a file as `serve` loads them.
    static func routes(_ text: String = config) throws -> [RouteConfig] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("route-intake-\(UUID()).yaml")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        return try DealhookConfig.load(file: file.path, environment: [:]).routes
    }

    /// Accepts a request with repeated headers in mixed case on `route`, with `?utm=news` on its path.
    static func accept(on route: RouteConfig) throws -> AcceptedEvent {
        let headers: HTTPHeaders = [
            "X-Token": "t0ken", "Content-Type": "application/json", "X-Customer": "first", "x-customer": "second",
            "User-Agent": "one", "user-agent": "two",
        ]
        let request = HTTPRequest(
            head: HTTPRequestHead(
                method: "POST", target: route.path + "?utm=news", version: .http1_1, headers: headers),
            body: Array(#"{"title":"Order"}"#.utf8))
        let decision = RouteIntake(route: route).process(
            request, context: HTTPRequestContext(remoteAddress: "127.0.0.1", receivedAt: 0), eventID: "e1",
            receivedAt: Date(timeIntervalSince1970: 1_796_376_600))
        guard case .accept(let event) = decision else { throw RouteIntakeTestError.notAccepted }
        return event
    }

    @Test func aRouteReadingHeadersAndQuerySeesThemWithTheLastValueOfARepeatedName() throws {
        let route = try #require(try Self.routes().first)
        #expect(route.roots == [.headers, .query])
        let event = try Self.accept(on: route)
        #expect(event.plan.steps[0].input["title"] == .json("second via news"))
        #expect(
            event.headers.map { "\($0.name): \($0.value)" } == ["content-type: application/json", "user-agent: two"])
    }

    @Test func aRouteReadingNeitherKeepsTheSameHeaders() throws {
        let route = try #require(try Self.routes().dropFirst().first)
        #expect(route.roots == [.body])
        let event = try Self.accept(on: route)
        #expect(event.plan.steps[0].input["title"] == .json("Order"))
        #expect(
            event.headers.map { "\($0.name): \($0.value)" } == ["content-type: application/json", "user-agent: two"])
    }

    @Test func aRouteReadingTheEventSeesIt() throws {
        let route = try #require(try Self.routes().last)
        #expect(route.roots == [.event])
        let event = try Self.accept(on: route)
        #expect(event.plan.steps[0].input["title"] == .json("reads-event e1 at 2026-12-04T09:30:00Z"))
    }

    /// A Stripe route builds only the body members its templates read, and still finds Stripe's event id (the
    /// default dedupe key) in a member no template reads.
    @Test func aSignedWebhookKeepsWhatItsTemplatesReadAndTheProvidersEventID() throws {
        let route = try #require(
            try Self.routes(
                """
                routes:
                  - name: stripe
                    path: /hooks/stripe
                    kind: webhook
                    signature: {preset: stripe, secret: whsec_test}
                    rules:
                      - name: paid
                        when: "body.type == 'checkout.session.completed'"
                        actions:
                          - task.create:
                              title: "Invoice {{ body.data.object.id }}"
                """
            ).first)
        let body = Array(
            #"{"id":"evt_9","type":"checkout.session.completed","data":{"object":{"id":"cs_7","lines":[1,2]}},"x":{}}"#
                .utf8)
        let time = 1_796_376_600
        let signature = Hex.encode(
            HMAC.authenticationCode(for: Array("\(time).".utf8) + body, key: Array("whsec_test".utf8), using: .sha256))
        let request = HTTPRequest(
            head: HTTPRequestHead(
                method: "POST", target: route.path, version: .http1_1,
                headers: ["Content-Type": "application/json", "Stripe-Signature": "t=\(time),v1=\(signature)"]),
            body: body)
        let decision = RouteIntake(route: route).process(
            request, context: HTTPRequestContext(remoteAddress: "127.0.0.1", receivedAt: 0), eventID: "e1",
            receivedAt: Date(timeIntervalSince1970: TimeInterval(time)))
        guard case .accept(let event) = decision else { throw RouteIntakeTestError.notAccepted }
        #expect(event.dedupeKey == "evt_9")
        #expect(event.plan.steps.map { $0.input["title"] } == [.json("Invoice cs_7")])
    }
}

private enum RouteIntakeTestError: Error {
    case notAccepted
}
