import Glibc

/// Everything the HTTP server can be told; every limit has a default.
public struct HTTPServerConfiguration: Sendable {
    /// Where to listen; port 0 picks an ephemeral port (see `HTTPServer.start`'s result).
    public var addresses: [BindAddress]
    /// Event loops (threads), one per core by default.
    public var eventLoopCount: Int
    /// Open connections beyond this get a 503 and are closed.
    public var maxConnections: Int
    /// Time from the connection (or the first byte of a request) to the end of its head; then 408 and close.
    public var headerTimeout: Duration
    /// Time a keep-alive connection may sit with no request before it is closed.
    public var idleTimeout: Duration
    /// Time from the end of the head to the end of the body; then 408 and close.
    public var bodyTimeout: Duration
    /// Request-line and header limits.
    public var parserLimits: HTTPParserLimits
    /// The largest decoded body of a `gzip`/`deflate` request; a larger one gets 413.
    public var maxInflatedBodySize: Int
    /// The `listen(2)` backlog.
    public var backlog: Int32

    public init(
        addresses: [BindAddress] = [BindAddress(host: "127.0.0.1", port: 8080)],
        eventLoopCount: Int = HTTPServerConfiguration.coreCount,
        maxConnections: Int = 10_000,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        bodyTimeout: Duration = .seconds(30),
        parserLimits: HTTPParserLimits = HTTPParserLimits(),
        maxInflatedBodySize: Int = 4 * 1024 * 1024,
        backlog: Int32 = 1024
    ) {
        self.addresses = addresses
        self.eventLoopCount = eventLoopCount
        self.maxConnections = maxConnections
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.bodyTimeout = bodyTimeout
        self.parserLimits = parserLimits
        self.maxInflatedBodySize = maxInflatedBodySize
        self.backlog = backlog
    }

    /// The number of online processors.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }
}
