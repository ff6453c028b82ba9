import Foundation
import JSON
import Logging
import TestSupport
import Testing

@testable import Sandbox

@Suite("Sandbox: limits at their edge")
struct LimitTests {
    @Test func bodiesUpToTheLimitAreReadLargerOnesGet413() throws {
        let harness = try SandboxHarness { $0.maxBodySize = 200 }
        func post(titleLength: Int) throws -> Int {
            let body = #"{"title":""# + String(repeating: "t", count: titleLength) + #""}"#
            let connection = try harness.connect()
            try connection.send(
                "POST /api/v2/deals HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sandbox-key\r\n"
                    + "Content-Length: \(body.utf8.count)\r\n\r\n" + body)
            return try connection.readResponse().status
        }
        #expect(try post(titleLength: 200 - 12) == 201, "exactly 200 bytes")
        #expect(try post(titleLength: 200 - 11) == 413)
    }

    @Test func idempotencyKeysUpToTheLimitAreAccepted() throws {
        let harness = try SandboxHarness()
        let longest = String(repeating: "k", count: IdempotencyCache.maxKeyLength)
        #expect(try harness.api("POST", "/deals", ["title": "a"], headers: ["Idempotency-Key": longest]).status == 201)
        let tooLong = try harness.api("POST", "/deals", ["title": "a"], headers: ["Idempotency-Key": longest + "k"])
        #expect(tooLong.status == 400)
        #expect(try harness.objectCount("deals") == 1)
    }

    @Test func theOldestIdempotencyKeysGoFirst() {
        var cache = IdempotencyCache(retentionSeconds: 100, capacity: 2)
        func entry(_ at: Int) -> IdempotencyCache.Entry {
            .init(call: "POST /deals", request: .null, status: 201, response: .null, storedAt: at)
        }
        cache.store("a", entry(1))
        cache.store("b", entry(2))
        #expect(cache.count == 2)
        cache.store("c", entry(3))
        #expect(cache.count == 2)
        #expect(cache.entry("a", now: 3) == nil)
        #expect(cache.entry("b", now: 3) != nil)
        #expect(cache.entry("c", now: 103) == nil, "expired after the retention")
        cache.store("d", entry(200))
        #expect(cache.count == 1, "expired keys are dropped when a new one comes")
    }

    @Test func aDataFileThatCannotBeWrittenFailsAtStart() {
        let path = "/nonexistent-\(UUID().uuidString)/data.json"
        let error = #expect(throws: SandboxError.self) {
            _ = try TeamopipeSandbox(
                configuration: SandboxConfiguration(dataFile: path), logger: Logger(handler: InMemoryLogHandler()))
        }
        #expect(error?.message.contains(path) == true)
    }
}
