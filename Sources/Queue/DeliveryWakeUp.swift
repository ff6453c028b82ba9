import Dispatch
import Synchronization

/// Wakes the delivery loop when an event may have become claimable, so it waits without polling.
///
/// The store signals after each commit that can make an event claimable (an append, an event finished, retried,
/// released or discarded); the loop waits until then or until the next due time, whichever comes first. Signals
/// coalesce: many commits while the loop is busy wake it once.
///
/// ```swift
/// while running {
///     let claimed = try store.claim(limit: 8, now: .now(), leaseFor: .seconds(60), excludingRoutes: paused)
///     if claimed.isEmpty { store.wakeUp.wait(timeout: .seconds(1)) }
/// }
/// ```
public final class DeliveryWakeUp: Sendable {
    private let signalled = Mutex(false)
    private let semaphore = DispatchSemaphore(value: 0)

    public init() {}

    /// Wakes a waiter now, or makes the next `wait` return at once.
    public func signal() {
        let wake = signalled.withLock { signalled in
            defer { signalled = true }
            return !signalled
        }
        if wake { semaphore.signal() }
    }

    /// Waits for a signal or `timeout`; returns whether a signal came. Signals before the call count, so a commit
    /// between the loop's last claim and this wait is not missed.
    @discardableResult
    public func wait(timeout: Duration) -> Bool {
        let nanoseconds = max(0, timeout.wholeMilliseconds) * 1_000_000
        let woken = semaphore.wait(timeout: .now() + .nanoseconds(Int(nanoseconds))) == .success
        signalled.withLock { $0 = false }
        return woken
    }
}
