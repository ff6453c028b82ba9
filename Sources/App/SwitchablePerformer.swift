import JSON
import Queue
import Rules
import Synchronization
import Teamopipe

/// The delivery loop's Teamopipe client, replaceable while it runs: a config reload with a new key or base URL
/// swaps the client, and the next step uses it.
final class SwitchablePerformer: StepPerformer {
    private let current: Mutex<TeamopipeConnection>

    init(_ connection: TeamopipeConnection) {
        current = Mutex(connection)
    }

    /// The connection in use.
    var connection: TeamopipeConnection { current.withLock { $0 } }

    /// Uses `connection` from the next call on.
    func replace(with connection: TeamopipeConnection) {
        current.withLock { $0 = connection }
    }

    func perform(_ operation: Operation, input: JSONValue, idempotencyKey: String) -> TeamopipeOutcome {
        connection.client.perform(operation, input: input, idempotencyKey: idempotencyKey)
    }

    func probe() -> TeamopipeOutcome {
        connection.client.probe()
    }
}
