import Foundation
import HTTP
import Synchronization

/// Copies the write-ahead log into the database file (checkpoints) on a thread of its own, so that the queue's
/// writer, which every append waits for, does not read and write every page a second time.
///
/// SQLite's automatic checkpoint runs inside the commit that crosses its threshold: ~1,000 page reads and writes
/// and an fsync of the database file, on the writer thread, every ~1,000 pages. Here the writer's commits only
/// report the log's size (`logGrew`); once `startPages` pages are not yet copied, this thread runs a passive
/// checkpoint through its own connection, concurrently with the writer's next commits. A passive checkpoint
/// never restarts the log while the writer keeps appending, so once the log holds `restartPages` pages the writer
/// finishes the checkpoint itself (the few pages committed since this thread's last run) and its next commit
/// writes from the start of the log again. See docs/queue.md, "WAL size".
final class LogCheckpointer: Sendable {
    private struct State {
        /// Pages of the log already copied into the database file.
        var copied = 0
        /// Whether the thread is checkpointing (or has been asked to).
        var running = false
        var closed = false
    }

    let connection: GuardedConnection
    private let startPages: Int
    private let restartPages: Int
    private let state = Mutex(State())
    private let wakeUp = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)
    /// Checkpoints run by this thread.
    let threadCheckpoints = Atomic<Int>(0)
    /// Checkpoints the writer finished so that the log starts over.
    let writerCheckpoints = Atomic<Int>(0)

    /// Opens its own connection to the queue file at `path` and starts the checkpoint thread.
    init(path: String, busyTimeout: Duration, startPages: Int, restartPages: Int) throws(StoreError) {
        let connection = try SQLiteConnection(path: path, create: false)
        connection.setBusyTimeout(busyTimeout)
        // FULL: the copied pages are synced to the database file before the log may start over and overwrite
        // them (a build whose default is OFF would lose them at a power loss). A connection learns that the file
        // is in WAL mode by reading it; until then a checkpoint does nothing.
        try connection.execute("PRAGMA synchronous = FULL")
        _ = try connection.integer("SELECT count(*) FROM sqlite_schema")
        self.connection = GuardedConnection(connection)
        self.startPages = max(1, startPages)
        self.restartPages = max(self.startPages, restartPages)
        let started = POSIXThread.startDetached(named: "checkpointer") { [self] in run() }
        precondition(started, "no thread could be started for the queue's checkpointer")
    }

    /// Called by the writer after each commit with the log's size in pages, on `writer`, its connection.
    func logGrew(to pages: Int, on writer: SQLiteConnection) {
        enum Next { case nothing, wakeThread, finishHere }
        let next: Next = state.withLock { state in
            // A log smaller than what was copied has started over.
            if pages < state.copied { state.copied = 0 }
            if state.running || state.closed { return .nothing }
            if pages >= restartPages { return .finishHere }
            guard pages - state.copied >= startPages else { return .nothing }
            state.running = true
            return .wakeThread
        }
        switch next {
        case .nothing: return
        case .wakeThread: wakeUp.signal()
        case .finishHere:
            // The thread is idle, so this does not wait for it; it copies what was committed since its last run.
            guard let copied = writer.passiveCheckpoint() else { return }
            state.withLock { $0.copied = copied }
            writerCheckpoints.add(1, ordering: .relaxed)
        }
    }

    /// Whether the thread is checkpointing (or about to).
    var isRunning: Bool { state.withLock { $0.running } }

    /// Stops the thread (after the checkpoint it is running, if any) and closes its connection.
    func close() {
        let wasOpen = state.withLock { state in
            defer { state.closed = true }
            return !state.closed
        }
        guard wasOpen else { return }
        wakeUp.signal()
        stopped.wait()
        connection.close()
    }

    private func run() {
        while true {
            wakeUp.wait()
            if state.withLock({ $0.closed }) { break }
            let copied = connection.withOptionalConnection { $0?.passiveCheckpoint() }
            state.withLock { state in
                if let copied { state.copied = copied }
                state.running = false
            }
            if copied != nil { threadCheckpoints.add(1, ordering: .relaxed) }
        }
        stopped.signal()
    }
}
