import Foundation
import JSON
import Queue
import TestSupport
import Testing

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
        let resets = ["POST /contacts/upsert", "POST /deals", "POST /tasks"].map {
            requests[$0]?["reset"]?.intValue ?? 0
        }
        #expect(resets.reduce(0, +) > 0, "the run should have met lost answers")
        #expect(attempts > 0)
        print("resilience: \(count) events, \(attempts) failed attempts, resets \(resets), delivered in \(elapsed)")
    }

    @Test func aDeadLetterIsReadableAndARetryAfterTheFixDeliversIt() throws {
        let workspace = try R.Workspace()
        let config = try workspace.writeConfig()
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        var serve = try R.ServeProcess(config: config, teamopipe: sandbox)
        // The partner's organization does not exist yet: Teamopipe refuses the deal with a 422.
        let posted = try serve.postForm("/forms/partner", [("name", "Acme"), ("org", "org_1")])
        try #require(posted.status == 202)
        let id = try #require(posted.id.flatMap(EventID.init))
        #expect(try R.eventually(within: .seconds(10)) { try serve.queueCount("dead") == 1 })
        // A dead letter does not stop the others.
        #expect(try serve.postForm("/forms/lead", Self.lead("after@example.com")).status == 202)
        #expect(try R.eventually(within: .seconds(10)) { try sandbox.count("tasks") == 1 })
        #expect(serve.stop() == 0)

        let story = try workspace.withStore { store in try #require(try store.event(id)) }
        #expect(story.event.status == .dead)
        #expect(story.event.deadReason?.contains("POST /deals: 422") == true)
        #expect(story.event.deadReason?.contains("organization_id") == true)
        #expect(story.attempts.count == 1, "a permanent failure is not retried")
        #expect(story.attempts.first?.httpStatus == 422)
        #expect(story.attempts.first?.errorClass == "permanent")
        #expect(story.attempts.first?.request == "deal.create (deal)")

        // The fix: the organization now exists (the sandbox numbers it org_1). Then the operator's retry.
        let created = try sandbox.api("POST", "/organizations", ["name": "Acme Partners"])
        #expect(created.status == 201 && created.json["data"]?["id"] == "org_1")
        #expect(try workspace.withStore { store in try store.retry(id) })
        serve = try R.ServeProcess(config: config, teamopipe: sandbox)
        #expect(try R.eventually(within: .seconds(10)) { try serve.queueCount("done") == 2 })
        #expect(try serve.queueCount("dead") == 0)
        #expect(serve.stop() == 0)
        let delivered = try workspace.withStore { store in try #require(try store.event(id)) }
        #expect(delivered.event.status == .done, "\(delivered.attempts.map(\.details))")
        #expect(delivered.event.retriedAt != nil)
        #expect(delivered.attempts.count == 1, "the history of the first life is kept")
        let deals = try sandbox.api("GET", "/deals?organization_id=org_1").json["data"]?.arrayValue ?? []
        #expect(deals.count == 1 && deals.first?["title"] == "Partner Acme")
    }

    @Test func aRevokedKeyPausesDeliveryAndItsReturnResumesIt() throws {
        let workspace = try R.Workspace()
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        let serve = try R.ServeProcess(config: try workspace.writeConfig(), teamopipe: sandbox)
        #expect(try serve.get("/readyz").status == 200)
        try #require(try sandbox.control("DELETE", "/keys/\(R.SandboxProcess.apiKey)").status.code < 300)

        for index in 0..<5 {
            #expect(try serve.postForm("/forms/lead", Self.lead("paused\(index)@example.com")).status == 202)
        }
        #expect(try R.eventually(within: .seconds(10)) { try serve.get("/readyz").status == 503 })
        let ready = try serve.get("/readyz").body
        #expect(ready.contains("refused the API key") && ready.contains("401"))
        usleep(500_000)
        #expect(try sandbox.count("contacts") == 0)
        #expect(try serve.queueCount("dead") == 0)
        #expect(try serve.undelivered() == 5)

        let restored = ContinuousClock.now
        try #require(try sandbox.control("POST", "/keys", ["key": .string(R.SandboxProcess.apiKey)]).status.code < 300)
        #expect(try R.eventually(within: .seconds(20)) { try serve.queueCount("done") == 5 })
        let resumedAfter = ContinuousClock.now - restored
        #expect(try serve.get("/readyz").status == 200)
        #expect(try sandbox.count("contacts") == 5 && sandbox.count("deals") == 5 && sandbox.count("tasks") == 5)
        #expect(serve.stop() == 0)
        print("resilience: deliveries resumed \(resumedAfter) after the key came back")
    }

    @Test func eventsOfOneSubjectAreDeliveredInTheOrderTheyWereAccepted() throws {
        let workspace = try R.Workspace()
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        try sandbox.faults([
            "error_rate": 0.3, "reset_after_commit_rate": 0.1, "latency_ms": 15, "seed": 5,
            "routes": ["POST /contacts/upsert", "POST /contacts/{id}/activities"],
        ])
        let serve = try R.ServeProcess(config: try workspace.writeConfig(), teamopipe: sandbox)
        let people = ["ana@example.com", "ben@example.com", "cleo@example.com"]
        let notes = 6
        for n in 0..<notes {
            for email in people {
                #expect(try serve.postForm("/forms/note", [("email", email), ("n", String(n))]).status == 202)
            }
        }
        #expect(try R.eventually(within: .seconds(30)) { try serve.queueCount("done") == notes * people.count })
        #expect(serve.stop() == 0)
        #expect(sandbox.stop() == 0)

        let data = try R.SandboxData(file: workspace.sandboxData)
        let contacts = data.records("contacts")
        #expect(contacts.count == people.count)
        let activities = data.records("activities").sorted {
            R.number($0["id"]?.stringValue) < R.number($1["id"]?.stringValue)
        }
        #expect(activities.count == notes * people.count, "each note exactly once")
        for contact in contacts {
            let texts = activities.filter { $0["contact_id"] == contact["id"] }.compactMap { $0["text"]?.stringValue }
            #expect(texts == (0..<notes).map { "note \($0)" }, "\(contact["email"]?.stringValue ?? "?"): \(texts)")
        }
    }

    @Test func anOutageOfTeamopipeDelaysDeliveryAndLosesNothing() throws {
        let workspace = try R.Workspace()
        var sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        let port = sandbox.port
        let serve = try R.ServeProcess(config: try workspace.writeConfig(), teamopipe: sandbox)
        #expect(try serve.postForm("/forms/lead", Self.lead("before@example.com")).status == 202)
        #expect(try R.eventually(within: .seconds(10)) { try serve.queueCount("done") == 1 })

        // Teamopipe goes away: intake goes on, deliveries wait and retry.
        #expect(sandbox.stop() == 0)
        for index in 0..<10 {
            #expect(try serve.postForm("/forms/lead", Self.lead("outage\(index)@example.com")).status == 202)
        }
        usleep(1_500_000)
        #expect(try serve.queueCount("done") == 1 && serve.queueCount("dead") == 0)
        #expect(try serve.undelivered() == 10)
        // Ten failures in a row pause deliveries: Dealhook stays ready (intake goes on) and says why they wait.
        #expect(try R.eventually(within: .seconds(5)) { try serve.get("/readyz").body.contains("deliveries paused") })
        #expect(try serve.get("/readyz").status == 200)

        // It comes back on the same address with the same objects.
        sandbox = try R.SandboxProcess(data: workspace.sandboxData, port: port)
        #expect(try R.eventually(within: .seconds(10)) { try serve.queueCount("done") == 11 })
        #expect(try sandbox.count("contacts") == 11 && sandbox.count("deals") == 11 && sandbox.count("tasks") == 11)
        #expect(serve.stop() == 0)
    }
}
