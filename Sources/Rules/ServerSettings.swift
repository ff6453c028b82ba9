/// The HTTP server's settings: where it listens and the limits it holds every connection to.
///
/// Config section `server`; every field has a default, so the section may be left out.
public struct ServerSettings: Sendable, Equatable {
    /// Addresses to listen on, `host:port` each (key `listen`: a string or a list of strings). The
    /// environment variable `DEALHOOK_LISTEN`, a comma-separated list, replaces it when set.
    public var listen: [String]
    /// Open connections at most; more wait in the listen backlog (key `max_connections`).
    public var maxConnections: Int
    /// Time allowed from a connection's first byte (or the end of its previous request) to the end of the
    /// request head (key `header_timeout`).
    public var headerTimeout: Duration
    /// Time a kept-alive connection may sit idle between requests (key `idle_timeout`).
    public var idleTimeout: Duration
    /// Time allowed to receive a request body (key `body_timeout`).
    public var bodyTimeout: Duration
    /// Time in-flight requests get to finish on shutdown before connections are closed (key
    /// `shutdown_timeout`).
    public var shutdownTimeout: Duration
    /// Largest request body accepted as sent, in bytes (key `max_body_size`, a byte size such as `1MiB`).
    public var maxBodySize: Int
    /// Largest request body accepted after content decoding (gzip, deflate), in bytes (key
    /// `max_inflated_body_size`).
    public var maxInflatedBodySize: Int
    /// Longest request line (method, target, version), in bytes (key `max_request_line`).
    public var maxRequestLine: Int
    /// Largest request head after the request line, in bytes (key `max_header_size`).
    public var maxHeaderSize: Int
    /// Most header fields in one request (key `max_header_count`).
    public var maxHeaderCount: Int

    public init(
        listen: [String] = ["127.0.0.1:8080"],
        maxConnections: Int = 10_000,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(30),
        shutdownTimeout: Duration = .seconds(15),
        maxBodySize: Int = 1 << 20,
        maxInflatedBodySize: Int = 4 << 20,
        maxRequestLine: Int = 8 << 10,
        maxHeaderSize: Int = 64 << 10,
        maxHeaderCount: Int = 100
    ) {
        self.listen = listen
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.shutdownTimeout = shutdownTimeout
        self.maxBodySize = maxBodySize
        self.maxInflatedBodySize = maxInflatedBodySize
        self.maxRequestLine = maxRequestLine
        self.maxHeaderSize = maxHeaderSize
        self.maxHeaderCount = maxHeaderCount
    }
}
