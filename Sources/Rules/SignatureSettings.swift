/// How a webhook route's requests prove that they come from the provider. Route key `signature`.
///
/// ```yaml
/// signature: {preset: stripe, secret: "${STRIPE_WEBHOOK_SECRET}"}
/// signature: {preset: github, secrets: ["${GITHUB_SECRET_OLD}", "${GITHUB_SECRET}"]}
/// signature: {preset: hmac, header: X-Signature, prefix: "sha256=", signed: "{timestamp}.{body}",
///             timestamp_header: X-Timestamp, secret: "${SECRET}"}
/// signature: {preset: basic, username: acme, password: "${HOOK_PASSWORD}"}
/// signature: {preset: token, header: X-Hook-Token, token: "${HOOK_TOKEN}"}
/// ```
/// A missing or empty secret is kept (as no secret at all), not refused: the route is then disabled with the
/// warning `disabledReason` gives, so that one unset variable does not stop every other route.
public struct SignatureSettings: Sendable, Equatable {
    /// The default replay window of timestamped schemes (key `tolerance`).
    public static let defaultTolerance: Duration = .seconds(300)

    /// How the signature is carried and computed (key `preset` and the keys of the generic schemes).
    public var scheme: SignatureScheme
    /// The keys that may have signed a request, any match passes (key `secret`, or `secrets` while one is being
    /// rotated; `password` for `basic`, `token` for `token`, `client_id` for `adobe-sign`). Empty values are
    /// dropped: an empty list means the route has no usable secret.
    public var secrets: [Secret]
    /// How far a signed timestamp may be from now, either way (key `tolerance`); timestamped schemes only.
    public var tolerance: Duration
    /// The URL the provider was told to call, exactly as registered (key `url`): Square signs it, `hmac` can
    /// sign it as `{url}`. Nil: the route's public URL.
    public var url: String?
    /// Where `signature` was written, for warnings about the route.
    public var location: SourceLocation?
    /// The dotted key path of the section (`routes.stripe.signature`), for warnings about the route.
    public var path: String

    public init(
        scheme: SignatureScheme, secrets: [Secret], tolerance: Duration = Self.defaultTolerance, url: String? = nil,
        location: SourceLocation? = nil, path: String = "signature"
    ) {
        self.scheme = scheme
        self.secrets = secrets.filter { !$0.value.isEmpty }
        self.tolerance = tolerance
        self.url = url
        self.location = location
        self.path = path
    }

    /// Why the route cannot verify anything, for a warning at load (`…: signature.secret is empty; the route is
    /// disabled`); nil when it has a secret.
    public var disabledReason: ConfigError? {
        guard secrets.isEmpty else { return nil }
        return ConfigError(
            location: location, message: "\(path).\(scheme.secretKey) is missing or empty; the route is disabled")
    }
}

/// How a signature is carried and checked.
public enum SignatureScheme: Sendable, Equatable {
    /// One provider's documented scheme.
    case preset(SignaturePreset)
    /// A generic HMAC in a header (`preset: hmac`).
    case hmac(HMACSignatureScheme)
    /// HTTP Basic authentication with this user name; the password is the secret (`preset: basic`).
    case basic(username: String)
    /// A static token in a header, compared whole (`Authorization` also accepts `Bearer <token>`); the token is
    /// the secret (`preset: token`).
    case token(header: String)

    /// The config name of the scheme (`stripe`, `hmac`, `basic`, `token`).
    public var name: String {
        switch self {
        case .preset(let preset): preset.rawValue
        case .hmac: "hmac"
        case .basic: "basic"
        case .token: "token"
        }
    }

    /// The key that holds the secret in the config.
    var secretKey: String {
        switch self {
        case .preset(.adobeSign): "client_id"
        case .basic: "password"
        case .token: "token"
        default: "secret"
        }
    }
}

/// The providers whose signature schemes are built in, by their config names.
public enum SignaturePreset: String, Sendable, Hashable, CaseIterable {
    case stripe
    /// Standard Webhooks and Svix (`webhook-*` or `svix-*` headers).
    case standardWebhooks = "standard-webhooks"
    case github
    case shopify
    /// Paddle Billing.
    case paddle
    case lemonsqueezy
    case square
    case paystack
    case razorpay
    case gocardless
    case woocommerce
    /// Mollie's next-generation webhooks (classic Mollie webhooks are not signed).
    case mollie
    /// DocuSign Connect with HMAC.
    case docusign
    case pandadoc
    /// Dropbox Sign (HelloSign): the hash covers the event's time and type, not the body.
    case dropboxSign = "dropbox-sign"
    case yousign
    case typeform
    case calendly
    /// Adobe Acrobat Sign: no signature; the client id header is checked against `client_id` and echoed.
    case adobeSign = "adobe-sign"

    /// Whether the scheme signs a timestamp, so that `tolerance` applies.
    public var isTimestamped: Bool {
        switch self {
        case .stripe, .standardWebhooks, .paddle, .calendly: true
        default: false
        }
    }
}

/// The generic HMAC scheme (`preset: hmac`): `prefix` + encoded HMAC of the `signed` template, in `header`.
public struct HMACSignatureScheme: Sendable, Equatable {
    /// The header carrying the signature (key `header`, required).
    public var header: String
    /// The hash function (key `algorithm`: `sha1`, `sha256` (default) or `sha512`).
    public var algorithm: Algorithm
    /// How the code is written (key `encoding`: `hex` (default, either case) or `base64`).
    public var encoding: Encoding
    /// Text before the encoded code, such as `sha256=` (key `prefix`; default none).
    public var prefix: String
    /// What is signed (key `signed`; default `{body}`).
    public var signed: SignedTemplate
    /// The header carrying the Unix time in seconds that `{timestamp}` stands for (key `timestamp_header`).
    public var timestampHeader: String?

    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case sha1
        case sha256
        case sha512
    }

    public enum Encoding: String, Sendable, Hashable, CaseIterable {
        case hex
        case base64
    }

    public init(
        header: String, algorithm: Algorithm = .sha256, encoding: Encoding = .hex, prefix: String = "",
        signed: SignedTemplate = SignedTemplate([.body]), timestampHeader: String? = nil
    ) {
        self.header = header
        self.algorithm = algorithm
        self.encoding = encoding
        self.prefix = prefix
        self.signed = signed
        self.timestampHeader = timestampHeader
    }
}
