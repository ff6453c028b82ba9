/// A request for `HTTPClient.execute`: method, absolute URL, headers and a body held in memory.
///
/// The client sets `Host`, `Content-Length`, `Connection: keep-alive`, and, unless given here, `User-Agent` and
/// `Accept-Encoding: gzip`. A request may not set `Host`, `Content-Length`, `Connection` or other hop-by-hop
/// fields itself; `Transfer-Encoding: chunked` asks for the body to be sent chunked instead of with a length.
///
/// ```swift
/// var request = HTTPClientRequest(method: "POST", url: "https://api.example.com/v1/deals")
/// request.headers.add(name: "Content-Type", value: "application/json")
/// request.body = Array(json.utf8)
/// ```
public struct HTTPClientRequest: Sendable {
    /// The method token, as sent (`GET`, `POST`, …).
    public var method: String
    /// An absolute `https://` (or loopback `http://`) URL; a fragment is dropped, user info is refused.
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The request timeout for this request, instead of the configuration's `requestTimeout` (the total
    /// timeout still applies).
    public var timeout: Duration?

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        timeout: Duration? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
    }

    /// Whether the method is idempotent (RFC 9110 §9.2.2): only such a request is sent again after the
    /// connection was lost once it had gone out.
    public var isIdempotent: Bool {
        ["GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE"].contains(method)
    }
}
