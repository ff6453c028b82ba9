import HTTP
import JSON
import Rules

/// Signs a body as a provider would, for trying a route by hand (`dealhook sign`) and for tests.
///
/// Written apart from the verifier, from the providers' documentation, so that each checks the other.
public struct SignatureSigner: Sendable {
    /// What a provider adds to a request to sign it.
    public struct Signature: Sendable, Equatable {
        /// Header fields, in the order a provider sends them.
        public var headers: [HTTPHeaders.Field] = []
        /// Query parameters appended to the URL (PandaDoc's `signature`).
        public var queryItems: [HTTPHeaders.Field] = []
        /// Fields set inside the payload (Dropbox Sign's `event.event_hash`), by dotted path.
        public var payloadFields: [HTTPHeaders.Field] = []
    }

    /// Why a body cannot be signed; the message is for the person at the command line.
    public struct SigningError: Error, Sendable, Equatable, CustomStringConvertible {
        public var description: String
    }

    public let settings: SignatureSettings

    public init(_ settings: SignatureSettings) {
        self.settings = settings
    }

    /// The signature of `body` with the first secret, at Unix time `timestamp`, for a request to `url` (the
    /// notification URL, for the schemes that sign it) with message id `eventID` (Standard Webhooks).
    public func sign(body: [UInt8], timestamp: Int, url: String?, eventID: String? = nil)
        throws(SigningError) -> Signature
    {
        guard let secret = settings.secrets.first?.value else { throw SigningError(description: "no secret given") }
        let key = Array(secret.utf8)
        func mac(_ message: [UInt8], _ hashFunction: HashFunction = .sha256) -> [UInt8] {
            HMAC.authenticationCode(for: message, key: key, using: hashFunction)
        }
        func header(_ name: String, _ value: String) -> Signature {
            Signature(headers: [HTTPHeaders.Field(name: name, value: value)])
        }
        let hexOfBody = Hex.encode(mac(body))
        let base64OfBody = Base64.encode(mac(body))
        switch settings.scheme {
        case .preset(.stripe):
            return header(
                "Stripe-Signature", "t=\(timestamp),v1=\(Hex.encode(mac(Array("\(timestamp).".utf8) + body)))")
        case .preset(.calendly):
            return header(
                "Calendly-Webhook-Signature", "t=\(timestamp),v1=\(Hex.encode(mac(Array("\(timestamp).".utf8) + body)))"
            )
        case .preset(.paddle):
            return header(
                "Paddle-Signature", "ts=\(timestamp);h1=\(Hex.encode(mac(Array("\(timestamp):".utf8) + body)))")
        case .preset(.standardWebhooks):
            let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst("whsec_".count)) : secret
            guard let standardKey = Base64.decode(encoded) else {
                throw SigningError(description: "a Standard Webhooks secret is 'whsec_' followed by base64")
            }
            let id = eventID ?? "msg_" + Hex.encode(Array(Digest.sha256(Array("\(timestamp)".utf8) + body).prefix(12)))
            let signature = HMAC.authenticationCode(
                for: Array("\(id).\(timestamp).".utf8) + body, key: standardKey, using: .sha256)
            return Signature(headers: [
                HTTPHeaders.Field(name: "webhook-id", value: id),
                HTTPHeaders.Field(name: "webhook-timestamp", value: "\(timestamp)"),
                HTTPHeaders.Field(name: "webhook-signature", value: "v1,\(Base64.encode(signature))"),
            ])
        case .preset(.github): return header("X-Hub-Signature-256", "sha256=\(hexOfBody)")
        case .preset(.shopify): return header("X-Shopify-Hmac-Sha256", base64OfBody)
        case .preset(.lemonsqueezy): return header("X-Signature", hexOfBody)
        case .preset(.square):
            guard let url = settings.url ?? url else {
                throw SigningError(description: "Square signs the URL: give --url")
            }
            return header("X-Square-HmacSha256-Signature", Base64.encode(mac(Array(url.utf8) + body)))
        case .preset(.paystack): return header("X-Paystack-Signature", Hex.encode(mac(body, .sha512)))
        case .preset(.razorpay): return header("X-Razorpay-Signature", hexOfBody)
        case .preset(.gocardless): return header("Webhook-Signature", hexOfBody)
        case .preset(.woocommerce): return header("X-WC-Webhook-Signature", base64OfBody)
        case .preset(.mollie): return header("X-Mollie-Signature", "sha256=\(hexOfBody)")
        case .preset(.docusign): return header("X-DocuSign-Signature-1", base64OfBody)
        case .preset(.pandadoc):
            return Signature(queryItems: [HTTPHeaders.Field(name: "signature", value: hexOfBody)])
        case .preset(.dropboxSign):
            guard let event = try? JSONValue(parsing: body)["event"],
                let time = event["event_time"]?.stringValue ?? event["event_time"]?.intValue.map(String.init),
                let type = event["event_type"]?.stringValue
            else {
                throw SigningError(
                    description: "Dropbox Sign signs event.event_time and event.event_type: the body has none")
            }
            return Signature(payloadFields: [
                HTTPHeaders.Field(name: "event.event_hash", value: Hex.encode(mac(Array((time + type).utf8))))
            ])
        case .preset(.yousign): return header("X-Yousign-Signature-256", "sha256=\(hexOfBody)")
        case .preset(.typeform): return header("Typeform-Signature", "sha256=\(base64OfBody)")
        case .preset(.adobeSign): return header("X-AdobeSign-ClientId", secret)
        case .basic(let username):
            return header("Authorization", "Basic " + Base64.encode(Array("\(username):\(secret)".utf8)))
        case .token(let name):
            return header(name, name.equalsIgnoringASCIICase("Authorization") ? "Bearer \(secret)" : secret)
        case .hmac(let scheme):
            return try signGeneric(scheme, key: key, body: body, timestamp: timestamp, url: settings.url ?? url)
        }
    }

    private func signGeneric(_ scheme: HMACSignatureScheme, key: [UInt8], body: [UInt8], timestamp: Int, url: String?)
        throws(SigningError) -> Signature
    {
        var message: [UInt8] = []
        for part in scheme.signed.parts {
            switch part {
            case .literal(let text): message += text.utf8
            case .body: message += body
            case .timestamp: message += "\(timestamp)".utf8
            case .url, .path:
                guard let url else { throw SigningError(description: "the signed template reads the URL: give --url") }
                message += (part == .url ? url : Self.target(of: url)).utf8
            case .header(let name):
                throw SigningError(description: "the signed template reads header \(name), which sign cannot supply")
            }
        }
        let hashFunction: HashFunction =
            switch scheme.algorithm {
            case .sha1: .sha1
            case .sha256: .sha256
            case .sha512: .sha512
            }
        let code = HMAC.authenticationCode(for: message, key: key, using: hashFunction)
        var signature = Signature(headers: [
            HTTPHeaders.Field(
                name: scheme.header,
                value: scheme.prefix + (scheme.encoding == .hex ? Hex.encode(code) : Base64.encode(code)))
        ])
        if let timestampHeader = scheme.timestampHeader {
            signature.headers.append(HTTPHeaders.Field(name: timestampHeader, value: "\(timestamp)"))
        }
        return signature
    }

    /// The path and query of an absolute URL (`/hooks/x?a=1`).
    static func target(of url: String) -> String {
        guard let schemeEnd = url.firstRange(of: "://") else { return url }
        let afterHost = url[schemeEnd.upperBound...].drop { $0 != "/" && $0 != "?" }
        return afterHost.isEmpty ? "/" : (afterHost.hasPrefix("?") ? "/" + afterHost : String(afterHost))
    }
}
