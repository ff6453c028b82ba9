import Synchronization

/// A blocking HTTP/1.1 client with TLS (OpenSSL), keep-alive and a bounded pool of connections per host.
///
/// `execute` blocks the calling thread until the response is complete or a timeout passes; call it from
/// Dispatch work queues or other threads, as many at once as needed: it is thread-safe, and callers beyond
/// `maxConnectionsPerHost` wait for a connection to be free.
///
/// ```swift
/// let client = try HTTPClient(configuration: HTTPClientConfiguration(userAgent: "dealhook/1.0"))
/// var request = HTTPClientRequest(method: "POST", url: "https://api.example.com/v1/deals", body: json)
/// request.headers.add(name: "Content-Type", value: "application/json")
/// let response = try client.execute(request)
/// ```
///
/// Plain `http://` is refused except to loopback hosts, unless `allowInsecureHTTP` is set. A keep-alive
/// connection that the server closed while it sat in the pool is noticed before use and replaced. If a reused
/// connection is lost after the request went out but before any response byte arrived, the request is sent once
/// more on a new connection only when its method is idempotent; otherwise the error says `requestSent`.
public final class HTTPClient: Sendable {
    /// The settings this client was created with.
    public let configuration: HTTPClientConfiguration
    private let pool: ConnectionPool
    private let tls: TLSContext
    private let counters = Counters()
    /// Looks host names up within the connect timeout.
    private let resolver: AddressResolver

    private final class Counters: Sendable {
        let opened = Atomic<Int>(0)
        let reused = Atomic<Int>(0)
        let stale = Atomic<Int>(0)
        let retries = Atomic<Int>(0)
    }

    /// Creates a client; throws `.tlsConfiguration` when `caFile` cannot be read or holds no valid certificate.
    public convenience init(
        configuration: HTTPClientConfiguration = HTTPClientConfiguration()
    ) throws(HTTPClientError) {
        try self.init(configuration: configuration, resolver: AddressResolver())
    }

    /// A client that looks host names up through `resolver`.
    init(configuration: HTTPClientConfiguration, resolver: AddressResolver) throws(HTTPClientError) {
        self.resolver = resolver
        do {
            tls = try TLSContext(caFile: configuration.caFile)
        } catch {
            throw HTTPClientError(code: .tlsConfiguration, server: "", reason: error.reason)
        }
        self.configuration = configuration
        pool = ConnectionPool(
            maxConnectionsPerHost: configuration.maxConnectionsPerHost,
            idleTimeout: configuration.idleConnectionTimeout)
    }

    /// Counters since the client was created.
    public var statistics: HTTPClientStatistics {
        HTTPClientStatistics(
            connectionsOpened: counters.opened.load(ordering: .relaxed),
            connectionsReused: counters.reused.load(ordering: .relaxed),
            staleConnectionsDiscarded: counters.stale.load(ordering: .relaxed),
            retries: counters.retries.load(ordering: .relaxed))
    }

    /// Closes the idle pooled connections (connections in use are closed when their request ends).
    public func closeIdleConnections() {
        pool.closeIdle()
    }

    /// Sends `request` and returns the complete response, whatever its status; throws when there is none.
    ///
    /// Blocks for at most `totalTimeout` (each attempt at most `requestTimeout`, each new connection at most
    /// `connectTimeout` of it), plus the time name resolution takes.
    public func execute(_ request: HTTPClientRequest) throws(HTTPClientError) -> HTTPClientResponse {
        let total = Deadline(after: configuration.totalTimeout, timeout: .total)
        let url: ClientURL
        do {
            url = try ClientURL(parsing: request.url)
        } catch {
            throw HTTPClientError(code: .invalidRequest, server: "", reason: error.reason)
        }
        guard url.scheme == .https || url.isLoopback || configuration.allowInsecureHTTP else {
            throw HTTPClientError(
                code: .insecureURL, server: url.server,
                reason: "plain http:// is only allowed to loopback hosts (127.0.0.0/8, ::1, localhost); "
                    + "use https:// or set allow_insecure_http: true")
        }
        let encoded: (bytes: [UInt8], decodesContent: Bool)
        do {
            encoded = try RequestEncoder.encode(request, url: url, userAgent: configuration.userAgent)
        } catch {
            throw HTTPClientError(code: .invalidRequest, server: url.server, reason: error.reason)
        }
        let exchange = Exchange(
            url: url, method: request.method, bytes: encoded.bytes, decodesContent: encoded.decodesContent)
        var mayRetry = true
        while true {
            let deadline = Deadline(after: request.timeout ?? configuration.requestTimeout, timeout: .request).earliest(
                total)
            do throws(AttemptFailure) {
                return try attempt(exchange, deadline: deadline)
            } catch {
                guard mayRetry, error.allowsRetry(idempotent: request.isIdempotent) else { throw error.error }
                mayRetry = false
                counters.retries.add(1, ordering: .relaxed)
            }
        }
    }

    /// What one request needs on the wire, prepared once for every attempt.
    private struct Exchange {
        var url: ClientURL
        var method: String
        var bytes: [UInt8]
        var decodesContent: Bool

        var key: ConnectionPool.Key { ConnectionPool.Key(scheme: url.scheme.rawValue, host: url.host, port: url.port) }
    }

    /// A failed attempt, with what decides whether another one is safe.
    private struct AttemptFailure: Error {
        var error: HTTPClientError
        /// The attempt used a pooled connection, which the server may have closed just as it was used.
        var onReusedConnection = false
        var bytesSent = 0
        var responseStarted = false
        var connectionLost = false

        /// Another attempt on a new connection is safe when a reused connection was lost before any response byte,
        /// and the server cannot have acted on the request: nothing of it was sent, or the method is idempotent.
        func allowsRetry(idempotent: Bool) -> Bool {
            onReusedConnection && connectionLost && !responseStarted && (bytesSent == 0 || idempotent)
        }
    }

    private enum ExchangeFailure: Error {
        case transport(TransportError, phase: String)
        case response(ResponseDecoder.Failure)
    }

    private func attempt(_ exchange: Exchange, deadline: Deadline) throws(AttemptFailure) -> HTTPClientResponse {
        let key = exchange.key
        let (connection, reused) = try checkOut(exchange.url, key: key, deadline: deadline)
        var decoder = ResponseDecoder(
            requestMethod: exchange.method, limits: configuration.responseHeadLimits,
            maxBodySize: configuration.maxResponseBodySize, decodesContent: exchange.decodesContent)
        var sent = 0
        do throws(ExchangeFailure) {
            try send(exchange.bytes, on: connection, sent: &sent, deadline: deadline)
            let (response, reusable) = try receive(on: connection, into: &decoder, deadline: deadline)
            connection.requestsServed += 1
            pool.release(key, connection: reusable ? connection : nil)
            return response
        } catch {
            pool.release(key, connection: nil)
            let requestSent = sent == exchange.bytes.count
            var failure = AttemptFailure(
                error: HTTPClientError(code: .connectionClosed, server: exchange.url.server, reason: ""),
                onReusedConnection: reused, bytesSent: sent, responseStarted: decoder.hasReceivedBytes)
            switch error {
            case .transport(.timedOut, let phase):
                failure.error = timeoutError(deadline, server: exchange.url.server, requestSent: requestSent, phase)
            case .transport(let transportError, let phase):
                failure.connectionLost = transportError.isConnectionLoss
                failure.error = HTTPClientError(
                    code: .connectionClosed, server: exchange.url.server, requestSent: requestSent,
                    reason: "\(transportError.reason) while \(phase)")
            case .response(let responseFailure):
                let (code, reason): (HTTPClientError.Code, String)
                switch responseFailure {
                case .malformed(let text): (code, reason) = (.malformedResponse, text)
                case .tooLarge(let text): (code, reason) = (.responseTooLarge, text)
                case .closedEarly(let text):
                    (code, reason) = (.connectionClosed, text)
                    failure.connectionLost = true
                }
                failure.error = HTTPClientError(
                    code: code, server: exchange.url.server, requestSent: requestSent, reason: reason)
            }
            throw failure
        }
    }

    /// A connection for `key`: a pooled one that is still open, or a new one.
    private func checkOut(
        _ url: ClientURL, key: ConnectionPool.Key, deadline: Deadline
    ) throws(AttemptFailure) -> (ClientConnection, reused: Bool) {
        while true {
            guard let lease = pool.lease(key, deadline: deadline) else {
                let phase = "waiting for one of the \(configuration.maxConnectionsPerHost) connections to be free"
                throw AttemptFailure(error: timeoutError(deadline, server: url.server, requestSent: false, phase))
            }
            switch lease {
            case .reuse(let connection):
                guard !connection.transport.isStale() else {
                    pool.release(key, connection: nil)
                    counters.stale.add(1, ordering: .relaxed)
                    continue
                }
                counters.reused.add(1, ordering: .relaxed)
                return (connection, true)
            case .connect:
                do {
                    let connection = try connect(url, deadline: deadline)
                    counters.opened.add(1, ordering: .relaxed)
                    return (connection, false)
                } catch {
                    pool.release(key, connection: nil)
                    throw AttemptFailure(error: error)
                }
            case .wait:
                preconditionFailure("the pool answered .wait to a caller it should have kept waiting")
            }
        }
    }

    /// Opens a TCP connection, with a TLS session over it for `https`, within `connectTimeout` (and `deadline`).
    private func connect(_ url: ClientURL, deadline: Deadline) throws(HTTPClientError) -> ClientConnection {
        let connectDeadline = Deadline(after: configuration.connectTimeout, timeout: .connect).earliest(deadline)
        let server = url.server
        let socket: ClientSocket
        do {
            socket = try ClientSocket.connect(
                host: url.host, port: url.port, isIPAddress: url.isIPAddress,
                loopbackOnly: url.scheme == .http && !configuration.allowInsecureHTTP, deadline: connectDeadline,
                resolver: resolver)
        } catch {
            switch error {
            case .resolution(let message):
                throw HTTPClientError(
                    code: .dnsFailure, server: server, reason: "cannot resolve '\(url.host)': \(message)")
            case .resolutionTimedOut:
                throw timeoutError(connectDeadline, server: server, requestSent: false, "resolving '\(url.host)'")
            case .failed(let failures):
                throw HTTPClientError(
                    code: .connectFailed, server: server,
                    reason: "no address accepted: \(failures.joined(separator: "; "))")
            case .timedOut(let address):
                throw timeoutError(connectDeadline, server: server, requestSent: false, "connecting to \(address)")
            }
        }
        guard url.scheme == .https else { return ClientConnection(transport: socket) }
        do {
            let session = try tls.connect(
                socket: socket, host: url.host, isIPAddress: url.isIPAddress, deadline: connectDeadline)
            return ClientConnection(transport: session)
        } catch {
            switch error {
            case .certificate(let problem, let reason):
                let code: HTTPClientError.Code =
                    switch problem {
                    case .hostnameMismatch: .certificateHostnameMismatch
                    case .expired: .certificateExpired
                    case .untrusted: .certificateUntrusted
                    case .other: .certificateInvalid
                    }
                throw HTTPClientError(code: code, server: server, reason: "certificate verification failed: \(reason)")
            case .protocolFailure(let reason):
                throw HTTPClientError(code: .tlsHandshakeFailed, server: server, reason: reason)
            case .transport(.timedOut):
                throw timeoutError(connectDeadline, server: server, requestSent: false, "in the TLS handshake")
            case .transport(let transportError):
                throw HTTPClientError(
                    code: .tlsHandshakeFailed, server: server, reason: "\(transportError.reason) in the TLS handshake")
            case .closed:
                throw HTTPClientError(
                    code: .tlsHandshakeFailed, server: server,
                    reason: "server closed the connection in the TLS handshake")
            }
        }
    }

    private func send(
        _ bytes: [UInt8], on connection: ClientConnection, sent: inout Int, deadline: Deadline
    ) throws(ExchangeFailure) {
        while sent < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Result { () throws(TransportError) in
                    try connection.transport.write(UnsafeRawBufferPointer(rebasing: raw[sent...]), deadline: deadline)
                }
            }
            switch written {
            case .success(let count): sent += count
            case .failure(let error): throw .transport(error, phase: "sending the request")
            }
        }
    }

    private func receive(
        on connection: ClientConnection, into decoder: inout ResponseDecoder, deadline: Deadline
    ) throws(ExchangeFailure) -> (HTTPClientResponse, reusable: Bool) {
        while true {
            let progress: Result<ResponseDecoder.Progress, ResponseDecoder.Failure>
            do {
                let count = try connection.transport.read(into: connection.readBuffer, deadline: deadline)
                progress =
                    count == 0
                    ? decoder.receiveEnd()
                    : decoder.receive(UnsafeRawBufferPointer(rebasing: connection.readBuffer[..<count]))
            } catch .uncleanClose {
                progress = decoder.receiveEnd(clean: false)
            } catch {
                let phase = decoder.hasReceivedBytes ? "reading the response" : "waiting for the response"
                throw .transport(error, phase: phase)
            }
            switch progress {
            case .success(.needMore): continue
            case .success(.complete(let response, let reusable)): return (response, reusable)
            case .failure(let failure): throw .response(failure)
            }
        }
    }

    private func timeoutError(
        _ deadline: Deadline, server: String, requestSent: Bool, _ phase: String
    ) -> HTTPClientError {
        HTTPClientError(
            code: deadline.timeout.code, server: server, requestSent: requestSent,
            reason: "\(deadline.timeout) timeout of \(deadline.length) passed while \(phase)")
    }
}
