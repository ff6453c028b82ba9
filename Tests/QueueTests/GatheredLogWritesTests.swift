import CSQLiteGather
import Testing

@testable import Queue

/// The writer's connection hands a commit's writes to the write-ahead log in a few calls (`CSQLiteGather`), and
/// what it gathered is what SQLite wrote: read back in the transaction, after it, and by a connection without it.
@Suite struct GatheredLogWritesTests {
    /// Runs `body` and returns the writes SQLite made to gathered files, and those handed to the files, meanwhile
    /// on this thread (each test's statements run on its own thread, so other tests do not count).
    private func writes(_ body: () throws -> Void) rethrows -> (received: UInt64, made: UInt64) {
        let received = dealhook_gather_thread_writes_received()
        let made = dealhook_gather_thread_writes_made()
        try body()
        return (
            UInt64(dealhook_gather_thread_writes_received() - received), UInt64(dealhook_gather_thread_writes_made() - made)
        )
    }

    /// A gathering connection to a new file in WAL mode with `synchronous=FULL`, as the queue's writer, holding an
    /// empty table `rows (n, data)`.
    private func gatheringConnection(in directory: TemporaryDirectory) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: directory.queuePath, gathersLogWrites: true)
        _ = try connection.texts("PRAGMA journal_mode = WAL")
        try connection.execute("PRAGMA synchronous = FULL; CREATE TABLE rows (n INTEGER PRIMARY KEY, data BLOB)")
        return connection
    }

    @Test func aCommitOfManyPagesIsAFewWrites() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let connection = try gatheringConnection(in: directory)
        let counted = try writes {
            try connection.transaction { () throws(StoreError) in
                for n in 0..<100 {
                    try connection.statement("INSERT INTO rows (n, data) VALUES (?1, ?2)")
                        .run([.int(n), .blob([UInt8](repeating: UInt8(n), count: 1_000))])
                }
            }
        }
        // ~26 pages of rows and the table's root: two calls a frame, gathered into one write per 31 frames.
        #expect(counted.received >= 50)
        #expect(counted.made <= 2)
        let reader = try SQLiteConnection(path: directory.queuePath, create: false)
        #expect(try reader.integer("SELECT count(*) FROM rows") == 100)
        #expect(try reader.integer("SELECT sum(length(data)) FROM rows WHERE hex(substr(data, 1000, 1)) = printf('%02X', n)") == 100_000)
    }

    /// A transaction larger than the writer's page cache spills pages into the log before its commit and reads
    /// them back from there: what was gathered must be handed over before any read.
    @Test func pagesSpilledIntoTheLogReadBackInTheTransaction() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let connection = try gatheringConnection(in: directory)
        try connection.execute("PRAGMA cache_size = 10")
        let total = try connection.transaction { () throws(StoreError) -> Int64 in
            for n in 0..<2_000 {
                try connection.statement("INSERT INTO rows (n, data) VALUES (?1, ?2)")
                    .run([.int(n), .blob([UInt8](repeating: UInt8(n % 251), count: 3_000))])
            }
            try connection.execute("UPDATE rows SET data = zeroblob(10) WHERE n % 2 = 0")
            return try connection.integer("SELECT sum(length(data)) FROM rows")
        }
        #expect(total == 1_000 * 3_000 + 1_000 * 10)
        let reader = try SQLiteConnection(path: directory.queuePath, create: false)
        #expect(try reader.integer("SELECT sum(length(data)) FROM rows") == total)
        #expect(try reader.integer("SELECT count(*) FROM rows WHERE n % 2 = 1 AND hex(substr(data, 3000, 1)) = printf('%02X', n % 251)") == 1_000)
        #expect(try reader.texts("PRAGMA integrity_check") == ["ok"])
    }
}
