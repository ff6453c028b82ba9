import Foundation
import HTTP
import JSON
import Testing
import TestSupport

/// `dealhook serve --sandbox` with the example config: requests in, deals out, over real sockets.
@Suite("End to end: intake, queue and delivery into the sandbox", .serialized)
struct DeliveryEndToEndTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let stripeSecret = "whsec_end_to_end_test"

    /// A running `dealhook serve --sandbox` on the example config, its queue in a fresh directory.
    final class Running {
        let process: DealhookProcess
        let base: String
        let sandboxRoot: String
        let http: HTTPClient

        init(environment: [String: String] = [:]) throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealhook-e2e-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var env = ["DEALHOOK_LISTEN": "127.0.0.1:0", "DEALHOOK_QUEUE": directory.appendingPathComponent("queue.sqlite").path]
            env.merge(environment) { $1 }
            process = try DealhookProcess(
                ["serve", "--config", DeliveryEndToEndTests.repositoryRoot + "/config/dealhook.yaml", "--sandbox"],
                environment: env)
            base = "http://127.0.0.1:\(try process.waitForListeningPort())"
            let line = try process.waitForLine(startingWith: "Teamopipe sandbox: ")
            let url = line.dropFirst("Teamopipe sandbox: ".count).prefix { $0 != " " }
            sandboxRoot = String(url.dropLast("/api/v2".count))
            http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(5)))
        }

        deinit {
            process.send(signal: SIGTERM)
            _ = process.waitForExit(seconds: 10)
        }

        func post(_ path: String, body: String, headers: HTTPHeaders) throws -> HTTPClientResponse {
            try http.execute(HTTPClientRequest(method: "POST", url: base + path, headers: headers, body: Array(body.utf8)))
        }

        func sandboxObjects() throws -> JSONValue {
            let response = try http.execute(HTTPClientRequest(url: sandboxRoot + "/_sandbox/stats"))
            return try JSONValue(parsing: response.body)["objects"] ?? .null
        }

        func api(_ path: String) throws -> JSONValue {
            let response = try http.execute(
                HTTPClientRequest(url: sandboxRoot + "/api/v2" + path, headers: ["Authorization": "Bearer sandbox-key"]))
            return try JSONValue(parsing: response.body)["data"] ?? .null
        }

        /// Waits until `condition` holds on the sandbox's object counts (at most 15 s).
        func waitForObjects(_ condition: (JSONValue) -> Bool) throws -> JSONValue {
            let deadline = Date().addingTimeInterval(15)
            while true {
                let objects = try sandboxObjects()
                if condition(objects) || Date() > deadline { return objects }
                usleep(50_000)
            }
        }

        func metrics() throws -> String {
            try http.execute(HTTPClientRequest(url: base + "/metrics")).bodyText
        }

        /// The metrics once they contain every one of `lines`, or after 15 s: the sandbox holds a step's objects a
        /// moment before Dealhook has read its answer, marked the event done and counted it.
        func metrics(once lines: [String]) throws -> String {
            let deadline = Date().addingTimeInterval(15)
            while true {
                let text = try metrics()
                if lines.allSatisfy(text.contains) || Date() > deadline { return text }
                usleep(50_000)
            }
        }
    }

    static func stripeHeaders(for body: String, secret: String = stripeSecret) -> HTTPHeaders {
        let timestamp = String(Int(Date().timeIntervalSince1970))
        let signature = Hex.encode(HMAC.authenticationCode(for: Array("\(timestamp).\(body)".utf8), key: Array(secret.utf8), using: .sha256))
        return ["Content-Type": "application/json", "Stripe-Signature": "t=\(timestamp),v1=\(signature)"]
    }

    @Test func aFormBecomesAContactADealAndATaskThenStripeMovesItToWon() throws {
        let running = try Running(environment: ["STRIPE_WEBHOOK_SECRET": Self.stripeSecret])
        let form = try String(contentsOfFile: Self.repositoryRoot + "/Tests/Fixtures/website-contact.form", encoding: .utf8)
        let accepted = try running.post(
            "/forms/contact", body: form,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"])
        #expect(accepted.status.code == 202)
        let id = try JSONValue(parsing: accepted.body)["id"]?.stringValue
        #expect(id?.count == 26)
        let afterForm = try running.waitForObjects { $0["tasks"] == 1 }
        #expect(afterForm["contacts"] == 1)
        #expect(afterForm["deals"] == 1)
        #expect(afterForm["tasks"] == 1)
        let deals = try running.api("/deals?contact_email=ana%40example.com")
        #expect(deals[0]?["stage_id"] == "stage_sales_lead")
        #expect(deals[0]?["dynamic_fields"]?["field_source"] == "Website")
        #expect(deals[0]?["dynamic_fields"]?["field_budget"] == 12000)

        let event = try String(contentsOfFile: Self.repositoryRoot + "/Tests/Fixtures/stripe-checkout-completed.json", encoding: .utf8)
        let paid = try running.post("/hooks/stripe", body: event, headers: Self.stripeHeaders(for: event))
        #expect(paid.status.code == 200)
        let paidID = try JSONValue(parsing: paid.body)["id"]
        let repeated = try running.post("/hooks/stripe", body: event, headers: Self.stripeHeaders(for: event))
        #expect(repeated.status.code == 200)
        #expect(try JSONValue(parsing: repeated.body)["id"] == paidID, "a repeat gets the first answer")
        let afterPayment = try running.waitForObjects { $0["tasks"] == 2 }
        #expect(afterPayment["deals"] == 1, "the deal found by e-mail is moved, no second one is made")
        #expect(afterPayment["activities"] == 1)
        let won = try running.api("/deals?contact_email=ana%40example.com")
        #expect(won[0]?["stage_id"] == "stage_sales_won")
        let metrics = try running.metrics(once: [
            #"dealhook_deliveries_total{outcome="delivered"} 2"#, #"dealhook_queue_events{status="done"} 2"#,
        ])
        #expect(metrics.contains(#"dealhook_intake_requests_total{route="website-contact",outcome="accepted"} 1"#))
        #expect(metrics.contains(#"dealhook_deliveries_total{outcome="delivered"} 2"#))
        #expect(
            metrics.contains(
                #"dealhook_teamopipe_call_duration_seconds_count{operation="deal.create",outcome="success",status="2xx"} 1"#))
        #expect(metrics.contains(#"dealhook_queue_events{status="done"} 2"#), "the repeated Stripe event is not stored again")
        // One request after another, so one commit each; the repeated event's commit stores nothing.
        #expect(metrics.contains("dealhook_queue_committed_events_total 2\n"))
        #expect(metrics.contains("dealhook_queue_commits_total 3\n"))
    }

    @Test func badSignaturesBadFormsAndUnconfiguredRoutesAreRefusedAndNothingIsStored() throws {
        let running = try Running(environment: ["STRIPE_WEBHOOK_SECRET": Self.stripeSecret])
        let event = #"{"id":"evt_1","type":"checkout.session.completed","data":{"object":{}}}"#
        let forged = try running.post("/hooks/stripe", body: event, headers: Self.stripeHeaders(for: event, secret: "whsec_wrong"))
        #expect(forged.status.code == 401)
        #expect(forged.headers["Content-Type"] == "application/problem+json")
        let unsigned = try running.post("/hooks/stripe", body: event, headers: ["Content-Type": "application/json"])
        #expect(unsigned.status.code == 401)
        let missingEmail = try running.post(
            "/forms/contact", body: "name=Ana", headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"])
        #expect(missingEmail.status.code == 422)
        let problem = try JSONValue(parsing: missingEmail.body)
        #expect(problem["errors"]?[0]?["field"] == "email")
        let disabled = try running.post("/hooks/docusign", body: "{}", headers: ["Content-Type": "application/json"])
        #expect(disabled.status.code == 503)
        let spam = try running.post(
            "/forms/contact", body: "name=Bot&email=bot%40spam.test&_gotcha=buy", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(spam.status.code == 303, "spam is answered as if accepted")
        let ignored = try running.post(
            "/hooks/stripe", body: #"{"type":"invoice.paid"}"#, headers: Self.stripeHeaders(for: #"{"type":"invoice.paid"}"#))
        #expect(ignored.status.code == 200)
        #expect(ignored.bodyText == #"{"ignored":true}"#)
        usleep(300_000)
        let metrics = try running.metrics()
        #expect(metrics.contains(#"dealhook_queue_events{status="pending"} 0"#))
        #expect(metrics.contains(#"dealhook_intake_requests_total{route="stripe",outcome="unauthorized"} 2"#))
        #expect(metrics.contains(#"dealhook_intake_requests_total{route="website-contact",outcome="spam_honeypot"} 1"#))
        #expect(try running.sandboxObjects()["deals"] == 0)
    }

    @Test func classicFormPostsAreRedirectedAndMultipartIsDecoded() throws {
        let running = try Running()
        let classic = try running.post(
            "/forms/contact", body: "name=Ben&email=ben%40example.org&message=Hi",
            headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(classic.status.code == 303)
        #expect(classic.headers["Location"] == "/thanks.html")
        let boundary = "----dealhook1234"
        let multipart = [
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nCleo\r\n",
            "--\(boundary)\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\ncleo@example.org\r\n",
            "--\(boundary)--\r\n",
        ].joined()
        let posted = try running.post(
            "/forms/contact", body: multipart,
            headers: ["Content-Type": "multipart/form-data; boundary=\(boundary)", "Accept": "application/json"])
        #expect(posted.status.code == 202)
        let invalid = try running.post(
            "/forms/contact", body: "name=&email=", headers: ["Content-Type": "application/x-www-form-urlencoded"])
        #expect(invalid.status.code == 422)
        #expect(invalid.headers["Content-Type"] == "text/html; charset=utf-8")
        let objects = try running.waitForObjects { $0["contacts"] == 2 }
        #expect(objects["contacts"] == 2)
    }

    @Test func serveRefusesToStartWithoutAKeyOrTheSandbox() throws {
        let result = try DealhookProcess.run(["serve", "--config", try ServeTests.writeConfig()])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no Teamopipe API key"))
        #expect(result.stderr.contains("dealhook serve --sandbox"))
    }
}
