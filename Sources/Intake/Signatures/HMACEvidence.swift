import HTTP
import Rules

/// What an HMAC scheme finds in a request: the signatures it carries (decoded), the bytes they sign, and the
/// signed time if any.
struct HMACEvidence {
    var hashFunction: HashFunction
    /// Every signature offered; one matching any key suffices.
    var signatures: [[UInt8]]
    /// The bytes the provider signed.
    var message: [UInt8]
    /// The signed Unix time, seconds; nil when the scheme signs none.
    var timestamp: Int?
    /// The provider's event id from a header, for deduplication.
    var eventID: String?

    /// The evidence for `preset` (any preset but Adobe Acrobat Sign, which has no HMAC).
    static func extract(
        _ preset: SignaturePreset, from request: SignedRequest, url: String?
    ) -> Result<HMACEvidence, SignatureFailure> {
        let body = request.body
        func header(_ names: [String], prefix: String = "", optionalPrefix: Bool = false, _ encoding: DigestEncoding)
            -> Result<[[UInt8]], SignatureFailure>
        {
            signaturesInHeader(
                request.headers, names: names, prefix: prefix, optionalPrefix: optionalPrefix, encoding: encoding)
        }
        func evidence(
            _ signatures: Result<[[UInt8]], SignatureFailure>, _ message: [UInt8],
            using hashFunction: HashFunction = .sha256,
            eventID: String? = nil
        ) -> Result<HMACEvidence, SignatureFailure> {
            signatures.map {
                HMACEvidence(hashFunction: hashFunction, signatures: $0, message: message, eventID: eventID)
            }
        }
        let headers = request.headers
        switch preset {
        case .stripe:
            return timestamped(request, header: "Stripe-Signature", separator: ",", keys: ("t", "v1"), joiner: ".")
        case .calendly:
            return timestamped(
                request, header: "Calendly-Webhook-Signature", separator: ",", keys: ("t", "v1"), joiner: ".")
        case .paddle:
            return timestamped(request, header: "Paddle-Signature", separator: ";", keys: ("ts", "h1"), joiner: ":")
        case .standardWebhooks:
            return standardWebhooks(request)
        case .github:
            return evidence(
                header(["X-Hub-Signature-256"], prefix: "sha256=", .hex), body, eventID: headers["X-GitHub-Delivery"])
        case .shopify:
            return evidence(
                header(["X-Shopify-Hmac-Sha256", "Shopify-Hmac-Sha256"], .base64), body,
                eventID: headers["X-Shopify-Event-Id"] ?? headers["X-Shopify-Webhook-Id"])
        case .lemonsqueezy:
            return evidence(header(["X-Signature"], .hex), body)
        case .square:
            guard let url = url ?? request.publicURL else { return .failure(.unknownURL) }
            return evidence(header(["X-Square-HmacSha256-Signature"], .base64), Array(url.utf8) + body)
        case .paystack:
            return evidence(header(["X-Paystack-Signature"], .hex), body, using: .sha512)
        case .razorpay:
            return evidence(header(["X-Razorpay-Signature"], .hex), body, eventID: headers["X-Razorpay-Event-Id"])
        case .gocardless:
            return evidence(header(["Webhook-Signature"], .hex), body)
        case .woocommerce:
            return evidence(header(["X-WC-Webhook-Signature"], .base64), body)
        case .mollie:
            return evidence(header(["X-Mollie-Signature"], prefix: "sha256=", optionalPrefix: true, .hex), body)
        case .docusign:
            return evidence(docuSignSignatures(headers), body)
        case .pandadoc:
            guard let value = request.queryValue(named: "signature") else {
                return .failure(.missingQueryParameter("signature"))
            }
            guard let signature = DigestEncoding.hex.decode(value) else {
                return .failure(.malformedPayload("query parameter 'signature' is not hex"))
            }
            return evidence(.success([signature]), body, eventID: headers["X-PandaDoc-Webhook-Event-Id"])
        case .dropboxSign:
            return DropboxSignEvent.evidence(from: request)
        case .yousign:
            return evidence(header(["X-Yousign-Signature-256"], prefix: "sha256=", .hex), body)
        case .typeform:
            return evidence(header(["Typeform-Signature"], prefix: "sha256=", .base64), body)
        case .adobeSign:
            preconditionFailure("Adobe Acrobat Sign has no HMAC")
        }
    }

    /// The evidence for the generic scheme.
    static func extract(
        _ scheme: HMACSignatureScheme, from request: SignedRequest, url: String?
    ) -> Result<HMACEvidence, SignatureFailure> {
        let encoding: DigestEncoding = scheme.encoding == .hex ? .hex : .base64
        let signatures: [[UInt8]]
        switch signaturesInHeader(request.headers, names: [scheme.header], prefix: scheme.prefix, encoding: encoding) {
        case .success(let found): signatures = found
        case .failure(let failure): return .failure(failure)
        }
        var timestamp: (text: String, value: Int)?
        if let name = scheme.timestampHeader {
            guard let text = request.headers[name] else { return .failure(.missingHeader(name)) }
            guard let value = Int(text) else { return .failure(.malformedHeader(name, "not a Unix time in seconds")) }
            timestamp = (text, value)
        }
        var message: [UInt8] = []
        for part in scheme.signed.parts {
            switch part {
            case .literal(let text): message += text.utf8
            case .body: message += request.body
            case .timestamp: message += (timestamp?.text ?? "").utf8
            case .path: message += request.target.utf8
            case .url:
                guard let url = url ?? request.publicURL else { return .failure(.unknownURL) }
                message += url.utf8
            case .header(let name):
                guard let value = request.headers[name] else { return .failure(.missingHeader(name)) }
                message += value.utf8
            }
        }
        let hashFunction: HashFunction =
            switch scheme.algorithm {
            case .sha1: .sha1
            case .sha256: .sha256
            case .sha512: .sha512
            }
        return .success(
            HMACEvidence(
                hashFunction: hashFunction, signatures: signatures, message: message, timestamp: timestamp?.value))
    }

    /// Every value of the first of `names` present, each `prefix` + encoded signature. Values that do not
    /// decode are skipped; if none decodes, the header is malformed.
    static func signaturesInHeader(
        _ headers: HTTPHeaders, names: [String], prefix: String, optionalPrefix: Bool = false, encoding: DigestEncoding
    ) -> Result<[[UInt8]], SignatureFailure> {
        guard let name = names.first(where: { headers.contains(name: $0) }) else {
            return .failure(.missingHeader(names[0]))
        }
        var signatures: [[UInt8]] = []
        var problem = "not \(encoding.name)"
        for value in headers.values(forName: name) {
            var encoded = value[...]
            if !prefix.isEmpty {
                if encoded.hasPrefix(prefix) {
                    encoded = encoded.dropFirst(prefix.count)
                } else if !optionalPrefix {
                    problem = "expected the prefix '\(prefix)'"
                    continue
                }
            }
            if let signature = encoding.decode(encoded) { signatures.append(signature) }
        }
        guard !signatures.isEmpty else { return .failure(.malformedHeader(name, problem)) }
        return .success(signatures)
    }
}

/// How a digest is written in text.
enum DigestEncoding {
    case hex
    case base64

    var name: String { self == .hex ? "hex" : "base64" }

    func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        self == .hex ? Hex.decode(text) : Base64.decode(text)
    }
}
