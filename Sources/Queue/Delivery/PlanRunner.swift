import JSON
import Rules
import Teamopipe

/// Runs one claimed event's plan from its first unfinished step, storing each step's result as it succeeds, so
/// that a retry never repeats a finished step.
struct PlanRunner {
    let store: any EventStore
    let performer: any StepPerformer
    let metrics: DeliveryMetrics?

    /// How a run ended.
    enum Result {
        /// Every step is done; `lastStep`, when set, is the result of the step that finished the plan, not yet
        /// stored: the caller stores it with the completion, in one commit.
        case delivered(lastStep: FinishedStep?)
        /// Step `step` did not succeed; `attempt` is its story for the event's history.
        case stopped(step: Int, outcome: TeamopipeOutcome, attempt: Attempt)
        /// The stored plan cannot be read: nothing can be delivered.
        case unreadable(String)
        /// The lease ran out before step `step`: another worker may hold the event now, so this one stops
        /// between steps rather than run the rest beside it.
        case leaseExpired(step: Int)
    }

    func run(_ claimed: ClaimedEvent) throws(StoreError) -> Result {
        let plan: Plan
        do {
            plan = try Plan(json: try JSONValue(parsing: claimed.event.plan))
        } catch {
            return .unreadable("\(error)")
        }
        var results: [Int: JSONValue] = [:]
        for step in claimed.completedSteps {
            results[step.step] = (try? JSONValue(parsing: step.result)) ?? .null
        }
        let refusals = try refusedSteps(claimed.event)
        var skippedRules = Set<String>()
        for (index, step) in plan.steps.enumerated() where step.operation == .dealFind && results[index] == .null {
            skippedRules.insert(step.rule)
        }
        for (index, step) in plan.steps.enumerated() where results[index] == nil {
            if skippedRules.contains(step.rule) {
                try store.recordStepResult(claimed.event.id, step: index, result: JSONValue.null.jsonBytes)
                continue
            }
            if Timestamp.now() >= claimed.lease.expiresAt { return .leaseExpired(step: index) }
            let input = step.input.resolved { id, path in
                guard let source = plan.steps.firstIndex(where: { $0.id == id }), let result = results[source] else {
                    return .null
                }
                return path.reduce(result) { $0[$1] ?? .null }
            }
            let started = Timestamp.now()
            let clock = ContinuousClock.now
            let outcome = performer.perform(
                step.operation, input: input,
                idempotencyKey: Self.idempotencyKey(claimed.event.id, step.id, refusals: refusals[index, default: 0]))
            metrics?.recordCall(operation: step.operation.rawValue, outcome: outcome, seconds: clock.duration(to: .now))
            guard case .success(let value) = outcome else {
                let attempt = Attempt(
                    number: claimed.event.attempts + 1, startedAt: started, finishedAt: Timestamp.now(), step: index,
                    request: "\(step.operation.rawValue) (\(step.id))", httpStatus: outcome.failure?.status,
                    errorClass: outcome.className, details: outcome.failure?.description ?? "")
                return .stopped(step: index, outcome: outcome, attempt: attempt)
            }
            results[index] = value
            if step.operation == .dealFind, value.isNull { skippedRules.insert(step.rule) }
            // The last step's result goes with the completion; an earlier one is stored now, so that a retry
            // after a later step fails does not repeat this one.
            guard plan.steps.indices.contains(where: { $0 > index && results[$0] == nil }) else {
                return .delivered(lastStep: FinishedStep(step: index, result: value.jsonBytes))
            }
            try store.recordStepResult(claimed.event.id, step: index, result: value.jsonBytes)
        }
        return .delivered(lastStep: nil)
    }

    /// `<event id>:<step id>`, and `:r<n>` after it once the step has been refused for good `n` times.
    ///
    /// Teamopipe answers a repeated key with its first answer, whatever it was: a step that got a 422 would get
    /// the same 422 forever, even after an operator fixed the cause and retried the dead letter. A definite
    /// refusal (an HTTP answer classed permanent) means the call did nothing, so the next life of the event may
    /// use a new key without risk of doing it twice. A step given up on after transient failures keeps its key:
    /// its last call may have been done with the answer lost, and only the same key makes the retry harmless.
    static func idempotencyKey(_ event: EventID, _ step: String, refusals: Int) -> String {
        refusals == 0 ? "\(event.text):\(step)" : "\(event.text):\(step):r\(refusals)"
    }

    /// How many times each step was refused for good with an HTTP answer, by step index; read from the event's
    /// history only when an operator has retried it (before that, a refusal would have ended the event).
    private func refusedSteps(_ event: StoredEvent) throws(StoreError) -> [Int: Int] {
        guard event.retriedAt != nil, let history = try store.event(event.id)?.attempts else { return [:] }
        var refusals: [Int: Int] = [:]
        for attempt in history where attempt.errorClass == "permanent" {
            if let step = attempt.step, attempt.httpStatus != nil { refusals[step, default: 0] += 1 }
        }
        return refusals
    }
}
