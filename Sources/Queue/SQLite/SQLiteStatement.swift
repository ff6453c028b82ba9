import CSQLite

/// A value to bind to a statement parameter.
enum SQLiteValue {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])

    static func int(_ value: Int) -> SQLiteValue { .integer(Int64(value)) }
    static func time(_ value: Timestamp) -> SQLiteValue { .integer(value.millisecondsSinceEpoch) }
    static func optionalText(_ value: String?) -> SQLiteValue { value.map(SQLiteValue.text) ?? .null }
    static func optionalInt(_ value: Int?) -> SQLiteValue { value.map(SQLiteValue.int) ?? .null }
}

/// A prepared statement, cached by its connection. Each use binds, steps and finishes with a reset, so that no
/// read transaction stays open (an open one would keep the WAL from being checkpointed).
final class SQLiteStatement {
    private let handle: OpaquePointer
    private unowned let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    /// Runs the statement with `values` bound, for its effect.
    func run(_ values: [SQLiteValue] = []) throws(StoreError) {
        _ = try query(values) { _ throws(StoreError) in () }
    }

    /// Binds `values` to parameters 1, 2, …, runs, and maps each row.
    ///
    /// Text and blobs are bound where they lie (`SQLITE_STATIC`), not copied: they stay pinned until the
    /// statement is reset and its bindings cleared, before this returns. An append binds some 2 KiB an event, on
    /// the writer thread that every append waits for.
    func query<T>(_ values: [SQLiteValue], _ map: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        return try bindPinned(values[...]) { () throws(StoreError) in try rows(map) }
    }

    /// Binds `values` (the parameters from `values.startIndex + 1`) and runs `body` while their bytes are pinned.
    private func bindPinned<T>(_ values: ArraySlice<SQLiteValue>, _ body: () throws(StoreError) -> T)
        throws(StoreError) -> T
    {
        guard let value = values.first else { return try body() }
        let index = Int32(values.startIndex + 1)
        let rest = values.dropFirst()
        switch value {
        case .null:
            try check(sqlite3_bind_null(handle, index), index)
        case .integer(let number):
            try check(sqlite3_bind_int64(handle, index, number), index)
        case .text(var text):
            // An empty buffer may have no address, and a null pointer would bind NULL instead of "".
            guard !text.isEmpty else {
                try check(sqlite3_bind_text(handle, index, "", 0, dealhook_sqlite_transient()), index)
                break
            }
            let outcome = text.withUTF8 { bytes in
                Result { () throws(StoreError) -> T in
                    let start = UnsafeRawPointer(bytes.baseAddress)?.assumingMemoryBound(to: CChar.self)
                    try check(
                        sqlite3_bind_text64(handle, index, start, sqlite3_uint64(bytes.count), nil, UInt8(SQLITE_UTF8)),
                        index)
                    return try bindPinned(rest, body)
                }
            }
            return try outcome.get()
        case .blob(let bytes):
            guard !bytes.isEmpty else {
                try check(sqlite3_bind_zeroblob(handle, index, 0), index)
                break
            }
            let outcome = bytes.withUnsafeBytes { raw in
                Result { () throws(StoreError) -> T in
                    try check(
                        sqlite3_bind_blob64(handle, index, raw.baseAddress, sqlite3_uint64(raw.count), nil), index)
                    return try bindPinned(rest, body)
                }
            }
            return try outcome.get()
        }
        return try bindPinned(rest, body)
    }

    private func check(_ code: Int32, _ index: Int32) throws(StoreError) {
        guard code == SQLITE_OK else { throw connection.error(code, "binding parameter \(index)") }
    }

    /// Runs the statement with what is bound (`query` binds; a statement without parameters needs nothing) and
    /// maps each row.
    func rows<T>(_ map: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        defer { sqlite3_reset(handle) }
        var results: [T] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return results }
            guard code == SQLITE_ROW else { throw connection.error(code, sql) }
            results.append(try map(SQLiteRow(handle: handle)))
        }
    }

    private var sql: String { String(cString: sqlite3_sql(handle)) }
}

/// The current row of a stepping statement; valid only inside the `rows` closure.
struct SQLiteRow {
    fileprivate let handle: OpaquePointer

    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(handle, column)) }

    func optionalInt(_ column: Int32) -> Int? { isNull(column) ? nil : int(column) }

    func time(_ column: Int32) -> Timestamp { Timestamp(millisecondsSinceEpoch: int64(column)) }

    func optionalTime(_ column: Int32) -> Timestamp? { isNull(column) ? nil : time(column) }

    func text(_ column: Int32) -> String? {
        guard let characters = sqlite3_column_text(handle, column) else { return nil }
        let count = Int(sqlite3_column_bytes(handle, column))
        return String(decoding: UnsafeBufferPointer(start: characters, count: count), as: UTF8.self)
    }

    func blob(_ column: Int32) -> [UInt8] {
        // Ask for the pointer before the size: that is the order SQLite documents as safe.
        guard let bytes = sqlite3_column_blob(handle, column) else { return [] }
        let count = Int(sqlite3_column_bytes(handle, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }
}
