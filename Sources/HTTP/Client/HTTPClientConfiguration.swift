/// Everything an `HTTPClient` can be told; every limit has a default.
public struct HTTPClientConfiguration: Sendable {
    /// The `User-Agent` sent when a request has none of its own.
    public var userAgent: String
    /// Open connections (busy and idle) per scheme, host and port; callers beyond it wait for one to be free,
    /// within their request timeout.
    public var maxConnectionsPerHost: Int
    /// Time for one new connection: resolving the host's name, the TCP connect and the TLS handshake.
    public var connectTimeout: Duration
    /// Time for one attempt: from asking for a connection (waiting in the pool included) to the last byte of
    /// the response.
    public var requestTimeout: Duration
    /// Time for the whole `execute` call, the retry on a fresh connection after a stale one included.
    public var totalTimeout: Duration
    /// An idle pooled connection older than this is closed instead of reused (servers close idle ones too).
    public var idleConnectionTimeout: Duration
    /// The largest response body accepted, on the wire and again after `gzip`/`deflate` decoding.
    public var maxResponseBodySize: Int
    /// Limits of the response head: `maxRequestLineLength` bounds the status line, the header limits the
    /// header section (and the trailers of a chunked body).
    public var responseHeadLimits: HTTPParserLimits
    /// A PEM file of CA certificates trusted in addition to the system trust store (for private gateways);
    /// config key `teamopipe.ca_file`.
    public var caFile: String?
    /// Allows plain `http://` to any host; by default only loopback hosts (127.0.0.0/8, ::1, `localhost`) may be
    /// reached without TLS. Config key `allow_insecure_http`.
    public var allowInsecureHTTP: Bool

    /// Creates a configuration; the defaults suit an API client: 8 connections per host, 5 s to connect, 30 s per
    /// attempt, 60 s in all, idle connections kept 30 s, responses up to 16 MiB.
    public init(
        userAgent: String = "dealhook",
        maxConnectionsPerHost: Int = 8,
        connectTimeout: Duration = .seconds(5),
        requestTimeout: Duration = .seconds(30),
        totalTimeout: Duration = .seconds(60),
        idleConnectionTimeout: Duration = .seconds(30),
        maxResponseBodySize: Int = 16 * 1024 * 1024,
        responseHeadLimits: HTTPParserLimits = HTTPParserLimits(),
        caFile: String? = nil,
        allowInsecureHTTP: Bool = false
    ) {
        self.userAgent = userAgent
        self.maxConnectionsPerHost = maxConnectionsPerHost
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.totalTimeout = totalTimeout
        self.idleConnectionTimeout = idleConnectionTimeout
        self.maxResponseBodySize = maxResponseBodySize
        self.responseHeadLimits = responseHeadLimits
        self.caFile = caFile
        self.allowInsecureHTTP = allowInsecureHTTP
    }
}
