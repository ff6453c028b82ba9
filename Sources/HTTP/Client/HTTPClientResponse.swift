/// A complete response: status, headers and the whole body.
///
/// A `gzip` or `deflate` body is decoded (when the client asked for it, i.e. the request had no
/// `Accept-Encoding` of its own); `Content-Encoding` and `Content-Length` are then removed from `headers`, since
/// they describe the bytes on the wire, not `body`.
public struct HTTPClientResponse: Sendable {
    public var status: HTTPStatus
    /// The version the server answered with.
    public var version: HTTPVersion
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Trailer fields after a chunked body (empty otherwise).
    public var trailers: HTTPHeaders

    public init(
        status: HTTPStatus, version: HTTPVersion = .http1_1, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        trailers: HTTPHeaders = HTTPHeaders()
    ) {
        self.status = status
        self.version = version
        self.headers = headers
        self.body = body
        self.trailers = trailers
    }

    /// The body as UTF-8 text (invalid sequences become U+FFFD).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
