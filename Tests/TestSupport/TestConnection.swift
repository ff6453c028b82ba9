import Glibc

/// A blocking TCP client for tests: sends raw bytes and reads raw HTTP/1.1 responses, with a receive timeout so
/// that a test fails instead of hanging.
public final class TestConnection {
    /// The socket, for tests that need a raw call.
    public let fileDescriptor: Int32
    private var buffer: [UInt8] = []

    /// Connects to `host:port` (IPv4 or IPv6 literal), failing the test's expectation by throwing.
    public init(host: String = "127.0.0.1", port: UInt16, timeoutSeconds: Int = 5) throws(TestConnectionError) {
        let isIPv6 = host.contains(":")
        let fd = socket(isIPv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestConnectionError(message: "socket: errno \(errno)") }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let result: Int32
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = port.bigEndian
            inet_pton(AF_INET6, host, &address.sin6_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = port.bigEndian
            inet_pton(AF_INET, host, &address.sin_addr)
            result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw TestConnectionError(message: "connect to \(host):\(port): errno \(code)")
        }
        fileDescriptor = fd
    }

    deinit { close(fileDescriptor) }

    /// Sends text as UTF-8.
    public func send(_ text: String) throws(TestConnectionError) {
        try send(Array(text.utf8))
    }

    /// Sends bytes, all of them.
    public func send(_ bytes: [UInt8]) throws(TestConnectionError) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes.withUnsafeBytes {
                Glibc.send(fileDescriptor, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL))
            }
            guard sent > 0 else { throw TestConnectionError(message: "send: errno \(errno)") }
            offset += sent
        }
    }

    /// Reads one response (status line, headers, and a `Content-Length` body, or until close without one).
    /// Interim 1xx responses are returned too, as responses of their own.
    public func readResponse() throws(TestConnectionError) -> TestResponse {
        let headEnd = try readUntil([0x0D, 0x0A, 0x0D, 0x0A])
        let headText = String(decoding: buffer[0..<headEnd], as: UTF8.self)
        buffer.removeFirst(headEnd + 4)
        var lines = headText.split(separator: "\r\n", omittingEmptySubsequences: false).map(String.init)
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, let status = Int(parts[1]) else {
            throw TestConnectionError(message: "bad status line '\(statusLine)'")
        }
        let headers = lines.map { line -> (String, String) in
            let colon = line.firstIndex(of: ":")!
            return (String(line[..<colon]), String(line[line.index(after: colon)...]).trimmingCharacters(in: " "))
        }
        var response = TestResponse(statusLine: statusLine, status: status, headers: headers, body: [])
        if status < 200 || status == 204 || status == 304 { return response }
        if let lengthText = response.header("Content-Length"), let length = Int(lengthText) {
            while buffer.count < length {
                guard try receive() else { throw TestConnectionError(message: "closed inside the body") }
            }
            response.body = Array(buffer[0..<length])
            buffer.removeFirst(length)
        } else {
            while try receive() {}
            response.body = buffer
            buffer = []
        }
        return response
    }

    /// Whether the server has closed the connection (reads until end of input, discarding what arrives).
    public func isClosedByPeer() -> Bool {
        buffer = []
        while true {
            do {
                if try !receive() { return true }
            } catch {
                return false
            }
        }
    }

    private func readUntil(_ marker: [UInt8]) throws(TestConnectionError) -> Int {
        while true {
            if buffer.count >= marker.count {
                for start in 0...(buffer.count - marker.count) where buffer[start..<start + marker.count].elementsEqual(marker) {
                    return start
                }
            }
            guard try receive() else {
                throw TestConnectionError(message: "connection closed before a response head (got \(buffer.count) bytes)")
            }
        }
    }

    /// Reads what is available; false at end of input.
    private func receive() throws(TestConnectionError) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let count = chunk.withUnsafeMutableBytes { recv(fileDescriptor, $0.baseAddress, $0.count, 0) }
        if count > 0 {
            buffer.append(contentsOf: chunk[0..<count])
            return true
        }
        if count == 0 { return false }
        if errno == ECONNRESET { return false }
        throw TestConnectionError(message: errno == EAGAIN ? "timed out waiting for the server" : "recv: errno \(errno)")
    }
}

/// A response as a test sees it.
public struct TestResponse: Sendable {
    public var statusLine: String
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    /// The first value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}

/// A failed network step in a test.
public struct TestConnectionError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        String(drop { $0 == set }.reversed().drop { $0 == set }.reversed())
    }
}
