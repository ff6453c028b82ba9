import Dispatch
import Glibc
import Synchronization

/// A raw TCP server on an ephemeral loopback port that runs a script per connection, for client tests that need
/// what a correct server never does: answer late or never, close at a chosen moment, send chunked or broken bytes.
///
/// Each accepted connection runs `script` on a thread of its own (not Dispatch's: scripts block, and a few
/// blocked workers starve Dispatch's small pool); the listener is closed when the server goes.
final class ScriptedServer: Sendable {
    let port: UInt16
    private let listener: Int32
    private let loop = AcceptLoop()

    private final class AcceptLoop: Sendable {
        let accepted = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        let finished = DispatchSemaphore(value: 0)
    }

    /// Starts listening; `script` gets each connection and its index (0 for the first).
    init(script: @escaping @Sendable (ScriptedConnection, Int) -> Void) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                precondition(bind(fd, $0, length) == 0, "bind: \(errno)")
                precondition(getsockname(fd, $0, &length) == 0)
            }
        }
        precondition(listen(fd, 64) == 0)
        listener = fd
        port = UInt16(bigEndian: address.sin_port)
        detachThread { [loop] in
            while true {
                let connection = accept(fd, nil, nil)
                if connection < 0 {
                    if loop.stopped.load(ordering: .relaxed) { break }
                    continue
                }
                let index = loop.accepted.add(1, ordering: .relaxed).oldValue
                detachThread { script(ScriptedConnection(connection), index) }
            }
            loop.finished.signal()
        }
    }

    deinit {
        loop.stopped.store(true, ordering: .relaxed)
        shutdown(listener, Int32(SHUT_RDWR))  // wakes the blocked accept
        loop.finished.wait()
        close(listener)
    }

    /// Connections accepted so far.
    var acceptedConnections: Int { loop.accepted.load(ordering: .relaxed) }

    /// `http://127.0.0.1:PORT` followed by `path`.
    func url(_ path: String = "/") -> String { "http://127.0.0.1:\(port)\(path)" }
}

/// One accepted connection, with blocking reads that give up after 5 s so that a broken test fails, not hangs.
final class ScriptedConnection {
    let fd: Int32
    private var buffer: [UInt8] = []

    init(_ fd: Int32) {
        self.fd = fd
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Reads one request head and its `Content-Length` body; nil when the client closed first.
    @discardableResult
    func readRequest() -> String? {
        while true {
            if let end = buffer.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                let head = String(decoding: buffer[..<end], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingPrefix(" ")) } ?? 0
                while buffer.count < end + length { guard receive() else { return nil } }
                let request = String(decoding: buffer[..<(end + length)], as: UTF8.self)
                buffer.removeFirst(end + length)
                return request
            }
            guard receive() else { return nil }
        }
    }

    /// Sends `text` (UTF-8).
    func send(_ text: String) { send(Array(text.utf8)) }

    /// Sends `bytes`, ignoring a client that has gone.
    func send(_ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Waits until the client closes (or 5 s pass).
    func waitForClose() {
        while receive() {}
    }

    private func receive() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[..<count])
        return true
    }
}

/// Runs `body` on a new detached POSIX thread.
func detachThread(_ body: @escaping @Sendable () -> Void) {
    final class Box {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var thread = pthread_t()
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    let result = pthread_create(
        &thread, nil,
        { argument in
            Unmanaged<Box>.fromOpaque(argument!).takeRetainedValue().body()
            return nil
        }, box)
    precondition(result == 0, "pthread_create failed: \(result)")
    pthread_detach(thread)
}
