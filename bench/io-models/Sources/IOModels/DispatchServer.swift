import Dispatch
import Glibc

/// The DispatchSource model: a read source on the listening socket accepts connections; each connection has its
/// own serial queue (targeting the global concurrent queue, so connections spread over libdispatch's worker
/// threads) with a read source and, while a response waits for the socket, a write source.
///
/// `start` is called once, before any source fires; afterwards `acceptSource` is only touched on `acceptQueue`.
public final class DispatchServer: @unchecked Sendable {
    private let listenFD: Int32
    private let acceptQueue = DispatchQueue(label: "io-models.accept")
    private var acceptSource: DispatchSourceRead?
    /// The port bound (the kernel's choice when 0 was asked for).
    public let port: UInt16

    /// Binds and listens on 127.0.0.1:`port`.
    public init(port: UInt16) throws(SocketError) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && listen(fd, 1024) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        guard bound else {
            let error = SocketError(operation: "bind/listen 127.0.0.1:\(port)")
            close(fd)
            throw error
        }
        listenFD = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    /// Starts accepting; connections are served on Dispatch queues until the process ends.
    public func start() {
        let source = DispatchSource.makeReadSource(fileDescriptor: listenFD, queue: acceptQueue)
        source.setEventHandler { [self] in acceptConnections() }
        acceptSource = source
        source.resume()
    }

    private func acceptConnections() {
        while true {
            let client = accept(listenFD, nil, nil)
            if client < 0 {
                if errno == EINTR || errno == ECONNABORTED { continue }
                return
            }
            _ = fcntl(client, F_SETFL, fcntl(client, F_GETFL) | O_NONBLOCK)
            var one: Int32 = 1
            setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            DispatchConnection(fileDescriptor: client).start()
        }
    }
}

/// A failed socket call, with its errno.
public struct SocketError: Error, CustomStringConvertible {
    public var operation: String
    public var code: Int32 = errno
    public var description: String { "\(operation): \(String(cString: strerror(code)))" }
}
