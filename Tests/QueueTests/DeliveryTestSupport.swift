import Foundation
import HTTP
import JSON
import Logging
import Rules
import Sandbox
import Synchronization
import Teamopipe

@testable import Queue

/// Steps and events for delivery tests.
enum DeliveryFixture {
    /// The website-contact plan: upsert the contact, open a deal for it, book a call-back on the deal.
    static func leadPlan(email: String, name: String = "Ana Alves") -> Plan {
        Plan(
            route: "website-contact", rules: ["new-lead"],
            steps: [
                PlanStep(
                    id: "contact", rule: "new-lead", operation: .contactUpsert,
                    input: .json(["email": .string(email), "name": .string(name)])),
                PlanStep(
                    id: "deal", rule: "new-lead", operation: .dealCreate,
                    input: .object([
                        "title": .json(.string("\(name) — website enquiry")), "pipeline": .json("Sales"),
                        "stage": .json("Lead"), "contact": .reference(step: "contact", path: ["id"]),
                    ])),
                PlanStep(
                    id: "follow-up", rule: "new-lead", operation: .taskCreate,
                    input: .object([
                        "title": .json(.string("Call back \(name)")), "deal": .reference(step: "deal", path: ["id"]),
                    ])),
            ],
            subject: email)
    }

    static func event(_ plan: Plan, receivedAt: Timestamp = .now()) -> NewEvent {
        NewEvent(
            route: plan.route, receivedAt: receivedAt, body: Array(#"{"test":true}"#.utf8), headers: [],
            subject: plan.subject, plan: plan.jsonValue.jsonBytes)
    }

    static var quietLogger: Logger { Logger(level: .critical, handler: InMemoryLogHandler()) }
}

/// A performer that records each step's operation and idempotency key before handing it on.
final class RecordingPerformer: StepPerformer {
    let next: any StepPerformer
    private let recorded = Mutex<[(operation: Rules.Operation, key: String)]>([])

    init(_ next: any StepPerformer) { self.next = next }

    var calls: [(operation: Rules.Operation, key: String)] { recorded.withLock { $0 } }

    func perform(_ operation: Rules.Operation, input: JSONValue, idempotencyKey: String) -> TeamopipeOutcome {
        recorded.withLock { $0.append((operation, idempotencyKey)) }
        return next.perform(operation, input: input, idempotencyKey: idempotencyKey)
    }

    func probe() -> TeamopipeOutcome { next.probe() }
}

/// A performer whose answers a test writes: `answer` decides each step (by operation, idempotency key and how
/// many steps it has performed before); `probe` answers as `probeAnswer` says.
final class ScriptedPerformer: StepPerformer {
    typealias Answer = @Sendable (_ operation: Rules.Operation, _ key: String, _ call: Int) -> TeamopipeOutcome
    private let state: Mutex<(answer: Answer, probe: TeamopipeOutcome, calls: Int, probes: Int)>

    init(probe: TeamopipeOutcome = .success(.null), _ answer: @escaping Answer) {
        state = Mutex((answer, probe, 0, 0))
    }

    var calls: Int { state.withLock { $0.calls } }
    var probes: Int { state.withLock { $0.probes } }

    func script(_ answer: @escaping Answer, probe: TeamopipeOutcome) {
        state.withLock {
            $0.answer = answer
            $0.probe = probe
        }
    }

    func perform(_ operation: Rules.Operation, input: JSONValue, idempotencyKey: String) -> TeamopipeOutcome {
        let (answer, call) = state.withLock { state in
            defer { state.calls += 1 }
            return (state.answer, state.calls)
        }
        return answer(operation, idempotencyKey, call)
    }

    func probe() -> TeamopipeOutcome {
        state.withLock { state in
            state.probes += 1
            return state.probe
        }
    }

    static let ok: TeamopipeOutcome = .success(["id": "obj_1"])
    static func unavailable(retryAfter: Duration? = nil) -> TeamopipeOutcome {
        .transient(
            TeamopipeFailure(status: 503, message: "service unavailable", call: "POST /deals"), retryAfter: retryAfter)
    }
    static let invalid: TeamopipeOutcome = .permanent(
        TeamopipeFailure(
            status: 422, code: "validation_failed", message: "invalid input", details: ["currency: is required"],
            call: "POST /deals"))
    static let revoked: TeamopipeOutcome = .authFailure(
        TeamopipeFailure(status: 401, code: "unauthorized", message: "the API key is not valid", call: "POST /deals"))
}

/// Polls `condition` every 10 ms until it holds or `timeout` passes; returns whether it held.
@discardableResult
func eventually(within timeout: Duration = .seconds(10), _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
        if try condition() { return true }
        if ContinuousClock.now >= deadline { return false }
        usleep(10_000)
    }
}
