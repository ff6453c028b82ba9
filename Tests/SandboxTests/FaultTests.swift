import Dispatch
import JSON
import TestSupport
import Testing

@Suite("Sandbox: fault injection")
struct FaultTests {
    @Test func faultsAreZeroByDefaultAndReadBack() throws {
        let harness = try SandboxHarness()
        let initial = try harness.control("GET", "/faults")
        #expect(initial.json["data"]?["error_rate"] == 0)
        #expect(initial.json["data"]?["seed"] == 7)
        let set = try harness.control(
            "POST", "/faults",
            [
                "error_rate": 0.3, "rate_limited_rate": 0.1, "latency_ms": 20, "hang_rate": 0.01,
                "reset_after_commit_rate": 0.02,
            ])
        #expect(set.status == 200)
        let read = try harness.control("GET", "/faults").json["data"]
        #expect(
            read == [
                "error_rate": 0.3, "rate_limited_rate": 0.1, "latency_ms": 20, "hang_rate": 0.01,
                "reset_after_commit_rate": 0.02,
                "routes": [], "seed": 7,
            ])
        let replaced = try harness.control("POST", "/faults", ["latency_ms": 5]).json["data"]
        #expect(replaced?["error_rate"] == 0, "a POST replaces every setting")
    }

    @Test func invalidSettingsGet422() throws {
        let harness = try SandboxHarness()
        let result = try harness.control(
            "POST", "/faults",
            [
                "error_rate": 1.5, "latency_ms": -1, "hang": 1, "routes": ["POST /nowhere"], "seed": "x",
            ])
        #expect(result.status == 422)
        #expect(Set(result.json.detailFields) == ["error_rate", "latency_ms", "hang", "routes[0]", "seed"])
        let sum = try harness.control("POST", "/faults", ["error_rate": 0.6, "rate_limited_rate": 0.6])
        #expect(sum.status == 422)
        #expect(try harness.control("GET", "/faults").json["data"]?["error_rate"] == 0, "nothing changed")
    }

    @Test func errorRateOneGives5xxWithoutActing() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["error_rate": 1])
        var statuses: Set<Int> = []
        for index in 0..<12 {
            let result = try harness.api("POST", "/deals", ["title": .string("D\(index)")])
            statuses.insert(result.status)
            #expect(["internal_error", "bad_gateway", "service_unavailable"].contains(result.json.errorCode ?? ""))
        }
        #expect(statuses.isSubset(of: [500, 502, 503]) && statuses.count > 1)
        _ = try harness.control("POST", "/faults", [:])
        #expect(try harness.objectCount("deals") == 0)
    }

    @Test func rateLimitedRateOneGives429WithRetryAfter() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["rate_limited_rate": 1])
        let result = try harness.api("POST", "/deals", ["title": "x"])
        #expect(result.status == 429)
        #expect(result.response.header("Retry-After") == "1")
        #expect(result.response.header("X-RateLimit-Limit") == "40")
        #expect(try harness.objectCount("deals") == 0)
    }

    @Test func latencyDelaysTheAnswerWithoutBlockingOthers() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["latency_ms": 400, "routes": ["POST /deals"]])
        let slow = try harness.connect()
        let started = DispatchTime.now()
        try slow.send(SandboxHarness.request("POST", "/api/v2/deals", json: ["title": "slow"]))
        // While the slow call waits, the event loop still answers others at once.
        let quick = try harness.api("GET", "/pipelines")
        let quickElapsed = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        #expect(quick.status == 200)
        #expect(quickElapsed < 300_000_000)
        #expect(try slow.readResponse().status == 201)
        let elapsed = DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds
        #expect(elapsed >= 400_000_000)
    }

    @Test func resetAfterCommitClosesWithoutAnswerButTheDealExists() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["reset_after_commit_rate": 1])
        #expect(try harness.api("GET", "/pipelines").status == 200, "reads are never reset")
        let connection = try harness.connect()
        try connection.send(
            SandboxHarness.request(
                "POST", "/api/v2/deals", json: ["title": "Lost answer"], headers: ["Idempotency-Key": "evt_9:deal"]))
        #expect(throws: TestConnectionError.self) { try connection.readResponse() }
        #expect(try harness.objectCount("deals") == 1)
        #expect(try harness.control("GET", "/stats").json["requests"]?["POST /deals"] == ["reset": 1])

        _ = try harness.control("POST", "/faults", [:])
        let retry = try harness.api(
            "POST", "/deals", ["title": "Lost answer"], headers: ["Idempotency-Key": "evt_9:deal"])
        #expect(retry.status == 201)
        #expect(retry.json.dataID == "deal_1")
        #expect(retry.response.header("Idempotent-Replayed") == "true")
        #expect(try harness.objectCount("deals") == 1, "the retry with the same key made no second deal")
    }

    @Test func aHungRequestGetsNoAnswerWithinTheClientTimeout() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["hang_rate": 1])
        let connection = try harness.connect(timeoutSeconds: 1)
        try connection.send(SandboxHarness.request("POST", "/api/v2/deals", json: ["title": "Hung"]))
        let error = #expect(throws: TestConnectionError.self) { try connection.readResponse() }
        #expect(error?.message.contains("timed out") == true)
        #expect(try harness.objectCount("deals") == 0)
        #expect(try harness.control("GET", "/stats").json["requests"]?["POST /deals"] == ["hang": 1])
    }

    @Test func aHungRequestIsAnswered504AfterTheHangDuration() throws {
        let harness = try SandboxHarness { $0.hangDuration = .milliseconds(200) }
        _ = try harness.control("POST", "/faults", ["hang_rate": 1])
        let result = try harness.api("GET", "/members")
        #expect(result.status == 504)
        #expect(result.json.errorCode == "gateway_timeout")
        #expect(result.response.header("X-RateLimit-Remaining") != nil)
        #expect(try harness.control("GET", "/stats").json["requests"]?["GET /members"] == ["hang": 1])
    }

    @Test func aSeedGivesTheSameFaults() throws {
        let harness = try SandboxHarness { $0.rateLimit = nil }
        func run() throws -> [Int] {
            _ = try harness.control("POST", "/faults", ["error_rate": 0.5, "seed": 42])
            return try (0..<20).map { _ in try harness.api("GET", "/members").status }
        }
        let first = try run()
        #expect(first.contains(200) && first.contains { $0 >= 500 })
        #expect(try run() == first)
    }

    @Test func routesLimitWhereFaultsApply() throws {
        let harness = try SandboxHarness()
        _ = try harness.control("POST", "/faults", ["error_rate": 1, "routes": ["POST /deals/{id}/stage"]])
        let id = try harness.api("POST", "/deals", ["title": "x"]).json.dataID!
        #expect(try harness.api("POST", "/deals/\(id)/stage", ["stage_id": "stage_sales_won"]).status >= 500)
    }
}
