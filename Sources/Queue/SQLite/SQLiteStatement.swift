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

    /// Binds `values` to parameters 1, 2, …
    func bind(_ values: [SQLiteValue]) throws(StoreError) {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let number): code = sqlite3_bind_int64(handle, index, number)
            case .text(let text): code = sqlite3_bind_text(handle, index, text, -1, dealhook_sqlite_transient())
            case .blob(let bytes):
                // An empty buffer may have no address, and a null pointer would bind NULL instead of zero bytes.
                code =
                    bytes.isEmpty
                    ? sqlite3_bind_zeroblob(handle, index, 0)
                    : bytes.withUnsafeBytes {
                        sqlite3_bind_blob64(
                            handle, index, $0.baseAddress, sqlite3_uint64($0.count), dealhook_sqlite_transient())
                    }
            }
            guard code == SQLITE_OK else { throw connection.error(code, "binding parameter \(index)") }
        }
    }

    /// Runs the statement with `values` bound, for its effect.
    func run(_ values: [SQLiteValue] = []) throws(StoreError) {
        try bind(values)
        defer { sqlite3_reset(handle) }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { throw connection.error(code, sql) }
    }

    /// Runs the statement (bound beforehand with `bind`) and maps each row.
    func rows<T>(_ map: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        var results: [T] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return results }
            guard code == SQLITE_ROW else { throw connection.error(code, sql) }
            results.append(try map(SQLiteRow(handle: handle)))
        }
    }

    /// Binds `values`, runs, and maps each row.
    func query<T>(_ values: [SQLiteValue], _ map: (SQLiteRow) throws(StoreError) -> T) throws(StoreError) -> [T] {
        try bind(values)
        return try rows(map)
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
