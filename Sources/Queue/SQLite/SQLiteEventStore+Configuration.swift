extension SQLiteEventStore {
    /// The SQLite store's limits and durability settings; every one has a default (see `docs/queue.md`).
    public struct Configuration: Sendable {
        /// Events committed in one transaction, at most: the group-commit batch. One append call larger than this
        /// is committed alone, whole.
        public var maxBatchEvents: Int = 1_000
        /// Events waiting for the writer, at most; beyond it `append` fails at once with `overloaded` (intake
        /// answers 503) instead of queueing without bound.
        public var maxWaitingEvents: Int = 10_000
        /// How long a statement waits for a lock held by another connection before failing with `busy`.
        public var busyTimeout: Duration = .seconds(5)
        /// How often the writer runs `wal_checkpoint(TRUNCATE)` (falling back to `PASSIVE` while a reader is in
        /// the way), so the WAL file returns to zero length.
        public var checkpointInterval: Duration = .seconds(60)
        /// WAL pages not yet copied into the database file after which the checkpointer thread copies them (a
        /// passive checkpoint; SQLite's automatic checkpoint has the same default, but runs inside the commit).
        public var walAutoCheckpointPages: Int = 1_000
        /// WAL size at which the writer finishes a checkpoint so that the log starts over, and the size the WAL
        /// file is cut back to after a checkpoint (`PRAGMA journal_size_limit`).
        public var walSizeLimit: Int = 64 << 20
        /// The writer connection's page cache, in bytes (`PRAGMA cache_size`). SQLite's default, 2 MiB, no longer
        /// holds the index pages an append touches once the queue has a few hundred thousand events, and each miss
        /// is a read on the writer thread that every append waits for.
        public var writerCacheBytes: Int = 32 << 20
        /// Largest the queue file may grow, in bytes (`PRAGMA max_page_count`); nil for no limit but the disk.
        /// At the limit, appends fail with `full`.
        public var maxFileBytes: Int? = nil
        /// Skips `PRAGMA integrity_check` at open (it reads the whole file; `--skip-integrity-check`).
        public var skipIntegrityCheck: Bool = false
        /// Events deleted per transaction by `purgeDelivered`, so a large purge does not hold up appends.
        public var purgeBatchEvents: Int = 1_000
        /// The wall clock, for finished-at times and ages; tests pass a fake one.
        public var clock: @Sendable () -> Timestamp = { Timestamp.now() }

        public init() {}
    }
}
