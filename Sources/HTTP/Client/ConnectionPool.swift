import Glibc

/// The client's connections, bounded per host: `ConnectionPoolState` under a lock, with a condition variable
/// on which callers wait for a free slot until their deadline.
///
/// Every access to `state` holds `mutex`, and connections move between threads only through it (one caller
/// holds a leased connection at a time); that is what makes the `@unchecked Sendable` sound.
final class ConnectionPool: @unchecked Sendable {
    typealias Key = ConnectionPoolState<ClientConnection>.Key
    typealias Lease = ConnectionPoolState<ClientConnection>.Lease

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var state: ConnectionPoolState<ClientConnection>

    init(maxConnectionsPerHost: Int, idleTimeout: Duration) {
        state = ConnectionPoolState(maxConnectionsPerHost: maxConnectionsPerHost, idleTimeout: idleTimeout.nanoseconds)
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        // Deadlines are monotonic; a wall-clock jump must not shorten or stretch a wait.
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// A slot for `key`: an idle connection or the right to open one; waits while all are busy. Returns nil when
    /// the deadline passes first.
    func lease(_ key: Key, deadline: Deadline) -> Lease? {
        // Expired idle connections are closed by dropping them here, after the lock is released.
        let (lease, _) = lockedLease(key, deadline: deadline)
        return lease
    }

    private func lockedLease(_ key: Key, deadline: Deadline) -> (Lease?, expired: [ClientConnection]) {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        var expired: [ClientConnection] = []
        var wakeAt = timespec(
            tv_sec: Int(deadline.instant / 1_000_000_000), tv_nsec: Int(deadline.instant % 1_000_000_000))
        while true {
            let (lease, dropped) = state.lease(key, now: MonotonicClock.now())
            expired += dropped
            guard case .wait = lease else { return (lease, expired) }
            if pthread_cond_timedwait(condition, mutex, &wakeAt) == ETIMEDOUT, deadline.hasPassed {
                return (nil, expired)
            }
        }
    }

    /// Gives back a leased slot, with its connection when it can be reused, and wakes the waiters.
    func release(_ key: Key, connection: ClientConnection?) {
        pthread_mutex_lock(mutex)
        state.release(key, connection: connection, now: MonotonicClock.now())
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    /// Closes every idle connection.
    func closeIdle() {
        pthread_mutex_lock(mutex)
        let idle = state.removeIdle()
        pthread_mutex_unlock(mutex)
        _ = idle
    }

    /// Open connections to `key`, busy and idle.
    func openConnections(to key: Key) -> Int {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return state.openConnections(to: key)
    }
}
