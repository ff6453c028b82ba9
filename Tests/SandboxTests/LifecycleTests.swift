import Foundation
import HTTP
import JSON
import Logging
import Sandbox
import TestSupport
import Testing

@Suite("Sandbox: stats, reset, persistence, listening")
struct LifecycleTests {
    @Test func statsCountByRouteTemplateAndStatus() throws {
        let harness = try SandboxHarness()
        let id = try harness.api("POST", "/deals", ["title": "a"]).json.dataID!
        _ = try harness.api("POST", "/deals/\(id)/stage", ["stage_id": "stage_sales_won"])
        _ = try harness.api("POST", "/deals/deal_77/stage", ["stage_id": "stage_sales_won"])
        _ = try harness.api("POST", "/tasks", ["title": "t", "deal_id": .string(id)])
        _ = try harness.api("GET", "/nothing")
        _ = try harness.api("GET", "/members", key: "bad")
        let stats = try harness.control("GET", "/stats").json
        #expect(
            stats["requests"] == [
                "POST /deals": ["201": 1], "POST /deals/{id}/stage": ["200": 1, "404": 1], "POST /tasks": ["201": 1],
                "(unmatched)": ["404": 1], "GET /members": ["401": 1],
            ])
        #expect(stats["objects"] == ["deals": 1, "contacts": 0, "organizations": 0, "tasks": 1, "activities": 0])
    }

    @Test func resetRestoresTheSeededWorkspace() throws {
        let harness = try SandboxHarness()
        _ = try harness.api("POST", "/deals", ["title": "a"], headers: ["Idempotency-Key": "k1"])
        _ = try harness.control("POST", "/faults", ["latency_ms": 1])
        _ = try harness.control("POST", "/keys/rotate", ["key": "rotated-key-1"])
        #expect(try harness.control("POST", "/reset").status == 200)
        let stats = try harness.control("GET", "/stats").json
        #expect(stats["requests"] == [:])
        #expect(stats["objects"]?["deals"] == 0)
        #expect(try harness.control("GET", "/faults").json["data"]?["latency_ms"] == 0)
        let again = try harness.api("POST", "/deals", ["title": "a"], headers: ["Idempotency-Key": "k1"])
        #expect(again.status == 201)
        #expect(again.json.dataID == "deal_1", "ids start over and the idempotency key is forgotten")
        #expect(again.response.header("Idempotent-Replayed") == nil)
    }

    @Test func unknownSandboxCallsGet404() throws {
        let harness = try SandboxHarness()
        #expect(try harness.control("GET", "/nothing").status == 404)
    }

    @Test func theDataFileSurvivesARestart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("data.json").path
        do {
            let harness = try SandboxHarness { $0.dataFile = path }
            let contact = try harness.api("POST", "/contacts/upsert", ["email": "keep@example.com"]).json.dataID!
            _ = try harness.api(
                "POST", "/deals", ["title": "Kept", "contact_ids": [.string(contact)]],
                headers: ["Idempotency-Key": "evt:1"])
            _ = try harness.api("POST", "/deals/deal_1/activities", ["type": "note", "text": "n"])
        }
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
        let harness = try SandboxHarness { $0.dataFile = path }
        let found = try harness.api("GET", "/deals?contact_email=keep%40example.com")
        #expect(found.json["data"]?.arrayValue?.compactMap { $0["title"]?.stringValue } == ["Kept"])
        #expect(try harness.objectCount("activities") == 1)
        let replay = try harness.api(
            "POST", "/deals", ["title": "Kept", "contact_ids": ["contact_1"]], headers: ["Idempotency-Key": "evt:1"])
        #expect(replay.response.header("Idempotent-Replayed") == "true", "idempotency keys survive too")
        #expect(try harness.api("POST", "/deals", ["title": "Next"]).json.dataID == "deal_2", "ids continue")
    }

    @Test func aDamagedDataFileIsRefusedWithItsPath() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).json")
            .path
        try "{\"format\": 1".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let error = #expect(throws: SandboxError.self) {
            _ = try TeamopipeSandbox(
                configuration: SandboxConfiguration(dataFile: path), logger: Logger(handler: InMemoryLogHandler()))
        }
        #expect(error?.message.contains(path) == true)
    }

    @Test func onlyLoopbackUnlessAllowed() throws {
        let logger = Logger(handler: InMemoryLogHandler())
        let open = TeamopipeSandbox.self
        let refused = try open.init(
            configuration: SandboxConfiguration(addresses: [BindAddress(host: "0.0.0.0", port: 0)]), logger: logger)
        let error = #expect(throws: SandboxError.self) { try refused.start() }
        #expect(error?.message.contains("--listen-any") == true)

        let allowed = try open.init(
            configuration: SandboxConfiguration(
                addresses: [BindAddress(host: "0.0.0.0", port: 0)], allowNonLoopback: true), logger: logger)
        let port = try allowed.start()[0].port
        defer { allowed.shutdown() }
        let connection = try TestConnection(port: port)
        try connection.send(SandboxHarness.request("GET", "/api/v2/members"))
        #expect(try connection.readResponse().status == 200)
    }

    @Test func servesOnIPv6Loopback() throws {
        let harness = try SandboxHarness { $0.addresses = [BindAddress(host: "::1", port: 0)] }
        let connection = try TestConnection(host: "::1", port: harness.port)
        try connection.send(SandboxHarness.request("GET", "/api/v2/pipelines"))
        #expect(try connection.readResponse().status == 200)
    }

    @Test func theResponderWorksInProcess() throws {
        let sandbox = try TeamopipeSandbox(
            configuration: SandboxConfiguration(), logger: Logger(handler: InMemoryLogHandler()))
        let head = HTTPRequestHead(
            method: "GET", target: "/api/v2/members", version: .http1_1,
            headers: ["Authorization": "Bearer \(sandbox.apiKey)"])
        let answer = Answer()
        sandbox.responder.respond(
            to: HTTPRequest(head: head), context: HTTPRequestContext(remoteAddress: "127.0.0.1", receivedAt: 0),
            writer: HTTPResponseWriter { answer.response = $0 })
        #expect(answer.response?.status == .ok)
        #expect(answer.response?.headers["Content-Type"] == "application/json")
    }
}

/// Holds what an in-process responder wrote.
private final class Answer: @unchecked Sendable {
    // Written once, synchronously, on the test's thread before it is read.
    var response: HTTPResponse?
}

@Suite("dealhook sandbox")
struct SandboxCommandTests {
    @Test func answersOnItsPrintedPortAndStopsOnSIGTERM() throws {
        let process = try DealhookProcess([
            "sandbox", "--listen", "127.0.0.1:0", "--api-key", "demo-key-1", "--rate-limit", "off", "--seed", "3",
        ])
        let port = try process.waitForListeningPort()
        let connection = try TestConnection(port: port)
        try connection.send(SandboxHarness.request("GET", "/api/v2/pipelines", key: "demo-key-1"))
        let response = try connection.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-RateLimit-Limit") == nil)
        #expect(try JSONValue(parsing: response.body)["data"]?[0]?["name"] == "Sales")
        try connection.send(SandboxHarness.request("GET", "/_sandbox/faults", key: nil))
        #expect(try JSONValue(parsing: try connection.readResponse().body)["data"]?["seed"] == 3)
        process.send(signal: SIGTERM)
        #expect(process.waitForExit(seconds: 10) == 0)
    }

    @Test func aSignalSentAtOnceIsNotLostAndTheDataFileIsWritten() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("sandbox-\(UUID().uuidString).json")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        for _ in 0..<3 {
            let process = try DealhookProcess(["sandbox", "--listen", "127.0.0.1:0", "--data", path])
            _ = try process.waitForListeningPort()
            process.send(signal: SIGTERM)
            #expect(process.waitForExit(seconds: 10) == 0)
        }
        let stored = try JSONValue(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))))
        #expect(stored["format"] == "dealhook-sandbox/1")
    }

    @Test func refusesANonLoopbackAddress() throws {
        let result = try DealhookProcess.run(["sandbox", "--listen", "0.0.0.0:0"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("loopback only"))
    }

    @Test(arguments: [
        (["sandbox", "--rate-limit", "fast"], "invalid rate limit 'fast'"),
        (["sandbox", "--listen", "nowhere"], "expected HOST:PORT"),
        (["sandbox", "--seed", "-1"], "--seed must be"),
        (["sandbox", "--bogus"], "unknown option '--bogus'"),
    ])
    func usageErrorsExitWithStatus2(_ arguments: [String], _ message: String) throws {
        let result = try DealhookProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message))
    }

    @Test func helpDescribesTheOptions() throws {
        let result = try DealhookProcess.run(["help", "sandbox"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("--listen-any"))
        #expect(try DealhookProcess.run(["help"]).stdout.contains("sandbox"))
    }
}
