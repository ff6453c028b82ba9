import Foundation
import HTTP
import JSON
import Queue
import Synchronization
import TestSupport
import Testing

/// `kill -9` of `dealhook serve` under load, a restart on the same queue file, and the proof: every event that
/// got a 2xx reached Teamopipe exactly once. The sandbox is a process of its own, so it keeps its objects and
/// idempotency keys across the crash; a 2 s lease brings back the events that were being delivered.
@Suite("Resilience: a crash under load", .serialized)
struct ResilienceCrashTests {
    typealias R = Resilience

    /// What the posting clients saw.
    struct Posted: Sendable {
        var accepted: [String: String] = [:]  // e-mail → event id, for each 202
        var unanswered: [String] = []  // e-mails whose post got no answer (the crash)
    }

    /// `clients` threads post lead forms with distinct e-mails, `pause` apart, until `stop` or a refused post.
    final class Load: Sendable {
        let posted = Mutex(Posted())
        let stop = Atomic<Bool>(false)
        let group = DispatchGroup()

        init(serve: R.ServeProcess, clients: Int, perClient: Int, pause: Duration) {
            let base = serve.base
            for client in 0..<clients {
                group.enter()
                Thread { [self] in
                    defer { group.leave() }
                    guard
                        let http = try? HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(5)))
                    else { return }
                    for index in 0..<perClient where !stop.load(ordering: .relaxed) {
                        let email = "crash-\(client)-\(index)@example.com"
                        let body = "email=\(PercentEncoding.encode(email))&name=Crash+\(client)"
                        do {
                            let response = try http.execute(
                                HTTPClientRequest(
                                    method: "POST", url: base + "/forms/lead",
                                    headers: [
                                        "Content-Type": "application/x-www-form-urlencoded",
                                        "Accept": "application/json",
                                    ], body: Array(body.utf8)))
                            let id = (try? JSONValue(parsing: response.body))?["id"]?.stringValue
                            if response.status.code == 202, let id { posted.withLock { $0.accepted[email] = id } }
                        } catch {
                            posted.withLock { $0.unanswered.append(email) }
                            return
                        }
                        usleep(UInt32(pause.components.attoseconds / 1_000_000_000_000))
                    }
                }.start()
            }
        }

        var acceptedCount: Int { posted.withLock { $0.accepted.count } }

        func finish() -> Posted {
            stop.store(true, ordering: .relaxed)
            group.wait()
            return posted.withLock { $0 }
        }
    }

    @Test func everyEventThatGotA2xxArrivesExactlyOnceAcrossAKill9() throws {
        let workspace = try R.Workspace()
        let config = try workspace.writeConfig(lease: "2s")
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        try sandbox.faults([
            "error_rate": 0.2, "reset_after_commit_rate": 0.05, "latency_ms": 10, "seed": 9,
            "routes": ["POST /contacts/upsert", "POST /deals", "POST /tasks"],
        ])
        let started = ContinuousClock.now
        let first = try R.ServeProcess(config: config, teamopipe: sandbox)
        let load = Load(serve: first, clients: 4, perClient: 50, pause: .milliseconds(25))
        // Crash mid-way: some events delivered, some being delivered, more still arriving.
        #expect(try R.eventually(within: .seconds(20)) { try load.acceptedCount >= 60 && sandbox.count("tasks") >= 15 })
        first.crash()
        let posted = load.finish()
        let atCrash = try workspace.withStore { store in try store.stats() }

        let second = try R.ServeProcess(config: config, teamopipe: sandbox)
        #expect(try R.eventually(within: .seconds(30)) { try second.undelivered() == 0 })
        #expect(second.stop() == 0)
        let elapsed = ContinuousClock.now - started
        try sandbox.faults([:])
        let requests = try sandbox.stats()["requests"] ?? .null
        #expect(sandbox.stop() == 0)

        // The queue: every accepted event is there and done; none is dead.
        let (stored, done, dead, attempts) = try workspace.withStore { store in
            let events = try store.list(status: nil, route: nil, limit: 10_000, after: nil)
            var attempts = 0
            for event in events { attempts += try store.event(event.id)?.attempts.count ?? 0 }
            return (
                Set(events.map(\.id.text)), events.filter { $0.status == .done }.count,
                events.filter { $0.status == .dead }.count, attempts
            )
        }
        #expect(Set(posted.accepted.values).isSubset(of: stored), "an event that got a 202 is in the queue")
        #expect(done == stored.count && dead == 0)

        // Teamopipe: exactly one contact, deal and task per accepted e-mail; at most one for any other.
        let data = try R.SandboxData(file: workspace.sandboxData)
        let contacts = data.records("contacts")
        let deals = data.records("deals")
        let tasks = data.records("tasks")
        var contactsByEmail: [String: [String]] = [:]
        for contact in contacts {
            contactsByEmail[contact["email"]?.stringValue ?? "", default: []].append(contact["id"]?.stringValue ?? "")
        }
        var dealsByContact: [String: [String]] = [:]
        for deal in deals {
            dealsByContact[deal["contact_ids"]?[0]?.stringValue ?? "", default: []].append(
                deal["id"]?.stringValue ?? "")
        }
        var tasksByDeal: [String: Int] = [:]
        for task in tasks { tasksByDeal[task["deal_id"]?.stringValue ?? "", default: 0] += 1 }
        var missing: [String] = []
        for email in posted.accepted.keys {
            guard let ids = contactsByEmail[email], ids.count == 1, let dealIDs = dealsByContact[ids[0]],
                dealIDs.count == 1,
                tasksByDeal[dealIDs[0]] == 1
            else {
                missing.append(email)
                continue
            }
        }
        #expect(missing.isEmpty, "not exactly once: \(missing.sorted())")
        #expect(contactsByEmail.values.allSatisfy { $0.count == 1 }, "no e-mail has two contacts")
        #expect(dealsByContact.values.allSatisfy { $0.count == 1 }, "no contact has two deals")
        #expect(tasksByDeal.values.allSatisfy { $0 == 1 }, "no deal has two tasks")
        #expect(contacts.count == stored.count && deals.count == stored.count && tasks.count == stored.count)

        let resets = ["POST /contacts/upsert", "POST /deals", "POST /tasks"].map {
            requests[$0]?["reset"]?.intValue ?? 0
        }
        print(
            "resilience crash: \(posted.accepted.count) accepted, \(posted.unanswered.count) unanswered at the kill, "
                + "\(stored.count) stored; at the kill \(atCrash.counts[.done] ?? 0) done, "
                + "\(atCrash.counts[.inFlight] ?? 0) in flight, \(atCrash.counts[.retrying] ?? 0) retrying, "
                + "\(atCrash.counts[.pending] ?? 0) pending; \(attempts) failed attempts, resets \(resets); \(elapsed)")
        #expect(atCrash.counts[.inFlight] ?? 0 > 0, "the kill should catch deliveries in flight")
    }
}
