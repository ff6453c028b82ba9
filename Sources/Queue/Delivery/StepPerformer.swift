import JSON
import Rules
import Teamopipe

/// What runs one step against Teamopipe: the Teamopipe client in production.
public protocol StepPerformer: Sendable {
    /// Performs `operation` with its resolved `input`; POSTs carry `idempotencyKey`.
    func perform(_ operation: Operation, input: JSONValue, idempotencyKey: String) -> TeamopipeOutcome
    /// A cheap authenticated call: succeeds once a revoked key has been replaced.
    func probe() -> TeamopipeOutcome
}

extension TeamopipeClient: StepPerformer {}
