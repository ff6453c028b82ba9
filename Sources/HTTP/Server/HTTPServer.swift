import CPosix
import Glibc
import Logging
import Synchronization

/// An HTTP/1.1 server: one edge-triggered epoll loop per core, each on a thread the server owns.
///
/// ```swift
/// let server = HTTPServer(configuration: .init(addresses: [try BindAddress(parsing: "127.0.0.1:0")]),
///                         responder: MyResponder(), logger: logger)
/// let bound = try server.start()      // the real ports
/// …
/// server.shutdown(gracePeriod: .seconds(10))
/// ```
public final class HTTPServer: Sendable {
    private let shared: ServerShared
    private let logger: Logger
    private let state = Mutex<State>(State())

    private struct State {
        var loops: [EventLoop] = []
        var threads: [pthread_t] = []
        var listeners: [ListeningSocket] = []
    }

    public init(configuration: HTTPServerConfiguration, responder: any HTTPResponder, logger: Logger) {
        shared = ServerShared(configuration: configuration, responder: responder)
        self.logger = logger
    }

    /// Connections open right now, across all loops.
    public var openConnections: Int { shared.openConnections.load(ordering: .relaxed) }

    /// Binds every configured address and starts the loops. Returns the bound addresses, with the ports the
    /// kernel chose where 0 was asked for.
    @discardableResult
    public func start() throws(HTTPServerError) -> [BindAddress] {
        var listeners: [ListeningSocket] = []
        do {
            for address in shared.configuration.addresses {
                listeners.append(try ListeningSocket(binding: address, backlog: shared.configuration.backlog))
            }
        } catch {
            for listener in listeners { close(listener.fileDescriptor) }
            throw error
        }
        var loops: [EventLoop] = []
        for _ in 0..<max(1, shared.configuration.eventLoopCount) {
            loops.append(try EventLoop(shared: shared, logger: logger))
        }
        var threads: [pthread_t] = []
        for (index, loop) in loops.enumerated() {
            loop.setPeers(loops)
            for listener in listeners { loop.addListener(listener) }
            guard let thread = POSIXThread.start(named: "event-loop-\(index)", { loop.run() }) else {
                preconditionFailure("cannot start the thread of event loop \(index)")
            }
            threads.append(thread)
        }
        state.withLock { $0 = State(loops: loops, threads: threads, listeners: listeners) }
        return listeners.map(\.address)
    }

    /// Stops accepting, lets requests in flight finish for up to `gracePeriod`, then closes what is left.
    /// Returns true when every connection finished within the grace period. Blocks the caller until done.
    @discardableResult
    public func shutdown(gracePeriod: Duration) -> Bool {
        let current = state.withLock { state in
            defer { state = State() }
            return state
        }
        for loop in current.loops { loop.requestDrain() }
        let deadline = MonotonicClock.now() + gracePeriod.nanoseconds
        while shared.openConnections.load(ordering: .relaxed) > 0 && MonotonicClock.now() < deadline {
            usleep(5_000)
        }
        let drained = shared.openConnections.load(ordering: .relaxed) == 0
        for loop in current.loops { loop.requestStop() }
        for thread in current.threads { pthread_join(thread, nil) }
        for listener in current.listeners { close(listener.fileDescriptor) }
        return drained
    }
}
