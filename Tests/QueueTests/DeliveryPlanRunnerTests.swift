import Foundation
import JSON
import Rules
import Teamopipe
import Testing
import SandboxTestSupport

@testable import Queue

/// `PlanRunner` against a real SQLite store and an in-process sandbox: each finished step is stored at once, a
/// later run resumes at the first unfinished step, and no finished step is ever performed twice.
@Suite(.serialized) struct DeliveryPlanRunnerTests {
    @Test func aRunStoppedAtALaterStepResumesThereAndNeverRepeatsAFinishedStep() throws {
        let sandbox = try InProcessSandbox(faultSeed: 11)
        try withStore { store, clock throws in
            let runner = PlanRunner(store: store, performer: sandbox.client, metrics: nil)
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "ana@example.com"), receivedAt: clock.now)
            ])[0]
            try sandbox.faults(["error_rate": 1, "routes": ["POST /tasks"]])

            let first = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .stopped(let step, let outcome, let attempt) = try runner.run(first) else {
                Issue.record("the run should stop at the task")
                return
            }
            #expect(step == 2)
            #expect(outcome.className == "transient")
            #expect(attempt.number == 1 && attempt.step == 2 && attempt.request == "task.create (follow-up)")
            #expect([500, 502, 503].contains(attempt.httpStatus ?? 0))
            #expect(try store.completedSteps(id).map(\.step) == [0, 1])
            #expect(try sandbox.count("contacts") == 1 && sandbox.count("deals") == 1 && sandbox.count("tasks") == 0)

            try store.recordAttempt(id, attempt)
            try store.scheduleRetry(first.lease, at: clock.now)
            try sandbox.faults([:])
            let second = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            #expect(second.completedSteps.map(\.step) == [0, 1])
            guard case .delivered(let lastStep) = try runner.run(second) else {
                Issue.record("the second run should deliver")
                return
            }
            try store.complete(second.lease, lastStep: lastStep)
            #expect(try sandbox.count("contacts") == 1 && sandbox.count("deals") == 1 && sandbox.count("tasks") == 1)
            // The finished steps were not even asked again: one call each.
            #expect(try sandbox.answers("POST /contacts/upsert") == ["201": 1])
            #expect(try sandbox.answers("POST /deals") == ["201": 1])
            #expect(try sandbox.answers("POST /tasks").values.reduce(0, +) == 2)
            // The resumed step got its reference from the stored result of the earlier run.
            let steps = try store.completedSteps(id)
            let deal = try JSONValue(parsing: steps[1].result)
            let task = try JSONValue(parsing: steps[2].result)
            #expect(deal["id"]?.stringValue?.hasPrefix("deal_") == true)
            #expect(task["deal_id"] == deal["id"])
        }
    }

    @Test func aStepWhoseAnswerWasLostIsNotDoneTwiceInEffect() throws {
        let sandbox = try InProcessSandbox(faultSeed: 11)
        try withStore { store, clock throws in
            let runner = PlanRunner(store: store, performer: sandbox.client, metrics: nil)
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "ben@example.com"), receivedAt: clock.now)
            ])[0]
            // The deal is created, then the connection is reset before the answer: the runner cannot know.
            try sandbox.faults(["reset_after_commit_rate": 1, "routes": ["POST /deals"]])
            let first = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .stopped(let step, .transient, let attempt) = try runner.run(first) else {
                Issue.record("a reset is transient")
                return
            }
            #expect(step == 1 && attempt.httpStatus == nil)
            #expect(try sandbox.count("deals") == 1)
            #expect(try store.completedSteps(id).map(\.step) == [0])

            try store.scheduleRetry(first.lease, at: clock.now)
            try sandbox.faults([:])
            let second = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .delivered(let lastStep) = try runner.run(second) else {
                Issue.record("the retry should deliver")
                return
            }
            try store.complete(second.lease, lastStep: lastStep)
            // The retry carried the same key: the sandbox replayed its first answer instead of a second deal.
            #expect(try sandbox.count("deals") == 1 && sandbox.count("tasks") == 1)
            #expect(try sandbox.answers("POST /deals") == ["reset": 1, "201": 1])
            let deals = try sandbox.get("/deals?contact_email=ben%40example.com")
            #expect(deals.arrayValue?.count == 1)
            let stored = try JSONValue(parsing: try store.completedSteps(id)[1].result)
            #expect(stored["id"] == deals[0]?["id"])
        }
    }

    @Test func aCallThatTimesOutIsRetriedAndDoneOnce() throws {
        let sandbox = try InProcessSandbox(timeout: .milliseconds(300), faultSeed: 11)
        try withStore { store, clock throws in
            let runner = PlanRunner(store: store, performer: sandbox.client, metrics: nil)
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "hang@example.com"), receivedAt: clock.now)
            ])[0]
            // Teamopipe holds the request without an answer (and does nothing with it).
            try sandbox.faults(["hang_rate": 1, "routes": ["POST /deals"]])
            let first = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            let started = ContinuousClock.now
            guard case .stopped(1, .transient(let failure, _), _) = try runner.run(first) else {
                Issue.record("a timeout is transient")
                return
            }
            #expect(ContinuousClock.now - started < .seconds(2))
            #expect(failure.status == nil && failure.message.contains("request timeout"), "\(failure)")
            #expect(try sandbox.count("deals") == 0)

            try store.scheduleRetry(first.lease, at: clock.now)
            try sandbox.faults([:])
            let second = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .delivered(let lastStep) = try runner.run(second) else {
                Issue.record("the retry should deliver")
                return
            }
            try store.complete(second.lease, lastStep: lastStep)
            #expect(try sandbox.count("contacts") == 1 && sandbox.count("deals") == 1 && sandbox.count("tasks") == 1)
            #expect(try store.completedSteps(id).count == 3)
        }
    }

    @Test func idempotencyKeysAreTheEventIDAndTheStepID() throws {
        let sandbox = try InProcessSandbox(faultSeed: 11)
        try withStore { store, clock throws in
            let performer = RecordingPerformer(sandbox.client)
            let runner = PlanRunner(store: store, performer: performer, metrics: nil)
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "cleo@example.com"), receivedAt: clock.now)
            ])[0]
            let claimed = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .delivered(let lastStep) = try runner.run(claimed) else {
                Issue.record("the run should deliver")
                return
            }
            try store.complete(claimed.lease, lastStep: lastStep)
            #expect(performer.calls.map(\.key) == ["\(id.text):contact", "\(id.text):deal", "\(id.text):follow-up"])
            #expect(performer.calls.map(\.operation) == [.contactUpsert, .dealCreate, .taskCreate])
            // The same key and body again: Teamopipe answers from its record instead of acting.
            let replay = sandbox.client.perform(
                .taskCreate, input: ["title": "Call back Ana Alves", "deal": "deal_1"],
                idempotencyKey: "\(id.text):follow-up")
            #expect(replay.failure == nil)
            #expect(try sandbox.count("tasks") == 1)
        }
    }

    @Test func aFirstStoredResultStandsAndAFinishedPlanRunsNothing() throws {
        try withStore { store, clock throws in
            let performer = ScriptedPerformer { _, _, _ in ScriptedPerformer.ok }
            let runner = PlanRunner(store: store, performer: performer, metrics: nil)
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "dan@example.com"), receivedAt: clock.now)
            ])[0]
            for step in 0..<3 {
                try store.recordStepResult(id, step: step, result: Array(#"{"id":"done_\#(step)"}"#.utf8))
            }
            try store.recordStepResult(id, step: 0, result: Array(#"{"id":"later"}"#.utf8))
            let claimed = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .delivered(let lastStep) = try runner.run(claimed) else {
                Issue.record("nothing is left to do")
                return
            }
            try store.complete(claimed.lease, lastStep: lastStep)
            #expect(performer.calls == 0)
            #expect(try JSONValue(parsing: store.completedSteps(id)[0].result)["id"] == "done_0")
        }
    }

    /// The last step's result is stored with the completion, one commit for both; even when the lease was lost
    /// meanwhile, since its call was made.
    @Test func theLastStepsResultIsStoredWithTheCompletion() throws {
        try withStore { store, clock throws in
            let performer = ScriptedPerformer { _, _, _ in ScriptedPerformer.ok }
            let runner = PlanRunner(store: store, performer: performer, metrics: nil)
            let ids = try store.append(
                ["eve@example.com", "fay@example.com"].map {
                    DeliveryFixture.event(DeliveryFixture.leadPlan(email: $0), receivedAt: clock.now)
                })
            let claimed = try store.claim(limit: 2, now: .now(), leaseFor: .seconds(60))
            try #require(claimed.count == 2)
            guard case .delivered(let lastStep?) = try runner.run(claimed[0]) else {
                Issue.record("the run should deliver, leaving its last result to the completion")
                return
            }
            #expect(lastStep.step == 2)
            #expect(try store.completedSteps(ids[0]).map(\.step) == [0, 1], "not stored by the run")
            try store.complete(claimed[0].lease, lastStep: lastStep)
            #expect(try store.completedSteps(ids[0]).map(\.step) == [0, 1, 2])
            #expect(try store.event(ids[0])?.event.status == .done)

            guard case .delivered(let other?) = try runner.run(claimed[1]) else {
                Issue.record("the second run should deliver too")
                return
            }
            try store.release(claimed[1].lease)
            let again = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            #expect(throws: StoreError.self) { try store.complete(claimed[1].lease, lastStep: other) }
            #expect(try store.completedSteps(ids[1]).map(\.step) == [0, 1, 2], "stored though the lease was lost")
            #expect(try store.event(ids[1])?.event.status == .inFlight, "the new lease holds it: \(again.lease)")
        }
    }

    @Test func aPlanThatCannotBeReadIsReportedNotRun() throws {
        try withStore { store, clock throws in
            let performer = ScriptedPerformer { _, _, _ in ScriptedPerformer.ok }
            let runner = PlanRunner(store: store, performer: performer, metrics: nil)
            var event = DeliveryFixture.event(DeliveryFixture.leadPlan(email: "eve@example.com"), receivedAt: clock.now)
            event.plan = Array(#"{"steps": "nope"}"#.utf8)
            _ = try store.append([event])
            let claimed = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .unreadable(let problem) = try runner.run(claimed) else {
                Issue.record("the plan is unreadable")
                return
            }
            #expect(problem.contains("route, rules and steps"))
            #expect(performer.calls == 0)
        }
    }
}

/// Keys across an operator's retry of a dead letter.
@Suite struct DeliveryRetriedKeyTests {
    /// Runs the lead plan once with `firstAnswer` for the deal, records the attempt, makes the event a dead letter,
    /// retries it as an operator would, runs it again, and returns the event id and the keys of the second run.
    static func keysAfterRetry(_ firstAnswer: TeamopipeOutcome) throws -> (EventID, [String]) {
        try withStore { store, clock throws in
            let failing = ScriptedPerformer { operation, _, _ in
                operation == .dealCreate ? firstAnswer : ScriptedPerformer.ok
            }
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "ana@example.com"), receivedAt: clock.now)
            ])[0]
            let first = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard
                case .stopped(_, _, let attempt) = try PlanRunner(store: store, performer: failing, metrics: nil).run(
                    first)
            else { throw DeliveryTestFailure("the first run should stop at the deal") }
            try store.recordAttempt(id, attempt)
            try store.markDead(first.lease, reason: "given up")
            #expect(try store.retry(id))
            let recording = RecordingPerformer(ScriptedPerformer { _, _, _ in ScriptedPerformer.ok })
            let second = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .seconds(60)).first)
            guard case .delivered = try PlanRunner(store: store, performer: recording, metrics: nil).run(second)
            else { throw DeliveryTestFailure("the second run should deliver") }
            return (id, recording.calls.map(\.key))
        }
    }

    @Test func aStepRefusedForGoodGetsAFreshKeyAfterTheOperatorsRetry() throws {
        // Teamopipe would replay its 422 to the old key forever, fix or no fix.
        let (id, keys) = try Self.keysAfterRetry(ScriptedPerformer.invalid)
        #expect(keys == ["\(id.text):deal:r1", "\(id.text):follow-up"])
    }

    @Test func aStepGivenUpOnAfterTransientFailuresKeepsItsKey() throws {
        // Its last call may have been done with the answer lost: only the same key makes the retry harmless.
        let (id, keys) = try Self.keysAfterRetry(ScriptedPerformer.unavailable())
        #expect(keys == ["\(id.text):deal", "\(id.text):follow-up"])
    }

    @Test func aRefusalWithoutAnAnswerKeepsTheKey() throws {
        // A name the workspace lacks is refused before any call: nothing was sent under the key.
        let (id, keys) = try Self.keysAfterRetry(.permanent(TeamopipeFailure(message: "no pipeline 'Sales'")))
        #expect(keys == ["\(id.text):deal", "\(id.text):follow-up"])
    }
}

struct DeliveryTestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A worker whose lease ran out stops between steps.
@Suite struct DeliveryLeaseTests {
    @Test func aRunWhoseLeaseRanOutStopsBeforeTheNextStep() throws {
        try withStore { store, clock throws in
            let performer = ScriptedPerformer { _, _, _ in
                usleep(150_000)
                return ScriptedPerformer.ok
            }
            let id = try store.append([
                DeliveryFixture.event(DeliveryFixture.leadPlan(email: "slow@example.com"), receivedAt: clock.now)
            ])[0]
            let claimed = try #require(try store.claim(limit: 1, now: .now(), leaseFor: .milliseconds(100)).first)
            guard
                case .leaseExpired(let step) = try PlanRunner(store: store, performer: performer, metrics: nil).run(
                    claimed)
            else { throw DeliveryTestFailure("the run should stop when its lease runs out") }
            #expect(step == 1)
            #expect(performer.calls == 1)
            #expect(try store.completedSteps(id).map(\.step) == [0])
        }
    }

    @Test func theLoopFinishesALongDeliveryAcrossLeasesWithoutRepeatingAStep() throws {
        let performer = ScriptedPerformer { _, _, _ in
            usleep(250_000)
            return ScriptedPerformer.ok
        }
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        let loop = DeliveryLoop(
            store: store, performer: performer, policy: DeliveryLoopTests.fast, concurrency: 1,
            lease: .milliseconds(200), logger: DeliveryFixture.quietLogger)
        loop.start()
        defer { loop.stop(timeout: .seconds(5)) }
        let id = try store.append([DeliveryFixture.event(DeliveryFixture.leadPlan(email: "slow@example.com"))])[0]
        #expect(try eventually { try store.event(id)?.event.status == .done })
        #expect(performer.calls == 3, "each step once, though each outlived the lease")
        #expect(try store.event(id)?.attempts.isEmpty == true, "a lease running out is not a failed attempt")
    }
}
