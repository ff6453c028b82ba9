import Glibc

/// An absolute `http` or `https` URL, split into what the client needs: where to connect and what to ask for.
struct ClientURL: Sendable, Equatable {
    enum Scheme: String, Sendable {
        case http
        case https
    }

    var scheme: Scheme
    /// The host, lower-cased; an IPv6 address without its brackets.
    var host: String
    var port: UInt16
    /// The request target in origin form: path and optional query, never empty.
    var target: String

    /// Parses `text`; throws a reason naming what is wrong.
    init(parsing text: String) throws(URLError) {
        guard let separator = text.firstRange(of: "://") else {
            throw URLError(reason: "'\(text)' is not an absolute URL (expected https://host/path)")
        }
        guard let scheme = Scheme(rawValue: text[..<separator.lowerBound].lowercased()) else {
            throw URLError(reason: "scheme '\(text[..<separator.lowerBound])' is not http or https")
        }
        var rest = text[separator.upperBound...]
        if let fragment = rest.firstIndex(of: "#") { rest = rest[..<fragment] }
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.contains("@") else {
            throw URLError(reason: "user information in URL '\(text)' is refused; send credentials in a header")
        }

        var hostPart: Substring
        var portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw URLError(reason: "unclosed '[' in host of '\(text)'")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw URLError(reason: "unexpected '\(after)' after host in '\(text)'")
                }
                portPart = after.dropFirst()
            }
            var address = in6_addr()
            guard inet_pton(AF_INET6, String(hostPart), &address) == 1 else {
                throw URLError(reason: "'\(hostPart)' is not an IPv6 address")
            }
        } else {
            hostPart = authority
            if let colon = authority.firstIndex(of: ":") {
                hostPart = authority[..<colon]
                portPart = authority[authority.index(after: colon)...]
            }
            guard !hostPart.isEmpty else { throw URLError(reason: "no host in URL '\(text)'") }
            guard hostPart.utf8.allSatisfy({ $0.isHostCharacter }) else {
                throw URLError(reason: "invalid character in host '\(hostPart)' (IDNs must be given in punycode)")
            }
        }
        let port: UInt16
        if let portPart {
            guard let number = UInt16(portPart), number > 0, portPart.utf8.allSatisfy(\.isDigit) else {
                throw URLError(reason: "port '\(portPart)' is not a number from 1 to 65535")
            }
            port = number
        } else {
            port = scheme == .https ? 443 : 80
        }

        var target = String(rest[authorityEnd...])
        if target.isEmpty || target.hasPrefix("?") { target = "/" + target }
        if let bad = target.utf8.first(where: { !$0.isTargetCharacter }) {
            throw URLError(
                reason: "character \(bad.hexDescription) in the path or query of '\(text)' must be percent-encoded")
        }
        self.scheme = scheme
        self.host = hostPart.lowercased()
        self.port = port
        self.target = target
    }

    /// Why a URL was refused.
    struct URLError: Error {
        var reason: String
    }

    /// Whether the host is an IPv4 or IPv6 address rather than a name.
    var isIPAddress: Bool { BindAddress.family(of: host) != nil }

    /// Whether the host can only be this machine: 127.0.0.0/8, ::1 or `localhost`.
    var isLoopback: Bool {
        if host == "localhost" { return true }
        switch BindAddress.family(of: host) {
        case AF_INET: return host.hasPrefix("127.")
        case AF_INET6:
            var address = in6_addr()
            inet_pton(AF_INET6, host, &address)
            return withUnsafeBytes(of: &address) { $0.elementsEqual([UInt8](repeating: 0, count: 15) + [1]) }
        default: return false
        }
    }

    /// Whether the port is the scheme's default, so `Host` need not carry it.
    private var isDefaultPort: Bool { port == (scheme == .https ? 443 : 80) }

    /// `host:port`, with brackets around IPv6, for messages and pool keys.
    var server: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// The `Host` header value: the host, and the port unless it is the default.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return isDefaultPort ? name : "\(name):\(port)"
    }
}

extension UInt8 {
    /// Letters, digits, `-`, `.` and `_`: a DNS name or an IPv4 address.
    fileprivate var isHostCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }

    /// Visible ASCII except the characters RFC 3986 never allows unencoded (`"`, `<`, `>`, `\`, `^`, `` ` ``, `{`,
    /// `|`, `}`) and `#`.
    fileprivate var isTargetCharacter: Bool {
        guard self > 0x20, self < 0x7F else { return false }
        return !"\"<>\\^`{|}#".utf8.contains(self)
    }
}
