import Foundation

/// A connection and the lock that serializes its use: the writer's (all writes) or the reader's (queries).
///
/// `@unchecked Sendable` because the connection, which is not thread-safe, is only reached through
/// `withConnection`, under `lock`.
final class GuardedConnection: @unchecked Sendable {
    private let lock = NSLock()
    private var connection: SQLiteConnection?

    init(_ connection: SQLiteConnection) {
        self.connection = connection
    }

    /// Runs `body` with the connection, holding the lock; throws `closed` after `close()`.
    func withConnection<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let connection else { throw SQLiteEventStore.closedError }
        return try body(connection)
    }

    /// Runs `body` holding the lock, with the connection or nil once closed.
    func withOptionalConnection<T>(_ body: (SQLiteConnection?) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(connection)
    }

    /// Closes the connection (after the running call, if any); later calls throw `closed`.
    func close() {
        lock.lock()
        defer { lock.unlock() }
        connection = nil
    }
}
