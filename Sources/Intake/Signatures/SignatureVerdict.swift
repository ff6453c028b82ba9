/// The outcome of checking one request's signature.
public enum SignatureVerdict: Sendable, Equatable {
    /// The request is authentic; `eventID` is the provider's event or delivery id where the scheme carries one
    /// in a header (Standard Webhooks' `webhook-id`, GitHub's `X-GitHub-Delivery`, …), for deduplication.
    case valid(eventID: String?)
    /// The request is refused, for this reason.
    case invalid(SignatureFailure)

    /// Whether the request is authentic.
    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }
}

/// Why a signature was refused, in words safe to log: it names headers and times, never a secret, a signature
/// received or the signature expected.
public struct SignatureFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure, a bounded set fit for a metric label (`kind.name`).
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// A short snake-case name: `missing_header`, `no_match`, …
        public let name: String

        private init(_ name: String) { self.name = name }

        public static let noSecretConfigured = Kind("no_secret")
        public static let missingHeader = Kind("missing_header")
        public static let malformedHeader = Kind("malformed_header")
        public static let missingQueryParameter = Kind("missing_query_parameter")
        public static let malformedPayload = Kind("malformed_payload")
        public static let unknownURL = Kind("unknown_url")
        public static let timestampOutsideTolerance = Kind("stale_timestamp")
        public static let noSignatureMatches = Kind("no_match")
        public static let credentialsRejected = Kind("credentials_rejected")

        public var description: String { name }
    }

    public let kind: Kind
    /// One sentence for the log.
    public let description: String

    private init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }

    /// The route has no usable secret (it should have been disabled at load).
    public static let noSecretConfigured = SignatureFailure(.noSecretConfigured, "no secret is configured")

    /// A header the scheme needs is absent.
    public static func missingHeader(_ name: String) -> SignatureFailure {
        SignatureFailure(.missingHeader, "missing header \(name)")
    }

    /// A header is present but not in the scheme's form; `problem` says how (never quoting the value).
    public static func malformedHeader(_ name: String, _ problem: String) -> SignatureFailure {
        SignatureFailure(.malformedHeader, "malformed header \(name): \(problem)")
    }

    /// The query parameter carrying the signature is absent.
    public static func missingQueryParameter(_ name: String) -> SignatureFailure {
        SignatureFailure(.missingQueryParameter, "missing query parameter '\(name)'")
    }

    /// The payload does not hold what the scheme signs (Dropbox Sign's `event` object).
    public static func malformedPayload(_ problem: String) -> SignatureFailure {
        SignatureFailure(.malformedPayload, "malformed payload: \(problem)")
    }

    /// The scheme signs the notification URL, and neither the settings nor the route name it.
    public static let unknownURL = SignatureFailure(
        .unknownURL,
        "the scheme signs the notification URL, but no URL is set (signature url or the route's public URL)")

    /// The signature is authentic but its time is too far from now: a replay, or a clock off.
    public static func timestampOutsideTolerance(age: Int, tolerance: Int) -> SignatureFailure {
        let when = age >= 0 ? "\(age) s ago" : "\(age.magnitude) s in the future"
        return SignatureFailure(
            .timestampOutsideTolerance, "timestamp outside tolerance: signed \(when), tolerance \(tolerance) s")
    }

    /// Signatures were found, and none is that of a configured secret over this request.
    public static let noSignatureMatches = SignatureFailure(
        .noSignatureMatches, "no signature matches a configured secret")

    /// Basic credentials, a token or a client id were given, and none is a configured one.
    public static let credentialsRejected = SignatureFailure(
        .credentialsRejected, "the credentials do not match the configured ones")
}
