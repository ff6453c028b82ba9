import CPosix
import Glibc
import Logging
import Synchronization

/// One edge-triggered epoll loop on a thread of its own, serving its share of the server's connections.
///
/// Everything but `execute`, `inEventLoop`, `setPeers` and `requestDrain` runs on the loop's thread; that
/// confinement is what makes the `@unchecked Sendable` below sound. Work from other threads (among it connections
/// another loop accepted) arrives through `execute`, whose queue is guarded by `pendingTasks` (a `Mutex`), and
/// wakes the loop through an eventfd.
final class EventLoop: @unchecked Sendable {
    private let epollFD: Int32
    private let wakeFD: Int32
    private let pendingTasks = Mutex<TaskQueue>(TaskQueue())
    private let threadID = Mutex<pthread_t?>(nil)
    private let shared: ServerShared
    private let logger: Logger

    // Loop-thread state.
    private var connections: [HTTPConnection?] = []
    private var connectionCount = 0
    private var listeners: [ListeningSocket] = []
    /// Every loop of the server, this one included: accepted connections are dealt out among them in turn.
    private var peers: [EventLoop] = []
    private var nextConnectionID: UInt64 = 0
    private var state: RunState = .running
    private var nextSweep: UInt64 = 0
    private let readBuffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    var encoder = ResponseEncoder()

    private enum RunState { case running, draining, stopped }

    private struct TaskQueue {
        var tasks: [@Sendable () -> Void] = []
        /// False once `run` has returned: later tasks would never run, so `execute` refuses them.
        var open = true
    }
    private static let wakeToken = UInt64.max
    private static let listenerTokenBase = UInt64.max - 1024
    private static let sweepInterval: UInt64 = 100_000_000

    init(shared: ServerShared, logger: Logger) throws(HTTPServerError) {
        epollFD = dealhook_epoll_create()
        guard epollFD >= 0 else { throw .system(operation: "epoll_create1", errno: errno) }
        wakeFD = dealhook_eventfd()
        guard wakeFD >= 0 else { throw .system(operation: "eventfd", errno: errno) }
        self.shared = shared
        self.logger = logger
        _ = dealhook_epoll_ctl(epollFD, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue, Self.wakeToken)
    }

    deinit {
        readBuffer.deallocate()
        close(wakeFD)
        close(epollFD)
    }

    /// Whether the caller runs on this loop's thread.
    var inEventLoop: Bool {
        guard let owner = threadID.withLock({ $0 }) else { return false }
        return pthread_equal(owner, pthread_self()) != 0
    }

    /// Runs `task` on the loop thread: at once when called there, otherwise soon after a wake-up. Returns false,
    /// without running it, when the loop has stopped.
    @discardableResult
    func execute(_ task: @escaping @Sendable () -> Void) -> Bool {
        if inEventLoop {
            task()
            return true
        }
        // Only the task that finds the queue empty wakes the loop: the loop reads the eventfd before it takes the
        // queue, so every later task either joins a queue not yet taken or finds it empty again and wakes it.
        let (queued, wakes) = pendingTasks.withLock { queue in
            guard queue.open else { return (false, false) }
            queue.tasks.append(task)
            return (true, queue.tasks.count == 1)
        }
        guard queued else { return false }
        if wakes {
            var one: UInt64 = 1
            _ = write(wakeFD, &one, 8)
        }
        return true
    }

    /// Tells the loop which loops share its accepted connections (all of the server's, itself included).
    func setPeers(_ loops: [EventLoop]) {
        execute { [self] in peers = loops }
    }

    /// Starts watching `listener` for new connections (loops share listeners; `EPOLLEXCLUSIVE` wakes one).
    func addListener(_ listener: ListeningSocket) {
        execute { [self] in
            let token = Self.listenerTokenBase + UInt64(listeners.count)
            listeners.append(listener)
            let flags = EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue
            _ = dealhook_epoll_ctl(epollFD, EPOLL_CTL_ADD, listener.fileDescriptor, flags, token)
        }
    }

    /// Stops accepting, closes idle connections and lets busy ones finish their current request.
    func requestDrain() {
        execute { [self] in beginDrain() }
    }

    /// Closes every connection at once and ends `run`.
    func requestStop() {
        execute { [self] in
            for case let connection? in connections { connection.close() }
            state = .stopped
        }
    }

    /// The loop itself; returns once stopped (or drained of all connections while draining).
    func run() {
        threadID.withLock { $0 = pthread_self() }
        let capacity: Int32 = 256
        let events = dealhook_epoll_events_allocate(capacity)!
        defer { free(events) }
        nextSweep = MonotonicClock.now() + Self.sweepInterval
        while state != .stopped {
            let ready = epoll_wait(epollFD, events, capacity, 100)
            if ready < 0 && errno != EINTR {
                logger.critical("epoll_wait failed", ["errno": .int(Int(errno))])
                break
            }
            for index in 0..<Int32(max(ready, 0)) {
                let token = dealhook_epoll_event_token(events, index)
                let flags = dealhook_epoll_event_flags(events, index)
                if token == Self.wakeToken {
                    runPendingTasks()
                } else if token >= Self.listenerTokenBase {
                    acceptConnections(on: Int(token - Self.listenerTokenBase))
                } else if let connection = connection(fileDescriptor: Int32(truncatingIfNeeded: token)) {
                    connection.handleEvents(flags)
                }
            }
            let now = MonotonicClock.now()
            if now >= nextSweep {
                nextSweep = now + Self.sweepInterval
                for case let connection? in connections { connection.checkDeadline(now: now) }
            }
            if state == .draining && connectionCount == 0 { state = .stopped }
        }
        pendingTasks.withLock { $0.open = false }
        runPendingTasks()
        peers = []
    }

    /// Hands `response` to the connection that is waiting for it, unless that connection has gone.
    func deliver(_ response: HTTPResponse, fileDescriptor: Int32, connectionID: UInt64) {
        guard let connection = connection(fileDescriptor: fileDescriptor), connection.id == connectionID else {
            return
        }
        connection.send(response)
    }

    /// Resets the connection that is waiting for a response instead of answering it, unless it has gone.
    func abort(fileDescriptor: Int32, connectionID: UInt64) {
        guard let connection = connection(fileDescriptor: fileDescriptor), connection.id == connectionID else {
            return
        }
        connection.abortResponse()
    }

    /// Called by a connection when it has closed its socket.
    func connectionClosed(_ connection: HTTPConnection) {
        connections[Int(connection.fileDescriptor)] = nil
        connectionCount -= 1
        shared.openConnections.subtract(1, ordering: .relaxed)
        if state == .draining && connectionCount == 0 { state = .stopped }
    }

    /// Reads what the socket has into the loop's scratch buffer, passing each chunk to `consume`.
    ///
    /// With `stopAtShortRead`, a read short of the buffer ends it: it emptied the socket (epoll(7), on stream
    /// sockets), and data arriving from now on is a new edge. That saves the read that would only say EAGAIN, one
    /// per request. Pass it only when the peer has not closed its side: the end of input, already signalled, would
    /// not be signalled again.
    func readAvailable(from fd: Int32, stopAtShortRead: Bool, _ consume: (UnsafeRawBufferPointer) -> Bool)
        -> ReadOutcome
    {
        while true {
            let count = read(fd, readBuffer.baseAddress, readBuffer.count)
            if count > 0 {
                if !consume(UnsafeRawBufferPointer(rebasing: readBuffer[0..<count])) { return .paused }
                if stopAtShortRead && count < readBuffer.count { return .wouldBlock }
                continue
            }
            if count == 0 { return .endOfInput }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return .wouldBlock
            default: return .failed
            }
        }
    }

    enum ReadOutcome { case wouldBlock, endOfInput, paused, failed }

    var isDraining: Bool { state != .running }

    private func connection(fileDescriptor fd: Int32) -> HTTPConnection? {
        let index = Int(fd)
        return index < connections.count ? connections[index] : nil
    }

    private func runPendingTasks() {
        var drained: UInt64 = 0
        _ = read(wakeFD, &drained, 8)
        let tasks = pendingTasks.withLock { queue in
            defer { queue.tasks.removeAll() }
            return queue.tasks
        }
        for task in tasks { task() }
    }

    private func acceptConnections(on listenerIndex: Int) {
        guard state == .running, listenerIndex < listeners.count else { return }
        let fd = listeners[listenerIndex].fileDescriptor
        while true {
            var address = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let client = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { dealhook_accept_nonblocking(fd, $0, &length) }
            }
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                if errno == EMFILE || errno == ENFILE {
                    logger.error("accept failed: out of file descriptors", ["open_connections": .int(connectionCount)])
                }
                return
            }
            let open = shared.openConnections.add(1, ordering: .relaxed).newValue
            if open > shared.configuration.maxConnections {
                shared.openConnections.subtract(1, ordering: .relaxed)
                var refusal: [UInt8] = []
                let problem = ProblemBody.response(
                    status: .serviceUnavailable, detail: "too many open connections", headers: ["Retry-After": "1"])
                encoder.encode(problem, version: .http1_1, keepAlive: false, headOnly: false, into: &refusal)
                _ = refusal.withUnsafeBytes { dealhook_send(client, $0.baseAddress, $0.count) }
                Glibc.close(client)
                continue
            }
            hand(client, remoteAddress: SocketAddressText.host(of: address))
        }
    }

    /// Gives an accepted connection to the next loop in turn. The kernel wakes one loop per burst of connections
    /// (`EPOLLEXCLUSIVE`, most recent waiter first), and that loop used to keep all it accepted: 200 of 256 wrk
    /// connections on one of two loops, whose queue then set the p99 latency.
    private func hand(_ fd: Int32, remoteAddress: String) {
        guard peers.count > 1 else {
            register(fd, remoteAddress: remoteAddress)
            return
        }
        let target = peers[Int(shared.nextLoop.wrappingAdd(1, ordering: .relaxed).oldValue % UInt(peers.count))]
        if target === self {
            register(fd, remoteAddress: remoteAddress)
        } else if !target.execute({ target.adopt(fd, remoteAddress: remoteAddress) }) {
            Glibc.close(fd)
            shared.openConnections.subtract(1, ordering: .relaxed)
        }
    }

    /// Takes over a connection another loop accepted; a draining loop lets it finish a request already sent.
    private func adopt(_ fd: Int32, remoteAddress: String) {
        guard state != .stopped else {
            Glibc.close(fd)
            shared.openConnections.subtract(1, ordering: .relaxed)
            return
        }
        register(fd, remoteAddress: remoteAddress)
        if state == .draining { connection(fileDescriptor: fd)?.drain() }
    }

    private func register(_ fd: Int32, remoteAddress: String) {
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        nextConnectionID += 1
        let connection = HTTPConnection(
            fileDescriptor: fd, id: nextConnectionID, remoteAddress: remoteAddress, loop: self, shared: shared,
            logger: logger)
        let index = Int(fd)
        if index >= connections.count {
            connections.append(contentsOf: repeatElement(nil, count: index - connections.count + 1))
        }
        connections[index] = connection
        connectionCount += 1
        let flags = EPOLLIN.rawValue | EPOLLOUT.rawValue | EPOLLRDHUP.rawValue | EPOLLET.rawValue
        _ = dealhook_epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, flags, UInt64(fd))
        connection.handleEvents(EPOLLIN.rawValue)
    }

    private func beginDrain() {
        guard state == .running else { return }
        state = .draining
        for listener in listeners {
            _ = dealhook_epoll_ctl(epollFD, EPOLL_CTL_DEL, listener.fileDescriptor, 0, 0)
        }
        for case let connection? in connections { connection.drain() }
        if connectionCount == 0 { state = .stopped }
    }
}
