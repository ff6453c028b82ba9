/// What answers requests: the application layer implements it; the server knows nothing else about it.
///
/// `respond` is called on the connection's event loop thread. A responder that answers at once (health,
/// metrics) calls `writer.write` before returning; one that waits for I/O hands the writer to another thread
/// and calls it later, exactly once. Either way, responses on one connection go out in request order.
public protocol HTTPResponder: Sendable {
    /// The largest body, as sent on the wire, accepted for a request with this head. The server refuses a larger
    /// `Content-Length` with 413 before reading the body, and stops reading a chunked one at the limit. (The
    /// decoded size of a compressed body has its own bound, `HTTPServerConfiguration.maxInflatedBodySize`.)
    func bodyLimit(for head: HTTPRequestHead) -> Int

    /// Produces the response to `request` through `writer`.
    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter)
}

/// Facts about a request that are not in its bytes.
public struct HTTPRequestContext: Sendable {
    /// The peer's IP address (no port).
    public var remoteAddress: String
    /// Monotonic time at which the request head was complete, in nanoseconds (see `MonotonicClock`).
    public var receivedAt: UInt64

    /// Hands work to the thread that serves the request's connection (the server's event loop); nil runs it at
    /// once, on the caller's thread.
    private let connectionThread: (@Sendable (@escaping @Sendable () -> Void) -> Void)?

    public init(
        remoteAddress: String, receivedAt: UInt64,
        connectionThread: (@Sendable (@escaping @Sendable () -> Void) -> Void)? = nil
    ) {
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
        self.connectionThread = connectionThread
    }

    /// Runs `work` on the thread that serves the request's connection, soon, or at once on the caller's thread if
    /// there is none (or it has stopped). For an answer that another thread completes: that thread only hands it
    /// over, and the connection's thread, which writes the response anyway, does the rest.
    public func onConnectionThread(_ work: @escaping @Sendable () -> Void) {
        guard let connectionThread else { return work() }
        connectionThread(work)
    }
}

/// Sends the one response of one request, from any thread.
public struct HTTPResponseWriter: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void
    private let drop: @Sendable () -> Void

    /// A writer that hands the response to `deliver` (the server's, or a test's), and an abort to `abort`.
    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void, abort: @escaping @Sendable () -> Void = {}) {
        self.deliver = deliver
        self.drop = abort
    }

    /// Sends the response. Call exactly once per request (or call `abort` instead).
    public func write(_ response: HTTPResponse) {
        deliver(response)
    }

    /// Answers nothing: the connection is reset at once, and any of its output not yet sent is discarded.
    /// For simulating a failure of the network after the server acted (the Teamopipe sandbox's faults).
    public func abort() {
        drop()
    }
}
