import Glibc

/// An address to listen on: `127.0.0.1:8080`, `[::]:8080`, `[::1]:0`, `localhost:8080` (port 0 = ephemeral).
public struct BindAddress: Sendable, Hashable, CustomStringConvertible {
    /// The IP literal, IPv6 without brackets.
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`; IPv6 hosts go in brackets. Throws with what was wrong and what is accepted.
    public init(parsing text: String) throws(HTTPServerError) {
        let invalid = HTTPServerError.invalidAddress(
            text, reason: "expected HOST:PORT, e.g. 127.0.0.1:8080 or [::]:8080")
        var host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw invalid
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { throw invalid }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        if host == "localhost" { host = "127.0.0.1" }
        guard let port = UInt16(portText) else {
            throw .invalidAddress(text, reason: "port '\(portText)' is not a number from 0 to 65535")
        }
        guard Self.family(of: String(host)) != nil else {
            throw .invalidAddress(text, reason: "'\(host)' is not an IPv4 or IPv6 address")
        }
        self.init(host: String(host), port: port)
    }

    /// Whether this is an IPv6 address.
    public var isIPv6: Bool { host.contains(":") }

    /// Whether connections can only come from this machine (127.0.0.0/8 or ::1).
    public var isLoopback: Bool { host.hasPrefix("127.") || host == "::1" }

    public var description: String { isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)" }

    static func family(of host: String) -> Int32? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return AF_INET }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return AF_INET6 }
        return nil
    }
}
