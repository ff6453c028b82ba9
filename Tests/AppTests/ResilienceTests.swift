import Foundation
import JSON
import Queue
import Testing
import TestSupport

/// The promise under fire: an event that got a 2xx is never lost and reaches Teamopipe exactly once in effect,
/// through 5xx, 429, lost answers, a revoked key and dead letters. `dealhook serve` runs as a process; the
/// sandbox is its embedded one (`--sandbox`) or a `dealhook sandbox` process whose state outlives serve.
@Suite("Resilience: faults, dead letters, a revoked key, order", .serialized)
struct ResilienceTests {
    typealias R = Resilience

    static func lead(_ email: String) -> [(String, String)] { [("email", email), ("name", "Lead \(email)")] }

    @Test func formsBecomeContactsDealsAndTasksThroughTheEmbeddedSandbox() throws {
        let workspace = try R.Workspace()
        let serve = try R.ServeProcess(config: try workspace.writeConfig(), embedded: true)
        let sandboxRoot = try #require(serve.embeddedSandbox)
        for index in 0..<3 {
            #expect(try serve.postForm("/forms/lead", Self.lead("ok\(index)@example.com")).status == 202)
        }
        let stats = { try JSONValue(parsing: try serve.http.execute(.init(url: sandboxRoot + "/_sandbox/stats")).body) }
        #expect(try R.eventually(within: .seconds(10)) { try stats()["objects"]?["tasks"] == 3 })
        #expect(try stats()["objects"]?["contacts"] == 3 && stats()["objects"]?["deals"] == 3)
        #expect(try R.eventually(within: .seconds(5)) { try serve.queueCount("done") == 3 })
        #expect(try serve.get("/readyz").status == 200)
        #expect(serve.stop() == 0)
    }

    @Test func fiftyFormsThroughFaultsArriveExactlyOnceEach() throws {
        let count = 50
        let workspace = try R.Workspace()
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        try sandbox.faults([
            "error_rate": 0.3, "rate_limited_rate": 0.1, "reset_after_commit_rate": 0.05, "seed": 7,
            "routes": ["POST /contacts/upsert", "POST /deals", "POST /tasks"],
        ])
        let serve = try R.ServeProcess(config: try workspace.writeConfig(), teamopipe: sandbox)
        let started = ContinuousClock.now
        let emails = (0..<count).map { "lead\($0)@example.com" }
        var ids: [String] = []
        for email in emails {
            let answer = try serve.postForm("/forms/lead", Self.lead(email))
            try #require(answer.status == 202)
            ids.append(try #require(answer.id))
        }
        #expect(try R.eventually(within: .seconds(40)) { try serve.queueCount("done") == count })
        let elapsed = ContinuousClock.now - started
        #expect(try serve.queueCount("dead") == 0)
        #expect(serve.stop() == 0)
        let requests = try sandbox.stats()["requests"] ?? .null
        #expect(sandbox.stop() == 0)

        // Exactly once: one contact per e-mail, one deal per contact, one task per deal, nothing else.
        let data = try R.SandboxData(file: workspace.sandboxData)
        let contacts = data.records("contacts")
        let deals = data.records("deals")
        let tasks = data.records("tasks")
        #expect(contacts.count == count && deals.count == count && tasks.count == count)
        #expect(Set(contacts.compactMap { $0["email"]?.stringValue }) == Set(emails))
        let contactIDs = contacts.compactMap { $0["id"]?.stringValue }
        #expect(Set(deals.compactMap { $0["contact_ids"]?[0]?.stringValue }) == Set(contactIDs))
        #expect(Set(tasks.compactMap { $0["deal_id"]?.stringValue }) == Set(deals.compactMap { $0["id"]?.stringValue }))

        let (done, dead, attempts) = try workspace.withStore { store in
            let stats = try store.stats()
            var attempts = 0
            for id in ids { attempts += try store.event(try #require(EventID(id)))?.attempts.count ?? 0 }
            return (stats.counts[.done], stats.counts[.dead], attempts)
        }
        #expect(done == count && dead == 0)
        let resets = ["POST /contacts/upsert", "POST /deals", "POST /tasks"].map { requests[$0]?["reset"]?.intValue ?? 0 }
        #expect(resets.reduce(0, +) > 0, "the run should have met lost answers")
        #expect(attempts > 0)
        print("resilience: \(count) events, \(attempts) failed attempts, resets \(resets), delivered in \(elapsed)")
    }
}

