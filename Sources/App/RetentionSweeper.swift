import Dispatch
import Logging
import Queue
import Synchronization

/// Purges delivered events older than `queue.retain_delivered`, now and then, in the background; dead letters
/// stay until an operator acts.
final class RetentionSweeper: Sendable {
    /// How often the sweeper runs.
    static let interval: DispatchTimeInterval = .seconds(600)

    private let queue = DispatchQueue(label: "dealhook.retention")
    private let stopped = Atomic<Bool>(false)
    private let store: any EventStore
    private let retention: Duration
    private let logger: Logger

    init(store: any EventStore, retention: Duration, logger: Logger) {
        self.store = store
        self.retention = retention
        self.logger = logger
    }

    /// Sweeps once at once, then every `interval`.
    func start() {
        queue.async { [self] in tick() }
    }

    func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private func tick() {
        guard !stopped.load(ordering: .relaxed) else { return }
        sweep()
        queue.asyncAfter(deadline: .now() + Self.interval) { [self] in tick() }
    }

    /// Purges once; returns how many events went.
    @discardableResult
    func sweep() -> Int {
        do {
            let purged = try store.purgeDelivered(olderThan: Timestamp.now() - retention)
            if purged > 0 {
                logger.info("purged delivered events past their retention", ["events": .int(purged)])
            }
            return purged
        } catch {
            logger.error("purging delivered events failed", ["error": .string(error.description)])
            return 0
        }
    }
}
