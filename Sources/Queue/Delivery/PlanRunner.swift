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
        /// Every step is done.
        case delivered
        /// Step `step` did not succeed; `attempt` is its story for the event's history.
        case stopped(step: Int, outcome: TeamopipeOutcome, attempt: Attempt)
        /// The stored plan cannot be read: nothing can be delivered.
        case unreadable(String)
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
        var skippedRules = Set<String>()
        for (index, step) in plan.steps.enumerated() where step.operation == .dealFind && results[index] == .null {
            skippedRules.insert(step.rule)
        }
        for (index, step) in plan.steps.enumerated() where results[index] == nil {
            if skippedRules.contains(step.rule) {
                try store.recordStepResult(claimed.event.id, step: index, result: JSONValue.null.jsonBytes)
                continue
            }
            let input = step.input.resolved { id, path in
                guard let source = plan.steps.firstIndex(where: { $0.id == id }), let result = results[source] else {
                    return .null
                }
                return path.reduce(result) { $0[$1] ?? .null }
            }
            let started = Timestamp.now()
            let clock = ContinuousClock.now
            let outcome = performer.perform(
                step.operation, input: input, idempotencyKey: plan.idempotencyKey(eventID: claimed.event.id.text, step: step))
            metrics?.recordCall(operation: step.operation.rawValue, outcome: outcome, seconds: clock.duration(to: .now))
            guard case .success(let value) = outcome else {
                let attempt = Attempt(
                    number: claimed.event.attempts + 1, startedAt: started, finishedAt: Timestamp.now(), step: index,
                    request: "\(step.operation.rawValue) (\(step.id))", httpStatus: outcome.failure?.status,
                    errorClass: outcome.className, details: outcome.failure?.description ?? "")
                return .stopped(step: index, outcome: outcome, attempt: attempt)
            }
            try store.recordStepResult(claimed.event.id, step: index, result: value.jsonBytes)
            results[index] = value
            if step.operation == .dealFind, value.isNull { skippedRules.insert(step.rule) }
        }
        return .delivered
    }
}
