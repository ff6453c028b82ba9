import CSQLite
import CSQLiteGather

/// Process-wide SQLite settings, made once before the first connection opens (SQLite refuses them afterwards).
private let sqliteConfigured: Void = {
    _ = dealhook_sqlite_disable_memory_statistics()
}()

/// One SQLite connection with its cache of prepared statements. Not thread-safe: its owner serializes use (the
/// store's writer lock, or the reader lock).
final class SQLiteConnection {
    private let handle: OpaquePointer
    let path: String
    private var statements: [String: SQLiteStatement] = [:]
    private var busyTimeoutMilliseconds: Int32 = 0
    private var logSizeObserver: ((SQLiteConnection, Int) -> Void)?

    /// Opens (creating if `create`) the database at `path`; with `gathersLogWrites`, through the VFS that hands a
    /// commit's writes to the write-ahead log in one call (`CSQLiteGather`), as the queue's writer does.
    init(path: String, readOnly: Bool = false, create: Bool = true, gathersLogWrites: Bool = false)
        throws(StoreError)
    {
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        // Each connection is used by one thread at a time under the store's own locks.
        flags |= SQLITE_OPEN_NOMUTEX
        _ = sqliteConfigured
        let vfs = gathersLogWrites && dealhook_gather_vfs_register() == SQLITE_OK ? DEALHOOK_GATHER_VFS_NAME : nil
        var opened: OpaquePointer?
        let code = sqlite3_open_v2(path, &opened, flags, vfs)
        guard let opened else {
            throw StoreError(.other, "cannot open the queue file \(path): out of memory")
        }
        self.path = path
        handle = opened
        if code != SQLITE_OK {
            let error = self.error(code, "open")
            sqlite3_close_v2(opened)
            throw error
        }
        sqlite3_extended_result_codes(handle, 1)
    }

    deinit {
        sqlite3_wal_hook(handle, nil, nil)
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs SQL without results (several statements allowed; nothing cached).
    func execute(_ sql: String) throws(StoreError) {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code, sql) }
    }

    /// The cached prepared statement for `sql`, reset and unbound when the last use finished.
    func statement(_ sql: String) throws(StoreError) -> SQLiteStatement {
        if let cached = statements[sql] { return cached }
        var prepared: OpaquePointer?
        let code = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &prepared, nil)
        guard code == SQLITE_OK, let prepared else { throw error(code, sql) }
        let statement = SQLiteStatement(prepared, connection: self)
        statements[sql] = statement
        return statement
    }

    /// Runs `sql` and returns the first column of each row as text.
    func texts(_ sql: String) throws(StoreError) -> [String] {
        let statement = try self.statement(sql)
        return try statement.rows { $0.text(0) ?? "" }
    }

    /// Runs `sql` and returns the first column of its first row as an integer (0 without rows).
    func integer(_ sql: String, _ bindings: [SQLiteValue] = []) throws(StoreError) -> Int64 {
        try self.statement(sql).query(bindings) { $0.int64(0) }.first ?? 0
    }

    /// Checkpoints the whole WAL into the database file and cuts the WAL file to zero length, waiting at most
    /// `wait` for readers. Returns whether the checkpoint completed.
    func truncatingCheckpoint(wait: Duration) -> Bool {
        sqlite3_busy_timeout(handle, Int32(wait.wholeMilliseconds))
        defer { sqlite3_busy_timeout(handle, busyTimeoutMilliseconds) }
        return sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil) == SQLITE_OK
    }

    /// Copies what it can of the WAL into the database file without waiting for anyone (`PASSIVE`). Returns the
    /// number of the log's pages now copied, or nil if the checkpoint did not run: another one is running, an I/O
    /// error, or this connection has not yet read the database and so does not know it is in WAL mode.
    func passiveCheckpoint() -> Int? {
        var copied: Int32 = -1
        guard sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_PASSIVE, nil, &copied) == SQLITE_OK,
            copied >= 0
        else { return nil }
        return Int(copied)
    }

    /// Calls `observer` after each commit with the number of pages in the WAL. It replaces SQLite's automatic
    /// checkpoints, which ran inside the commit; the observer may checkpoint through this connection.
    func observeLogSize(_ observer: @escaping (SQLiteConnection, Int) -> Void) {
        logSizeObserver = observer
        sqlite3_wal_hook(
            handle,
            { context, _, _, pages in
                guard let context else { return SQLITE_OK }
                let connection = Unmanaged<SQLiteConnection>.fromOpaque(context).takeUnretainedValue()
                connection.logSizeObserver?(connection, Int(pages))
                return SQLITE_OK
            }, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Sets how long a statement waits for another connection's lock.
    func setBusyTimeout(_ timeout: Duration) {
        busyTimeoutMilliseconds = Int32(clamping: timeout.wholeMilliseconds)
        sqlite3_busy_timeout(handle, busyTimeoutMilliseconds)
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { Int(sqlite3_changes64(handle)) }

    /// Whether a transaction is open (SQLite rolls one back by itself after some errors).
    var inTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    /// Runs `body` in `BEGIN IMMEDIATE … COMMIT`, rolling back if it or the commit fails.
    func transaction<T>(_ body: () throws(StoreError) -> T) throws(StoreError) -> T {
        try execute("BEGIN IMMEDIATE")
        let value: T
        do {
            value = try body()
            try execute("COMMIT")
        } catch {
            if inTransaction { try? execute("ROLLBACK") }
            throw error
        }
        return value
    }

    /// A `StoreError` for result `code`, naming the file and what was being done.
    func error(_ code: Int32, _ doing: String) -> StoreError {
        let detail = String(cString: sqlite3_errmsg(handle))
        return StoreError(forSQLiteCode: code, path: path, detail: detail, doing: doing)
    }
}

extension StoreError {
    init(forSQLiteCode code: Int32, path: String, detail: String, doing: String) {
        let what = doing.count > 80 ? String(doing.prefix(77)) + "…" : doing
        switch code & 0xFF {
        case SQLITE_FULL:
            self.init(
                .full,
                "queue file \(path) is full (\(detail)): free disk space (purge delivered events) or raise "
                    + "max_file_bytes; events are refused until then")
        case SQLITE_IOERR:
            self.init(.io, "I/O error on queue file \(path) (\(detail)) during \(what): check the disk")
        case SQLITE_BUSY, SQLITE_LOCKED:
            self.init(
                .busy,
                "queue file \(path) is locked by another process (\(detail)): is a second Dealhook using it?")
        case SQLITE_CORRUPT, SQLITE_NOTADB:
            self.init(
                .corrupt,
                "queue file \(path) is damaged (\(detail)): restore it from a backup, or move it aside to start "
                    + "with an empty queue (`sqlite3 \(path) .recover` may salvage its events)")
        case SQLITE_READONLY, SQLITE_PERM, SQLITE_CANTOPEN:
            self.init(
                .readOnly,
                "cannot write queue file \(path) (\(detail)): check that the file and its directory are writable "
                    + "by Dealhook's user")
        default:
            self.init(.other, "queue file \(path): \(detail) (SQLite code \(code)) during \(what)")
        }
    }
}
