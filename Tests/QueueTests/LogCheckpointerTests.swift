import Foundation
import Testing

@testable import Queue

/// Checkpoints run on their own thread, and the writer makes the WAL start over once it holds `walSizeLimit`.
@Suite struct LogCheckpointerTests {
    @Test func theThreadCopiesTheLogAndTheWriterRestartsIt() throws {
        var configuration = SQLiteEventStore.Configuration()
        configuration.walAutoCheckpointPages = 20
        configuration.walSizeLimit = 200 * 4_096
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath, configuration: configuration)
        let walPath = directory.queuePath + "-wal"
        var largestLog = 0
        for _ in 0..<80 {
            // ~10 pages a commit: 20 events of 2,000 bytes.
            _ = try store.append((0..<20).map { _ in sampleEvent(body: [UInt8](repeating: 7, count: 2_000)) })
            largestLog = max(largestLog, try fileSize(walPath))
        }
        #expect(store.checkpointer.threadCheckpoints.load(ordering: .relaxed) >= 1)
        #expect(store.checkpointer.writerCheckpoints.load(ordering: .relaxed) >= 1)
        // Without the restart the log would hold all ~800 pages; with it, at most the limit and one commit.
        #expect(largestLog <= (200 + 40) * (4_096 + 24) + 32, "the WAL grew to \(largestLog) bytes")
        store.close()

        let reopened = try SQLiteEventStore(path: directory.queuePath)
        defer { reopened.close() }
        #expect(try reopened.stats().counts[.pending] == 1_600)
    }

    @Test func thePeriodicCheckpointStillTruncatesTheLog() throws {
        var configuration = SQLiteEventStore.Configuration()
        configuration.walAutoCheckpointPages = 20
        try withStore(configuration) { store, _ throws in
            for _ in 0..<10 {
                _ = try store.append((0..<20).map { _ in sampleEvent(body: [UInt8](repeating: 7, count: 2_000)) })
            }
            waitUntil { !store.checkpointer.isRunning }
            store.checkpoint()
            #expect(try fileSize(store.path + "-wal") == 0)
        }
    }

    private func fileSize(_ path: String) throws -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
    }
}
