import Foundation
import Testing

@testable import Queue

/// Checkpoints run on their own thread, and the writer makes the WAL start over once it holds `walSizeLimit`.
@Suite struct LogCheckpointerTests {
    /// One commit of ~30 pages: 20 events of 2,000 bytes (~2,400 pages for 80 of them).
    private static func appendCommit(to store: SQLiteEventStore) throws {
        _ = try store.append((0..<20).map { _ in sampleEvent(body: [UInt8](repeating: 7, count: 2_000)) })
    }

    private static let frameBytes = 4_096 + 24

    @Test func theThreadCopiesTheLogAndTheWriterDoesNot() throws {
        var configuration = SQLiteEventStore.Configuration()
        configuration.walAutoCheckpointPages = 20
        configuration.walSizeLimit = 1 << 30
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath, configuration: configuration)
        var largestLog = 0
        for _ in 0..<80 {
            try Self.appendCommit(to: store)
            largestLog = max(largestLog, try fileSize(directory.queuePath + "-wal"))
            // Once the thread has copied the whole log, the next commit writes from its start again.
            waitUntil { !store.checkpointer.isRunning }
        }
        #expect(store.checkpointer.threadCheckpoints.load(ordering: .relaxed) >= 20)
        #expect(store.checkpointer.writerCheckpoints.load(ordering: .relaxed) == 0)
        // Without checkpoints the log would hold all ~2,400 pages.
        #expect(largestLog <= 100 * Self.frameBytes + 32, "the WAL grew to \(largestLog) bytes")
        store.close()

        let reopened = try SQLiteEventStore(path: directory.queuePath)
        defer { reopened.close() }
        #expect(try reopened.stats().counts[.pending] == 1_600)
    }

    /// With the thread busy or lagging, the log would only grow; at `walSizeLimit` the writer finishes the
    /// checkpoint itself. (Here the thread never starts: its threshold is the limit.)
    @Test func atTheSizeLimitTheWriterFinishesTheCheckpoint() throws {
        var configuration = SQLiteEventStore.Configuration()
        configuration.walAutoCheckpointPages = 100
        configuration.walSizeLimit = 100 * 4_096
        try withStore(configuration) { store, _ throws in
            var largestLog = 0
            for _ in 0..<80 {
                try Self.appendCommit(to: store)
                largestLog = max(largestLog, try fileSize(store.path + "-wal"))
            }
            #expect(store.checkpointer.writerCheckpoints.load(ordering: .relaxed) >= 5)
            #expect(store.checkpointer.threadCheckpoints.load(ordering: .relaxed) == 0)
            #expect(largestLog <= 150 * Self.frameBytes + 32, "the WAL grew to \(largestLog) bytes")
        }
    }

    /// Its copies are synced before the log may start over and overwrite their frames.
    @Test func theCheckpointerSyncsInFull() throws {
        try withStore { store, _ throws in
            let level = try store.checkpointer.connection.withConnection { (connection) throws(StoreError) in
                try connection.integer("PRAGMA synchronous")
            }
            #expect(level == 2, "synchronous = FULL")
        }
    }

    @Test func thePeriodicCheckpointStillTruncatesTheLog() throws {
        var configuration = SQLiteEventStore.Configuration()
        configuration.walAutoCheckpointPages = 20
        try withStore(configuration) { store, _ throws in
            for _ in 0..<10 { try Self.appendCommit(to: store) }
            waitUntil { !store.checkpointer.isRunning }
            store.checkpoint()
            #expect(try fileSize(store.path + "-wal") == 0)
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
