import Foundation
import Queue
import Synchronization

/// Appends from many threads into a fresh queue file, with group commit and with one transaction per append, and
/// prints events per second for both.
///
/// Usage: `QueueBench [threads] [appends-per-thread] [directory]` (defaults 64, 100, /tmp).
enum QueueBenchmark {
    static func run(arguments: [String]) {
        let threads = arguments.count > 0 ? Int(arguments[0]) ?? 64 : 64
        let perThread = arguments.count > 1 ? Int(arguments[1]) ?? 100 : 100
        let directory = arguments.count > 2 ? arguments[2] : NSTemporaryDirectory()
        print("\(threads) threads × \(perThread) appends of one event (1 KiB body), synchronous=FULL, in \(directory)")
        let single = measure("one transaction per append", threads, perThread, directory, maxBatchEvents: 1)
        let grouped = measure("group commit", threads, perThread, directory, maxBatchEvents: 1_000)
        print(String(format: "ratio: group commit is %.1f× one transaction per append", grouped / single))
    }

    /// Runs one round and returns events per second.
    private static func measure(
        _ name: String, _ threads: Int, _ perThread: Int, _ directory: String, maxBatchEvents: Int
    ) -> Double {
        let path = directory + "/queue-bench-\(getpid())-\(maxBatchEvents).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        var configuration = SQLiteEventStore.Configuration()
        configuration.maxBatchEvents = maxBatchEvents
        configuration.maxWaitingEvents = threads * 2
        let store: SQLiteEventStore
        do { store = try SQLiteEventStore(path: path, configuration: configuration) } catch {
            fatalError("cannot open \(path): \(error)")
        }
        defer { store.close() }
        let event = NewEvent(
            route: "contact", receivedAt: .now(), body: [UInt8](repeating: 0x61, count: 1_024),
            headers: [Header(name: "Content-Type", value: "application/json")], subject: nil,
            plan: Array(#"{"steps":[{"op":"contact.upsert"}]}"#.utf8))
        let failures = Atomic<Int>(0)
        let group = DispatchGroup()
        let start = ContinuousClock.now
        for _ in 0..<threads {
            group.enter()
            Thread {
                for _ in 0..<perThread {
                    do { _ = try store.append([event]) } catch { failures.add(1, ordering: .relaxed) }
                }
                group.leave()
            }.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let counters = store.counters
        let rate = Double(counters.appendedEvents) / seconds
        print(
            String(
                format: "%@: %d events in %.2f s = %.0f events/s, %d commits (%.1f events per commit), %d failures",
                name, counters.appendedEvents, seconds, rate, counters.appendCommits,
                Double(counters.appendedEvents) / Double(max(1, counters.appendCommits)),
                failures.load(ordering: .relaxed)))
        return rate
    }
}
