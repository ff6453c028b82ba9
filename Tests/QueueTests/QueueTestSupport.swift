import Foundation
import Synchronization

@testable import Queue

/// A fresh directory under /tmp for a test's queue files, removed with everything in it by `remove()`.
struct TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/dealhook-queue-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { fatalError("mkdtemp failed: \(errno)") }
        path = String(cString: created)
    }

    var queuePath: String { path + "/queue.sqlite" }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A wall clock that moves only when told.
final class TestClock: Sendable {
    private let current: Mutex<Timestamp>

    init(_ start: Timestamp = Timestamp(millisecondsSinceEpoch: 1_750_000_000_000)) {
        current = Mutex(start)
    }

    var now: Timestamp { current.withLock { $0 } }

    func advance(by duration: Duration) { current.withLock { $0 = $0 + duration } }
}

/// Opens a store with `configuration` in a fresh directory with `clock`, runs `body`, then closes it and removes the directory.
func withStore<T>(
    _ configuration: SQLiteEventStore.Configuration = SQLiteEventStore.Configuration(), clock: TestClock = TestClock(),
    _ body: (SQLiteEventStore, TestClock) throws -> T
) throws -> T {
    let directory = TemporaryDirectory()
    defer { directory.remove() }
    var configuration = configuration
    configuration.clock = { clock.now }
    let store = try SQLiteEventStore(path: directory.queuePath, configuration: configuration)
    defer { store.close() }
    return try body(store, clock)
}

/// An event on `route` with a small JSON body and plan.
func sampleEvent(
    route: String = "contact", subject: String? = nil, at time: Timestamp = TestClock().now, body: [UInt8]? = nil
) -> NewEvent {
    NewEvent(
        route: route, receivedAt: time, body: body ?? Array(#"{"email":"a@example.com"}"#.utf8),
        headers: [Header(name: "Content-Type", value: "application/json")], subject: subject,
        plan: Array(#"{"steps":[]}"#.utf8))
}

/// Runs `body(index)` on `count` threads at once and waits for all of them.
func onThreads(_ count: Int, _ body: @escaping @Sendable (Int) -> Void) {
    let group = DispatchGroup()
    for index in 0..<count {
        group.enter()
        let thread = Thread {
            body(index)
            group.leave()
        }
        thread.stackSize = 1 << 20
        thread.start()
    }
    group.wait()
}

/// Spins until `condition` holds, for at most 10 seconds.
func waitUntil(_ condition: () -> Bool) {
    let deadline = ContinuousClock.now + .seconds(10)
    while !condition() && ContinuousClock.now < deadline { usleep(1_000) }
}

extension SQLiteEventStore {
    /// Runs `body` while holding the writer lock, so appends pile up behind it.
    func holdingWriter(_ body: () -> Void) {
        writer.withOptionalConnection { _ in body() }
    }

    var waitingAppends: Int { appends.withLock { $0.waitingRequests } }
}

extension SQLiteEventStore.Configuration {
    /// The default configuration with `change` applied.
    static func with(_ change: (inout Self) -> Void) -> Self {
        var configuration = Self()
        change(&configuration)
        return configuration
    }
}
