import Foundation
import HTTP
import Rules

/// Checks the signatures of one route's requests, as its `signature` settings say.
///
/// ```swift
/// let verifier = SignatureVerifier(settings)
/// if let answer = verifier.handshake(for: request) { return answer }  // a provider's ping: no event
/// switch verifier.verify(request, now: Date()) {
/// case .valid(let eventID): …store the event…, then answer `verifier.acknowledgement(for: request)` or 2xx
/// case .invalid(let failure): logger.warning("signature refused", ["reason": .string(failure.description)])
///     …answer `verifier.rejectionStatus` with `verifier.rejectionHeaders`…
/// }
/// ```
/// Built once per route and config load; `verify` reads only its arguments, so it may run on any thread.
public struct SignatureVerifier: Sendable {
    /// The settings it was built from.
    public let settings: SignatureSettings
    /// The HMAC keys (or credentials) derived from the secrets, in the order written.
    let keys: [[UInt8]]
    /// The same keys made ready for HMAC.
    private let hmacKeys: [HMAC.Key]

    public init(_ settings: SignatureSettings) {
        self.settings = settings
        keys = settings.secrets.filter { !$0.value.isEmpty }.compactMap { secret in
            switch settings.scheme {
            case .preset(.standardWebhooks):
                let text = secret.value.hasPrefix("whsec_") ? secret.value.dropFirst("whsec_".count) : secret.value[...]
                return Base64.decode(text)
            default:
                return Array(secret.value.utf8)
            }
        }
        hmacKeys = keys.map(HMAC.Key.init)
    }

    /// Whether the route can verify anything: false when no secret is set, and every request is then refused
    /// with `SignatureFailure.noSecretConfigured` (`settings.disabledReason` says so at load).
    public var isEnabled: Bool { !keys.isEmpty }

    /// Checks `request`'s signature over its raw body (or what the scheme signs) at time `now`.
    ///
    /// Signatures are compared as decoded bytes in constant time. Timestamped schemes are checked against
    /// `settings.tolerance` after the signature: a stale timestamp is reported only for an authentic request,
    /// so that the log tells a replay or a wrong clock from a forgery.
    public func verify(_ request: SignedRequest, now: Date) -> SignatureVerdict {
        guard isEnabled else { return .invalid(.noSecretConfigured) }
        switch settings.scheme {
        case .basic(let username):
            return BasicCredentials.verify(request, username: username, passwords: keys)
        case .token(let header):
            return TokenCredentials.verify(request, header: header, tokens: keys)
        case .preset(.adobeSign):
            return AdobeSignClientID.verify(request, clientIDs: keys)
        case .preset(let preset):
            return verify(HMACEvidence.extract(preset, from: request, url: settings.url), now: now)
        case .hmac(let scheme):
            return verify(HMACEvidence.extract(scheme, from: request, url: settings.url), now: now)
        }
    }

    private func verify(_ extracted: Result<HMACEvidence, SignatureFailure>, now: Date) -> SignatureVerdict {
        let evidence: HMACEvidence
        switch extracted {
        case .success(let found): evidence = found
        case .failure(let failure): return .invalid(failure)
        }
        let matches = hmacKeys.contains { key in
            let expected = key.authenticationCode(for: evidence.message, using: evidence.hashFunction)
            return evidence.signatures.contains { ConstantTime.equals($0, expected) }
        }
        guard matches else { return .invalid(.noSignatureMatches) }
        if let timestamp = evidence.timestamp {
            let (age, overflow) = Int(now.timeIntervalSince1970.rounded(.down)).subtractingReportingOverflow(timestamp)
            let tolerance = Int(settings.tolerance.components.seconds)
            guard !overflow, age.magnitude <= tolerance.magnitude else {
                let shownAge = overflow ? (timestamp < 0 ? Int.max : Int.min) : age
                return .invalid(.timestampOutsideTolerance(age: shownAge, tolerance: tolerance))
            }
        }
        return .valid(eventID: evidence.eventID)
    }

    /// The answer the provider needs for a request that `verify` accepted, where it needs a particular one;
    /// nil for any 2xx of the intake's choosing.
    ///
    /// Dropbox Sign: 200 with the body `Hello API Event Received`. Adobe Acrobat Sign: 200 echoing the
    /// `X-AdobeSign-ClientId` header (only a configured client id is echoed). Lemon Squeezy: exactly 200.
    public func acknowledgement(for request: SignedRequest) -> HTTPResponse? {
        switch settings.scheme {
        case .preset(.dropboxSign):
            return HTTPResponse(status: .ok, contentType: "text/plain; charset=utf-8", body: "Hello API Event Received")
        case .preset(.adobeSign):
            guard case .valid = AdobeSignClientID.verify(request, clientIDs: keys),
                let clientID = request.headers[AdobeSignClientID.header]
            else { return nil }
            return HTTPResponse(status: .ok, headers: [AdobeSignClientID.header: clientID])
        case .preset(.lemonsqueezy):
            return HTTPResponse(status: .ok)
        default:
            return nil
        }
    }

    /// The answer to a provider's handshake: a request that carries no event, is not signed, and must be
    /// answered for the webhook to be enabled. Check it before `verify`; when non-nil, send it and store nothing.
    ///
    /// WooCommerce: the unsigned ping `webhook_id=N` sent when the webhook is created gets 200. Adobe Acrobat
    /// Sign: the registration `GET` with a configured client id gets 200 with the id echoed.
    public func handshake(for request: SignedRequest) -> HTTPResponse? {
        switch settings.scheme {
        case .preset(.woocommerce):
            guard !request.headers.contains(name: "X-WC-Webhook-Signature"), Self.isWooCommercePing(request.body)
            else { return nil }
            return HTTPResponse(status: .ok)
        case .preset(.adobeSign) where request.method == "GET":
            return acknowledgement(for: request)
        default:
            return nil
        }
    }

    /// The status for a refused request: 401, except GoCardless's documented 498 (Token Invalid).
    public var rejectionStatus: HTTPStatus {
        settings.scheme == .preset(.gocardless) ? HTTPStatus(code: 498) : .unauthorized
    }

    /// Headers for a refused request: Basic authentication's challenge (some senders send credentials only
    /// after one).
    public var rejectionHeaders: HTTPHeaders {
        guard case .basic = settings.scheme else { return HTTPHeaders() }
        return ["WWW-Authenticate": "Basic realm=\"dealhook\", charset=\"UTF-8\""]
    }

    /// WooCommerce's creation ping: the form body `webhook_id=<digits>` and nothing else.
    private static func isWooCommercePing(_ body: [UInt8]) -> Bool {
        let prefix = Array("webhook_id=".utf8)
        guard body.count > prefix.count, body.count <= prefix.count + 20, body.starts(with: prefix) else {
            return false
        }
        return body[prefix.count...].allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }
}
