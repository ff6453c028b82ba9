/// Why `HTTPClient.execute` produced no response: what failed, with which server, and whether the request had
/// been sent completely (so that the server may have acted on it).
///
/// Classify by `code`; show `description` to operators:
///
/// ```swift
/// do {
///     let response = try client.execute(request)
/// } catch {
///     if error.code == .connectFailed || (error.code.isTimeout && !error.requestSent) { retryLater() }
///     logger.warning("delivery failed", ["error": .string(error.description)])
/// }
/// ```
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; new kinds may be added.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Sendable {
            case invalidRequest = "invalid request"
            case insecureURL = "insecure URL refused"
            case dnsFailure = "DNS failure"
            case connectFailed = "connect failed"
            case connectTimeout = "connect timeout"
            case requestTimeout = "request timeout"
            case totalTimeout = "total timeout"
            case tlsConfiguration = "TLS configuration error"
            case tlsHandshakeFailed = "TLS handshake failed"
            case certificateHostnameMismatch = "certificate host name mismatch"
            case certificateExpired = "certificate expired"
            case certificateUntrusted = "certificate untrusted"
            case certificateInvalid = "certificate invalid"
            case connectionClosed = "connection closed"
            case malformedResponse = "malformed response"
            case responseTooLarge = "response too large"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The URL, method or a header cannot be sent (syntax, a header the client sets itself, CR/LF in a value).
        public static let invalidRequest = Code(.invalidRequest)
        /// A plain `http://` URL to a host that is not loopback, without `allowInsecureHTTP`.
        public static let insecureURL = Code(.insecureURL)
        /// The host name did not resolve.
        public static let dnsFailure = Code(.dnsFailure)
        /// Every address of the host refused the connection or was unreachable.
        public static let connectFailed = Code(.connectFailed)
        /// Name resolution, TCP connect and TLS handshake did not finish within `connectTimeout`.
        public static let connectTimeout = Code(.connectTimeout)
        /// One attempt (waiting for a pooled connection, connecting, sending, receiving) exceeded `requestTimeout`.
        public static let requestTimeout = Code(.requestTimeout)
        /// The whole call, retries included, exceeded `totalTimeout`.
        public static let totalTimeout = Code(.totalTimeout)
        /// The TLS settings could not be applied (an unreadable or invalid `caFile`); from `HTTPClient.init`.
        public static let tlsConfiguration = Code(.tlsConfiguration)
        /// The TLS handshake failed for a reason other than the certificate (protocol version, alert, reset).
        public static let tlsHandshakeFailed = Code(.tlsHandshakeFailed)
        /// The certificate is valid but names another host (or IP address).
        public static let certificateHostnameMismatch = Code(.certificateHostnameMismatch)
        /// The certificate (or one in its chain) has expired.
        public static let certificateExpired = Code(.certificateExpired)
        /// The chain does not lead to a trusted CA (unknown issuer, self-signed).
        public static let certificateUntrusted = Code(.certificateUntrusted)
        /// The certificate failed verification for another reason (not yet valid, bad signature, revoked…).
        public static let certificateInvalid = Code(.certificateInvalid)
        /// The server closed or reset the connection before the response was complete.
        public static let connectionClosed = Code(.connectionClosed)
        /// The response does not follow HTTP/1.1 (status line, header, framing, content coding).
        public static let malformedResponse = Code(.malformedResponse)
        /// The response head or body exceeds the configured limits.
        public static let responseTooLarge = Code(.responseTooLarge)

        /// Whether this is one of the three timeouts.
        public var isTimeout: Bool { self == .connectTimeout || self == .requestTimeout || self == .totalTimeout }

        /// Whether the server's certificate failed verification.
        public var isCertificateFailure: Bool {
            self == .certificateHostnameMismatch || self == .certificateExpired || self == .certificateUntrusted
                || self == .certificateInvalid
        }

        public var description: String { base.rawValue }
    }

    /// Which of the client's timeouts fired.
    public enum Timeout: Sendable {
        case connect
        case request
        case total

        var code: Code {
            switch self {
            case .connect: .connectTimeout
            case .request: .requestTimeout
            case .total: .totalTimeout
            }
        }
    }

    /// What failed.
    public let code: Code
    /// The server as `host:port` (`[::1]:8080` for IPv6), or empty when the URL did not parse.
    public let server: String
    /// True when every byte of the request had been written before the failure: the server may have received
    /// and acted on it. False when the server cannot have seen a complete request.
    public let requestSent: Bool
    /// What exactly went wrong, in words: OpenSSL's verify reason, the errno text, the limit exceeded.
    public let reason: String

    /// Creates an error; the client does, callers and tests rarely need to.
    public init(code: Code, server: String, requestSent: Bool = false, reason: String) {
        self.code = code
        self.server = server
        self.requestSent = requestSent
        self.reason = reason
    }

    /// `certificate expired (api.example.com:443, request not sent): certificate has expired (X509 verify error 10)`
    public var description: String {
        let place = server.isEmpty ? "" : "\(server), "
        return "\(code) (\(place)request \(requestSent ? "sent" : "not sent")): \(reason)"
    }
}
