import CPosix
import Glibc

/// A connected, non-blocking TCP socket to one server; closed when released.
final class ClientSocket: ClientTransport {
    let fileDescriptor: Int32

    private init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    deinit { close(fileDescriptor) }

    /// Why no connection could be made.
    enum ConnectError: Error {
        /// `getaddrinfo` failed; its message.
        case resolution(String)
        /// The deadline passed while the host's name was being resolved.
        case resolutionTimedOut
        /// Every address was tried and refused or unreachable; one "address: reason" per address.
        case failed([String])
        /// The deadline passed while connecting to `address`.
        case timedOut(address: String)
    }

    /// Resolves `host` (IPv4 and IPv6, through `resolver`) and connects to the addresses in the order the
    /// resolver gives, until one accepts or the deadline passes.
    ///
    /// With `loopbackOnly`, addresses outside 127.0.0.0/8 and ::1 are skipped: a plain-HTTP request to
    /// `localhost` never leaves the machine, whatever the resolver says.
    static func connect(
        host: String, port: UInt16, isIPAddress: Bool, loopbackOnly: Bool, deadline: Deadline,
        resolver: AddressResolver
    ) throws(ConnectError) -> ClientSocket {
        let addresses: [ResolvedAddress]
        do {
            addresses = try resolver.resolve(host: host, port: port, isIPAddress: isIPAddress, deadline: deadline)
        } catch {
            switch error {
            case .failed(let message): throw .resolution(message)
            case .timedOut: throw .resolutionTimedOut
            }
        }
        var failures: [String] = []
        for resolved in addresses {
            let address = describe(resolved.storage)
            if loopbackOnly, !isLoopback(resolved.storage) {
                failures.append("\(address): not a loopback address")
                continue
            }
            let fd = dealhook_socket_nonblocking(resolved.family)
            guard fd >= 0 else {
                failures.append("\(address): socket: \(String(cString: strerror(errno)))")
                continue
            }
            if let failure = try connect(fd, to: resolved, address: address, deadline: deadline) {
                close(fd)
                failures.append("\(address): \(failure)")
                continue
            }
            var one: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
            return ClientSocket(fileDescriptor: fd)
        }
        throw .failed(failures)
    }

    /// Connects `fd`; nil on success, otherwise why this address failed.
    private static func connect(
        _ fd: Int32, to resolved: ResolvedAddress, address: String, deadline: Deadline
    ) throws(ConnectError) -> String? {
        var storage = resolved.storage
        let result = withUnsafePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, resolved.length) }
        }
        if result == 0 { return nil }
        guard errno == EINPROGRESS else { return String(cString: strerror(errno)) }
        do {
            try deadline.wait(for: fd, events: POLLOUT)
        } catch .timedOut {
            close(fd)
            throw .timedOut(address: address)
        } catch {
            return error.reason
        }
        var code: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_ERROR, &code, &length) == 0 else { return String(cString: strerror(errno)) }
        return code == 0 ? nil : String(cString: strerror(code))
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        while true {
            let sent = dealhook_send(fileDescriptor, bytes.baseAddress, bytes.count)
            if sent > 0 { return sent }
            let code = errno
            switch code {
            case EAGAIN, EWOULDBLOCK: try deadline.wait(for: fileDescriptor, events: POLLOUT)
            case EINTR: continue
            default: throw .socket("send", errno: code)
            }
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        while true {
            let count = recv(fileDescriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            let code = errno
            switch code {
            case EAGAIN, EWOULDBLOCK: try deadline.wait(for: fileDescriptor, events: POLLIN)
            case EINTR: continue
            default: throw .socket("recv", errno: code)
            }
        }
    }

    func isStale() -> Bool {
        // An idle keep-alive connection has nothing to read; readable means closed, reset or garbage.
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) != 0
    }

    /// Whether the socket is readable right now (TLS uses it to look for records that arrived while idle).
    func isReadable() -> Bool { isStale() }

    /// `127.0.0.1:443` or `[::1]:443`.
    private static func describe(_ storage: sockaddr_storage) -> String {
        let host = SocketAddressText.host(of: storage)
        let port = SocketAddressText.port(of: storage)
        return Int32(storage.ss_family) == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    private static func isLoopback(_ storage: sockaddr_storage) -> Bool {
        let host = SocketAddressText.host(of: storage)
        return host.hasPrefix("127.") || host == "::1"
    }
}
