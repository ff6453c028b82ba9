import Foundation
import HTTP
import JSON
import Logging
import Synchronization

/// The event store in one SQLite file: WAL with `synchronous=FULL`, one writer connection that commits concurrent
/// appends together (group commit: one transaction and one fsync for all waiting appends), and a reader
/// connection for queries.
///
/// ```swift
/// let store = try SQLiteEventStore(path: "data/dealhook.sqlite")
/// let ids = try store.append([NewEvent(route: "contact", receivedAt: .now(), body: body, plan: plan)])
/// ```
/// All writes go through the writer connection under one lock, each in `BEGIN IMMEDIATE … COMMIT`; appends are
/// batched by the writer thread, other writes run on the caller's thread.
public final class SQLiteEventStore: EventStore {
    /// Counts for tests and metrics.
    public struct Counters: Sendable, Equatable {
        /// Append transactions committed (each one fsync).
        public var appendCommits: Int
        /// `append` calls that succeeded.
        public var appendCalls: Int
        /// Events stored.
        public var appendedEvents: Int
        /// WAL checkpoints that ran: the checkpointer thread's, and the writer's own (periodic, and finishing one
        /// so that the WAL starts over).
        public var checkpoints: Int
    }

    public let path: String
    public let configuration: Configuration
    public let wakeUp = DeliveryWakeUp()
    let writer: GuardedConnection
    let reader: GuardedConnection
    let checkpointer: LogCheckpointer
    let appends: Mutex<AppendQueue>
    let writerSignal = DispatchSemaphore(value: 0)
    let writerStopped = DispatchSemaphore(value: 0)
    let ids = EventID.Generator()
    let logger: Logger?
    let undelivered = Atomic<Int>(0)
    let appendCommits = Atomic<Int>(0)
    let appendCalls = Atomic<Int>(0)
    let appendedEvents = Atomic<Int>(0)
    let checkpoints = Atomic<Int>(0)

    /// Opens the queue file at `path`, creating it if missing: checks its integrity (unless configured not to)
    /// and schema version, migrates it forward, and starts the writer thread.
    ///
    /// Throws `corrupt` for a damaged file, `newerSchema` for a file of a newer Dealhook, `notAQueue` for another
    /// application's database; each message says what to do.
    public init(path: String, configuration: Configuration = Configuration(), logger: Logger? = nil)
        throws(StoreError)
    {
        self.path = path
        self.configuration = configuration
        self.logger = logger
        let writerConnection = try Self.openWriter(path: path, configuration: configuration, logger: logger)
        let readerConnection = try SQLiteConnection(path: path, create: false)
        readerConnection.setBusyTimeout(configuration.busyTimeout)
        try readerConnection.execute("PRAGMA query_only = ON")
        let count = try writerConnection.integer(
            "SELECT count(*) FROM events WHERE status \(Self.undeliveredSQL)")
        let pageSize = max(512, Int(try writerConnection.integer("PRAGMA page_size")))
        // Last of what may throw: it starts a thread.
        let checkpointer = try LogCheckpointer(
            path: path, busyTimeout: configuration.busyTimeout, startPages: configuration.walAutoCheckpointPages,
            restartPages: configuration.walSizeLimit / pageSize)
        writerConnection.observeLogSize { connection, pages in checkpointer.logGrew(to: pages, on: connection) }
        self.checkpointer = checkpointer
        undelivered.store(Int(count), ordering: .relaxed)
        writer = GuardedConnection(writerConnection)
        reader = GuardedConnection(readerConnection)
        appends = Mutex(AppendQueue())
        let started = POSIXThread.startDetached(named: "queue-writer") { [self] in runWriter() }
        precondition(started, "no thread could be started for the queue's writer")
    }

    private static func openWriter(path: String, configuration: Configuration, logger: Logger?) throws(StoreError)
        -> SQLiteConnection
    {
        let connection = try SQLiteConnection(path: path, gathersLogWrites: true)
        connection.setBusyTimeout(configuration.busyTimeout)
        // Reading the header first turns a file that is not a database into a clear `corrupt` error.
        _ = try connection.integer("PRAGMA user_version")
        if !configuration.skipIntegrityCheck {
            try SQLiteSchema.checkIntegrity(connection)
        }
        let mode = try connection.texts("PRAGMA journal_mode = WAL")
        guard mode == ["wal"] else {
            throw StoreError(
                .other,
                "queue file \(path) cannot use write-ahead logging (journal mode \(mode)): put it on a local file "
                    + "system")
        }
        // FULL: each commit fsyncs the WAL, so an event answered with 2xx survives a power loss (see docs/queue.md).
        try connection.execute(
            """
            PRAGMA synchronous = FULL;
            PRAGMA journal_size_limit = \(configuration.walSizeLimit);
            PRAGMA cache_size = -\(max(1, configuration.writerCacheBytes >> 10));
            """)
        if let maxFileBytes = configuration.maxFileBytes {
            let pageSize = try connection.integer("PRAGMA page_size")
            try connection.execute("PRAGMA max_page_count = \(max(1, Int64(maxFileBytes) / pageSize))")
        }
        let found = try SQLiteSchema.prepare(connection)
        if found != SQLiteSchema.currentVersion {
            logger?.notice(
                "queue schema migrated",
                ["queue.path": .string(path), "from": .int(Int(found)), "to": .int(Int(SQLiteSchema.currentVersion))])
        }
        return connection
    }

    public var counters: Counters {
        let checkpointsRun =
            checkpoints.load(ordering: .relaxed) + checkpointer.threadCheckpoints.load(ordering: .relaxed)
            + checkpointer.writerCheckpoints.load(ordering: .relaxed)
        return Counters(
            appendCommits: appendCommits.load(ordering: .relaxed), appendCalls: appendCalls.load(ordering: .relaxed),
            appendedEvents: appendedEvents.load(ordering: .relaxed), checkpoints: checkpointsRun)
    }

    public func pendingCount() -> Int { undelivered.load(ordering: .relaxed) }

    public var commitTotals: CommitTotals {
        CommitTotals(commits: appendCommits.load(ordering: .relaxed), events: appendedEvents.load(ordering: .relaxed))
    }

    /// Commits the appends still waiting, stops the writer thread and closes both connections. Call it before
    /// dropping the store: the writer thread keeps the store alive until then.
    public func close() {
        let wasOpen = appends.withLock { queue in
            defer { queue.closed = true }
            return !queue.closed
        }
        guard wasOpen else { return }
        writerSignal.signal()
        writerStopped.wait()
        checkpointer.close()
        writer.close()
        reader.close()
        wakeUp.signal()
    }

    /// Runs `body` in a write transaction on the writer connection; signals the delivery loop after the commit if
    /// `wakes`.
    func write<T>(wakes: Bool = true, _ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        let value = try writer.withConnection { (connection) throws(StoreError) -> T in
            try connection.transaction { () throws(StoreError) in try body(connection) }
        }
        if wakes { wakeUp.signal() }
        return value
    }

    /// Runs `body` on the reader connection (each statement its own read transaction).
    func read<T>(_ body: (SQLiteConnection) throws(StoreError) -> T) throws(StoreError) -> T {
        try reader.withConnection(body)
    }

    static let closedError = StoreError(.closed, "the queue store is closed (Dealhook is shutting down)")
}
