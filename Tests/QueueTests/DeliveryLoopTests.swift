import Foundation
import JSON
import Rules
import Teamopipe
import Testing
import SandboxTestSupport

@testable import Queue

/// `DeliveryLoop` running on its own thread against a real SQLite store: what it does with each outcome.
@Suite(.serialized) struct DeliveryLoopTests {
    static let fast = RetryPolicy(base: .milliseconds(20), maxDelay: .milliseconds(200), maxAttempts: 24, jitter: 0)

    /// A store on the real clock (the loop claims with `Timestamp.now()`), a loop over it, and the teardown.
    static func withLoop(
        performer: any StepPerformer, policy: RetryPolicy = fast, concurrency: Int = 4, lease: Duration = .seconds(60),
        _ body: (SQLiteEventStore, DeliveryLoop) throws -> Void
    ) throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        let loop = DeliveryLoop(
            store: store, performer: performer, policy: policy, concurrency: concurrency, lease: lease,
            logger: DeliveryFixture.quietLogger)
        loop.start()
        defer { loop.stop(timeout: .seconds(5)) }
        try body(store, loop)
    }

    static func status(_ store: SQLiteEventStore, _ id: EventID) throws -> EventStatus? {
        try store.event(id)?.event.status
    }

    @Test func aPermanentFailureIsADeadLetterAtOnceWithItsStory() throws {
        let performer = ScriptedPerformer { operation, _, _ in
            operation == .dealCreate ? ScriptedPerformer.invalid : ScriptedPerformer.ok
        }
        try Self.withLoop(performer: performer) { store, _ in
            let id = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "ana@example.com"))])[0]
            #expect(try eventually { try Self.status(store, id) == .dead })
            let detail = try #require(try store.event(id))
            #expect(
                detail.event.deadReason == "POST /deals: 422 invalid input (validation_failed); currency: is required")
            #expect(detail.attempts.count == 1)
            #expect(detail.attempts.first?.httpStatus == 422)
            #expect(detail.attempts.first?.errorClass == "permanent")
            #expect(detail.attempts.first?.step == 1)
            #expect(detail.steps.map(\.step) == [0])
            #expect(performer.calls == 2, "a permanent failure is not retried")
            #expect(store.pendingCount() == 0)
        }
    }

    @Test func transientFailuresAreRetriedWithBackoffUntilDelivered() throws {
        // The deal fails twice, then goes through.
        let performer = ScriptedPerformer { operation, _, call in
            operation == .dealCreate && call < 3 ? ScriptedPerformer.unavailable() : ScriptedPerformer.ok
        }
        try Self.withLoop(performer: performer) { store, _ in
            let id = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "ben@example.com"))])[0]
            #expect(try eventually { try Self.status(store, id) == .done })
            let detail = try #require(try store.event(id))
            #expect(detail.attempts.map(\.number) == [1, 2])
            #expect(detail.attempts.allSatisfy { $0.errorClass == "transient" && $0.httpStatus == 503 && $0.step == 1 })
            #expect(detail.event.attempts == 2)
            #expect(detail.steps.map(\.step) == [0, 1, 2])
            // 20 ms after the first failure, 40 ms after the second.
            let gap = detail.attempts[1].startedAt - detail.attempts[0].finishedAt
            #expect(gap >= .milliseconds(19))
            #expect(performer.calls == 5, "contact once, deal three times, task once")
        }
    }

    @Test func retryAfterHoldsTheNextAttemptBack() throws {
        let performer = ScriptedPerformer { _, _, call in
            call == 0 ? ScriptedPerformer.unavailable(retryAfter: .seconds(1)) : ScriptedPerformer.ok
        }
        try Self.withLoop(performer: performer) { store, _ in
            let id = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "cleo@example.com"))])[0]
            #expect(try eventually { try store.event(id)?.attempts.count == 1 })
            let retrying = try #require(try store.event(id))
            let finished = try #require(retrying.attempts.first?.finishedAt)
            if retrying.event.status == .retrying, let due = retrying.event.dueAt {
                #expect(due - finished >= .milliseconds(990))
            }
            #expect(try eventually { try Self.status(store, id) == .done })
            let done = try #require(try store.event(id))
            #expect(done.steps.first.map { $0.completedAt - finished } ?? .zero >= .milliseconds(990))
        }
    }

    @Test func retriesEndAfterMaxAttempts() throws {
        let performer = ScriptedPerformer { _, _, _ in ScriptedPerformer.unavailable() }
        var policy = Self.fast
        policy.maxAttempts = 3
        try Self.withLoop(performer: performer, policy: policy) { store, _ in
            let id = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "dan@example.com"))])[0]
            #expect(try eventually { try Self.status(store, id) == .dead })
            let detail = try #require(try store.event(id))
            #expect(detail.attempts.map(\.number) == [1, 2, 3])
            #expect(detail.event.deadReason?.hasPrefix("gave up after 3 attempts: POST /deals: 503") == true)
            #expect(performer.calls == 3)
        }
    }

    @Test func retriesEndOnceTheEventIsOlderThanMaxAge() throws {
        let performer = ScriptedPerformer { _, _, _ in ScriptedPerformer.unavailable() }
        var policy = Self.fast
        policy.maxAge = .seconds(60)
        try Self.withLoop(performer: performer, policy: policy) { store, _ in
            let old = DeliveryFixture.event(
                DeliveryFixture.leadPlan(email: "eve@example.com"), receivedAt: .now() - .seconds(61))
            let id = try store.append([old])[0]
            #expect(try eventually { try Self.status(store, id) == .dead })
            #expect(try store.event(id)?.attempts.count == 1)
            #expect(try store.event(id)?.event.deadReason?.hasPrefix("gave up after 1 attempts") == true)
        }
    }

    @Test func aRevokedKeyPausesEveryDeliveryUntilAProbeSucceeds() throws {
        let performer = ScriptedPerformer(probe: ScriptedPerformer.revoked) { _, _, _ in ScriptedPerformer.revoked }
        try Self.withLoop(performer: performer, concurrency: 1) { store, loop in
            let ids = try store.append(
                (0..<3).map { DeliveryFixture.event(DeliveryFixture.leadPlan(email: "user\($0)@example.com")) })
            #expect(eventually { loop.authProblem != nil })
            #expect(loop.authProblem?.contains("401") == true)
            // Paused: the probe is asked, the events are not, and none is given up on.
            usleep(300_000)
            let callsWhilePaused = performer.calls
            #expect(eventually(within: .seconds(3)) { performer.probes >= 1 })
            #expect(performer.calls == callsWhilePaused)
            for id in ids { #expect(try [.pending, .retrying].contains(Self.status(store, id))) }

            performer.script({ _, _, _ in ScriptedPerformer.ok }, probe: .success(.null))
            #expect(try eventually { try ids.allSatisfy { try Self.status(store, $0) == .done } })
            #expect(loop.authProblem == nil)
        }
    }

    /// Teamopipe down (every call fails, here with no answer at all): after a run of failures deliveries pause, so
    /// that new events are not each tried (and their attempts spent) while it is down, and resume after a probe.
    @Test func aRunOfTransientFailuresPausesDeliveriesUntilAProbeSucceeds() throws {
        let unreachable: TeamopipeOutcome = .transient(
            TeamopipeFailure(message: "connection refused", call: "POST /deals"), retryAfter: nil)
        let performer = ScriptedPerformer(probe: unreachable) { _, _, _ in unreachable }
        try Self.withLoop(performer: performer, concurrency: 2) { store, loop in
            var ids = try store.append(
                (0..<30).map { DeliveryFixture.event(DeliveryFixture.leadPlan(email: "user\($0)@example.com")) })
            #expect(eventually { loop.outage != nil })
            #expect(loop.outage?.contains("connection refused") == true)
            #expect(loop.authProblem == nil, "an outage is not a key problem: /readyz stays ready")
            usleep(200_000)
            let callsWhilePaused = performer.calls
            // One call per worker may have been under way when the tenth failure paused the loop.
            #expect(callsWhilePaused <= DeliveryLoop.outageThreshold + 1)
            ids += try store.append(
                (0..<20).map { DeliveryFixture.event(DeliveryFixture.leadPlan(email: "late\($0)@example.com")) })
            #expect(eventually(within: .seconds(3)) { performer.probes >= 1 })
            #expect(performer.calls == callsWhilePaused, "nothing is tried while paused, new events included")
            for id in ids { #expect(try [.pending, .retrying].contains(Self.status(store, id))) }

            performer.script({ _, _, _ in ScriptedPerformer.ok }, probe: .success(.null))
            #expect(try eventually { try ids.allSatisfy { try Self.status(store, $0) == .done } })
            #expect(loop.outage == nil)
        }
    }

    @Test func formsPostedDuringAnOutageDoNotPutTheProbeOff() throws {
        // Each append wakes the loop; probing and doubling the delay at each wake-up took it to 30 s within a
        // few posts, and deliveries resumed up to 30 s after the key worked again.
        let performer = ScriptedPerformer(probe: ScriptedPerformer.revoked) { _, _, _ in ScriptedPerformer.revoked }
        try Self.withLoop(performer: performer, concurrency: 1) { store, loop in
            let first = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "first@example.com"))])
            #expect(eventually { loop.authProblem != nil })
            let paused = ContinuousClock.now
            var ids = first
            for index in 0..<20 {
                ids += try store.append([
                    DeliveryFixture.event(DeliveryFixture.leadPlan(email: "p\(index)@example.com"))
                ])
            }
            #expect(performer.probes == 0, "the first probe waits its second")
            #expect(eventually(within: .seconds(3)) { performer.probes == 1 })
            performer.script({ _, _, _ in ScriptedPerformer.ok }, probe: .success(.null))
            // The second probe comes 2 s after the first, whatever was appended meanwhile.
            #expect(try eventually { try ids.allSatisfy { try Self.status(store, $0) == .done } })
            #expect(ContinuousClock.now - paused < .seconds(5))
            #expect(performer.probes == 2)
        }
    }

    @Test func faultyTeamopipeStillGetsEveryEventExactlyOnce() throws {
        let sandbox = try InProcessSandbox(faultSeed: 11)
        try sandbox.faults([
            "error_rate": 0.3, "reset_after_commit_rate": 0.1, "seed": 3,
            "routes": ["POST /contacts/upsert", "POST /deals", "POST /tasks"],
        ])
        try Self.withLoop(performer: sandbox.client, concurrency: 8) { store, _ in
            let count = 20
            let ids = try store.append(
                (0..<count).map { DeliveryFixture.event(DeliveryFixture.leadPlan(email: "lead\($0)@example.com")) })
            #expect(try eventually(within: .seconds(30)) { try ids.allSatisfy { try Self.status(store, $0) == .done } })
            #expect(try sandbox.count("contacts") == count)
            #expect(try sandbox.count("deals") == count)
            #expect(try sandbox.count("tasks") == count)
            let stats = try store.stats()
            #expect(stats.counts[.done] == count && stats.counts[.dead] == 0)
            let resets = try ["POST /contacts/upsert", "POST /deals", "POST /tasks"].map {
                try sandbox.answers($0)["reset"] ?? 0
            }
            #expect(resets.reduce(0, +) > 0, "the run should have met lost answers")
        }
    }
}
