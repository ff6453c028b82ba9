import JSON

/// One call to the Teamopipe API, relative to its base URL.
public struct TeamopipeRequest: Sendable, Equatable {
    public var method: String
    /// The path below the base URL with its query, e.g. `/deals?contact_email=a%40b.c`.
    public var path: String
    public var body: JSONValue?
    /// Sent as `Idempotency-Key` (every POST has one).
    public var idempotencyKey: String?

    public init(method: String, path: String, body: JSONValue? = nil, idempotencyKey: String? = nil) {
        self.method = method
        self.path = path
        self.body = body
        self.idempotencyKey = idempotencyKey
    }
}

/// What the API answered.
public struct TeamopipeResponse: Sendable, Equatable {
    public var status: Int
    /// Header values by lowercased name.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// A call that got no HTTP answer: refused, timed out, reset, or a TLS failure.
public struct TeamopipeTransportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Whether the request had been sent in full, so the API may have acted on it.
    public var requestSent: Bool
    /// Whether retrying cannot help (a certificate that fails verification, an insecure URL refused).
    public var isPermanent: Bool

    public init(message: String, requestSent: Bool, isPermanent: Bool = false) {
        self.message = message
        self.requestSent = requestSent
        self.isPermanent = isPermanent
    }

    public var description: String { message }
}

/// Carries requests to the API: HTTPS in production, plain HTTP to the sandbox on loopback.
public protocol TeamopipeTransport: Sendable {
    func send(_ request: TeamopipeRequest) throws(TeamopipeTransportError) -> TeamopipeResponse
}
