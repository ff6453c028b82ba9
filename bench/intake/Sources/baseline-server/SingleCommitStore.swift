import CBaselineSQLite
import Dispatch
import Glibc

/// The plain store the issue compares group commit with: one SQLite connection in WAL mode with
/// `synchronous=FULL` (as Dealhook's queue), and one `BEGIN IMMEDIATE … COMMIT` — so one fsync of the WAL — per
/// stored request, one after another on a serial queue.
///
/// This module owns SQLite's pointers; nothing unsafe leaves it.
final class SingleCommitStore: @unchecked Sendable {
    // @unchecked: `database` and `insert` are touched only on `queue`, a serial queue.
    private let queue = DispatchQueue(label: "bench.baseline.store")
    private let database: OpaquePointer
    private let insert: OpaquePointer

    /// Opens (creating) the file at `path` with the queue's durability settings.
    init(path: String) throws(StoreFailure) {
        var handle: OpaquePointer?
        guard sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
            == SQLITE_OK, let handle
        else { throw StoreFailure("cannot open \(path)") }
        database = handle
        for sql in [
            "PRAGMA journal_mode = WAL", "PRAGMA synchronous = FULL",
            "CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, path TEXT NOT NULL, "
                + "received_at INTEGER NOT NULL, body BLOB NOT NULL)",
        ] {
            guard sqlite3_exec(handle, sql, nil, nil, nil) == SQLITE_OK else {
                throw StoreFailure("\(sql): \(String(cString: sqlite3_errmsg(handle)))")
            }
        }
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(handle, "INSERT INTO events (path, received_at, body) VALUES (?1, ?2, ?3)", -1,
            &statement, nil) == SQLITE_OK, let statement
        else { throw StoreFailure("prepare: \(String(cString: sqlite3_errmsg(handle)))") }
        insert = statement
    }

    /// Stores one request in its own transaction, then calls `completion` with its row id (nil if it failed).
    func store(path: String, body: [UInt8], completion: @escaping @Sendable (Int64?) -> Void) {
        queue.async { [self] in completion(commitOne(path: path, body: body)) }
    }

    private func commitOne(path: String, body: [UInt8]) -> Int64? {
        guard sqlite3_exec(database, "BEGIN IMMEDIATE", nil, nil, nil) == SQLITE_OK else { return nil }
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        sqlite3_bind_text(insert, 1, path, -1, bench_sqlite_transient())
        sqlite3_bind_int64(insert, 2, Int64(spec.tv_sec) * 1000 + Int64(spec.tv_nsec / 1_000_000))
        _ = body.withUnsafeBytes { bytes in
            sqlite3_bind_blob(insert, 3, bytes.baseAddress, Int32(bytes.count), bench_sqlite_transient())
        }
        let stepped = sqlite3_step(insert)
        sqlite3_reset(insert)
        guard stepped == SQLITE_DONE, sqlite3_exec(database, "COMMIT", nil, nil, nil) == SQLITE_OK else {
            sqlite3_exec(database, "ROLLBACK", nil, nil, nil)
            return nil
        }
        return sqlite3_last_insert_rowid(database)
    }
}

/// Why the store could not open.
struct StoreFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
