/// The protocol version of a request: only HTTP/1.0 and HTTP/1.1 are spoken.
public enum HTTPVersion: Sendable, Equatable, CustomStringConvertible {
    case http1_0
    case http1_1

    public var description: String { self == .http1_0 ? "HTTP/1.0" : "HTTP/1.1" }
}

/// The request line and header fields of one request, as parsed from the wire.
public struct HTTPRequestHead: Sendable, Equatable {
    /// The method token, case-sensitive as RFC 9110 §9.1 says (`GET`, `POST`, …).
    public var method: String
    /// The request target as sent (origin form: path and optional query).
    public var target: String
    public var version: HTTPVersion
    public var headers: HTTPHeaders

    public init(method: String, target: String, version: HTTPVersion, headers: HTTPHeaders) {
        self.method = method
        self.target = target
        self.version = version
        self.headers = headers
    }

    /// The path part of the target, without the query.
    public var path: Substring {
        // Searched as bytes: `?` is ASCII, so its index is a character boundary, and a search by `Character`
        // would break the whole target into grapheme clusters on the way (thousands of instructions a request).
        if let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) { return target[..<mark] }
        return target[...]
    }

    /// The query part of the target after `?`, or nil when there is none.
    public var query: Substring? {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return nil }
        return target[target.utf8.index(after: mark)...]
    }

    /// Whether the connection stays open after this request's response (RFC 9112 §9.3).
    public var keepAlive: Bool {
        let connection = headers.tokens(forName: "Connection")
        switch version {
        case .http1_1: return !connection.contains("close")
        case .http1_0: return connection.contains("keep-alive")
        }
    }
}

/// A complete request: its head and its body, de-chunked and decoded from any `Content-Encoding`.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]
    /// Trailer fields sent after a chunked body (empty otherwise).
    public var trailers: HTTPHeaders

    public init(head: HTTPRequestHead, body: [UInt8] = [], trailers: HTTPHeaders = HTTPHeaders()) {
        self.head = head
        self.body = body
        self.trailers = trailers
    }
}
