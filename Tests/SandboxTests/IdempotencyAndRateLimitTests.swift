import JSON
import Sandbox
import Testing

@Suite("Sandbox: idempotency keys")
struct IdempotencyTests {
    @Test func aRepeatedKeyReplaysTheFirstResponseWithoutActingTwice() throws {
        let harness = try SandboxHarness()
        let headers = ["Idempotency-Key": "evt_1:deal"]
        let first = try harness.api("POST", "/deals", ["title": "Once"], headers: headers)
        #expect(first.status == 201)
        #expect(first.response.header("Idempotent-Replayed") == nil)
        let second = try harness.api("POST", "/deals", ["title": "Once"], headers: headers)
        #expect(second.status == 201)
        #expect(second.response.body == first.response.body)
        #expect(second.response.header("Idempotent-Replayed") == "true")
        #expect(try harness.objectCount("deals") == 1)
        let stats = try harness.control("GET", "/stats").json
        #expect(stats["requests"]?["POST /deals"] == ["201": 2])

        #expect(
            try harness.api("POST", "/deals", ["title": "Once"], headers: ["Idempotency-Key": "evt_2:deal"]).status
                == 201)
        #expect(try harness.objectCount("deals") == 2)
        #expect(try harness.api("POST", "/deals", ["title": "Twice"]).status == 201, "without a key, every POST acts")
        #expect(try harness.objectCount("deals") == 3)
    }

    @Test func theFirstAnswerIsReplayedEvenWhenItWasAnError() throws {
        let harness = try SandboxHarness()
        let headers = ["Idempotency-Key": "evt_3:deal"]
        let first = try harness.api("POST", "/deals", ["title": "T", "value": 1], headers: headers)
        #expect(first.status == 422)
        #expect(
            try harness.api("POST", "/deals", ["title": "T", "value": 1], headers: headers).response.body
                == first.response.body)
    }

    @Test func bulkAndUpsertReplayToo() throws {
        let harness = try SandboxHarness()
        let bulk = ["deals": [["title": "a"], ["title": "b"]]] as JSONValue
        _ = try harness.api("POST", "/deals/bulk", bulk, headers: ["Idempotency-Key": "k-bulk"])
        _ = try harness.api("POST", "/deals/bulk", bulk, headers: ["Idempotency-Key": "k-bulk"])
        #expect(try harness.objectCount("deals") == 2)
        let upsert = ["email": "x@y.test"] as JSONValue
        let first = try harness.api("POST", "/contacts/upsert", upsert, headers: ["Idempotency-Key": "k-up"])
        let again = try harness.api("POST", "/contacts/upsert", upsert, headers: ["Idempotency-Key": "k-up"])
        #expect(first.status == 201 && again.status == 201, "the replay is the first answer, created")
        #expect(again.json["created"] == true)
    }

    @Test func reusingAKeyForAnotherCallOrBodyIsAConflict() throws {
        let harness = try SandboxHarness()
        let headers = ["Idempotency-Key": "evt_4:x"]
        _ = try harness.api("POST", "/deals", ["title": "A"], headers: headers)
        let otherBody = try harness.api("POST", "/deals", ["title": "B"], headers: headers)
        #expect(otherBody.status == 409)
        #expect(otherBody.json.errorCode == "idempotency_key_reused")
        let otherPath = try harness.api("POST", "/organizations", ["title": "A"], headers: headers)
        #expect(otherPath.status == 409)
        #expect(try harness.objectCount("deals") == 1)
        #expect(try harness.objectCount("organizations") == 0)
    }

    @Test func keysExpireAfterTheRetention() throws {
        let harness = try SandboxHarness { $0.idempotencyRetention = .zero }
        _ = try harness.api("POST", "/deals", ["title": "A"], headers: ["Idempotency-Key": "k"])
        _ = try harness.api("POST", "/deals", ["title": "A"], headers: ["Idempotency-Key": "k"])
        #expect(try harness.objectCount("deals") == 2)
    }
}

@Suite("Sandbox: rate limit")
struct RateLimitTests {
    @Test func everyResponseCarriesTheHeadersAndTheBucketRunsOut() throws {
        let harness = try SandboxHarness { $0.rateLimit = RateLimitPolicy(ratePerSecond: 0.5, burst: 3) }
        for remaining in [2, 1, 0] {
            let response = try harness.api("GET", "/members").response
            #expect(response.status == 200)
            #expect(response.header("X-RateLimit-Limit") == "3")
            #expect(response.header("X-RateLimit-Remaining") == String(remaining))
            #expect(Int(response.header("X-RateLimit-Reset") ?? "") ?? 0 >= 1)
        }
        let limited = try harness.api("GET", "/members")
        #expect(limited.status == 429)
        #expect(limited.json.errorCode == "rate_limited")
        #expect(limited.response.header("Retry-After") == "2")
        #expect(limited.response.header("X-RateLimit-Remaining") == "0")
        #expect(try harness.control("GET", "/stats").json["requests"]?["GET /members"] == ["200": 3, "429": 1])
    }

    @Test func bucketsArePerKey() throws {
        let harness = try SandboxHarness { $0.rateLimit = RateLimitPolicy(ratePerSecond: 0.1, burst: 1) }
        _ = try harness.control("POST", "/keys", ["key": "other-key-1"])
        #expect(try harness.api("GET", "/members").status == 200)
        #expect(try harness.api("GET", "/members").status == 429)
        #expect(try harness.api("GET", "/members", key: "other-key-1").status == 200)
    }

    @Test func offMeansNoLimitAndNoHeaders() throws {
        let harness = try SandboxHarness { $0.rateLimit = nil }
        for _ in 0..<50 {
            let response = try harness.api("GET", "/pipelines").response
            #expect(response.status == 200)
            #expect(response.header("X-RateLimit-Limit") == nil)
        }
    }

    @Test func policiesParse() throws {
        #expect(try RateLimitPolicy.parse("20/s") == RateLimitPolicy(ratePerSecond: 20, burst: 40))
        #expect(try RateLimitPolicy.parse("5/s,burst=7") == RateLimitPolicy(ratePerSecond: 5, burst: 7))
        #expect(try RateLimitPolicy.parse("off") == nil)
        for bad in ["20", "0/s", "x/s", "20/s,burst=0", "20/min"] {
            #expect(throws: SandboxError.self) { try RateLimitPolicy.parse(bad) }
        }
    }
}
