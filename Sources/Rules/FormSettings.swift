import Glibc

/// How a form route decodes, guards and answers its posts: the route keys of `docs/forms.md`, typed.
///
/// ```yaml
/// - name: website-contact
///   path: /forms/contact
///   kind: form
///   redirect: https://www.example.com/thanks
///   error_redirect: https://www.example.com/contact
///   allowed_redirects: ["https://www.example.com/thanks/*"]
///   allowed_origins: [https://www.example.com]
///   honeypot: _gotcha
///   min_fill_time: 3s
///   fill_time_secret: ${FORM_SECRET}
///   rate_limit: 10/min
///   trusted_proxies: [10.0.0.0/8]
///   captcha: {provider: turnstile, secret: "${TURNSTILE_SECRET}"}
///   files: drop
/// ```
/// Every key is optional; a route with none decodes with the default limits, refuses files, checks no origin,
/// guards against nothing and answers with a built-in page.
public struct FormSettings: Sendable, Equatable {
    /// Default of `max_fields`.
    public static let defaultMaxFields = 100
    /// Default of `max_field_size`: 64 KiB.
    public static let defaultMaxFieldSize = 64 << 10
    /// Default of `fill_time_field`.
    public static let defaultFillTimeField = "_ts"
    /// Default of `fill_time_max_age`: one day.
    public static let defaultFillTimeMaxAge: Duration = .seconds(86_400)
    /// Default of `rate_limit_clients`.
    public static let defaultRateLimitClients = 10_000
    /// Default of `captcha.timeout`.
    public static let defaultCaptchaTimeout: Duration = .seconds(5)
    /// The form field a page may name its own thank-you URL in (honoured only when `allowed_redirects` allows it).
    public static let nextField = "_next"

    /// What a body may hold (keys `max_fields`, `max_field_size`, `files`, and the route's `max_body_size`).
    public var limits: Limits
    /// Where a classic post goes once accepted (key `redirect`); nil: a built-in thank-you page.
    public var redirect: String?
    /// Where a classic post goes when a field is invalid, with `?error=…&field=…` (key `error_redirect`); nil: a
    /// built-in page listing the problems.
    public var errorRedirect: String?
    /// Which `_next` fields are honoured (key `allowed_redirects`); empty: none.
    public var allowedRedirects: [RedirectPattern]
    /// The origins whose pages may post, by `fetch()` or classically (key `allowed_origins`); nil: any, and no
    /// CORS headers are sent.
    public var allowedOrigins: AllowedOrigins?
    /// A field that people leave empty and bots fill in (key `honeypot`).
    public var honeypot: String?
    /// The signed-timestamp check (keys `min_fill_time`, `fill_time_field`, `fill_time_secret`,
    /// `fill_time_max_age`).
    public var fillTime: FillTime?
    /// Posts per client IP (keys `rate_limit`, `rate_limit_clients`).
    public var rateLimit: RateLimit?
    /// Peers whose `X-Forwarded-For` is believed (key `trusted_proxies`).
    public var trustedProxies: [ProxyRange]
    /// The CAPTCHA verified server-side (key `captcha`).
    public var captcha: Captcha?

    public init(
        limits: Limits = Limits(), redirect: String? = nil, errorRedirect: String? = nil,
        allowedRedirects: [RedirectPattern] = [], allowedOrigins: AllowedOrigins? = nil, honeypot: String? = nil,
        fillTime: FillTime? = nil, rateLimit: RateLimit? = nil, trustedProxies: [ProxyRange] = [],
        captcha: Captcha? = nil
    ) {
        self.limits = limits
        self.redirect = redirect
        self.errorRedirect = errorRedirect
        self.allowedRedirects = allowedRedirects
        self.allowedOrigins = allowedOrigins
        self.honeypot = honeypot
        self.fillTime = fillTime
        self.rateLimit = rateLimit
        self.trustedProxies = trustedProxies
        self.captcha = captcha
    }

    /// What a form body may hold.
    public struct Limits: Sendable, Equatable {
        /// Most fields, every value of a repeated name and every multipart part counted (key `max_fields`).
        public var maxFields: Int
        /// Largest value of one field, in bytes after decoding (key `max_field_size`).
        public var maxFieldSize: Int
        /// Largest body in bytes (key `max_body_size`, shared with the route's body limit); nil: no limit here.
        public var maxBodySize: Int?
        /// What happens to multipart file parts (key `files`).
        public var files: FilePolicy

        public init(
            maxFields: Int = FormSettings.defaultMaxFields, maxFieldSize: Int = FormSettings.defaultMaxFieldSize,
            maxBodySize: Int? = nil, files: FilePolicy = .refuse
        ) {
            self.maxFields = maxFields
            self.maxFieldSize = maxFieldSize
            self.maxBodySize = maxBodySize
            self.files = files
        }

        /// No limit at all: for query strings and webhook bodies, which the body limit alone bounds.
        public static let unlimited = Limits(maxFields: .max, maxFieldSize: .max, files: .drop)
    }

    /// What happens to a file part of a multipart body.
    public enum FilePolicy: String, Sendable, Hashable, CaseIterable {
        /// The post is refused with 400 (the default: a contact form has no file input, a bot may try one).
        case refuse
        /// The file is left out of the form; the text fields are kept.
        case drop
    }

    /// An entry of `allowed_redirects`: an exact URL, or a prefix ending in `*`.
    public enum RedirectPattern: Sendable, Hashable, CustomStringConvertible {
        case exact(String)
        /// The text before the `*`; it ends in `/` after the host, so that no other host can match.
        case prefix(String)

        /// Whether `url` is allowed; it must also be a redirect target with no tricks (see `isSafeTarget`).
        public func matches(_ url: String) -> Bool {
            guard FormSettings.isSafeTarget(url) else { return false }
            switch self {
            case .exact(let allowed): return url == allowed
            case .prefix(let allowed): return url.utf8.starts(with: allowed.utf8)
            }
        }

        public var description: String {
            switch self {
            case .exact(let url): url
            case .prefix(let prefix): prefix + "*"
            }
        }
    }

    /// The value of `allowed_origins`.
    public enum AllowedOrigins: Sendable, Hashable {
        /// `*`: every origin; `Access-Control-Allow-Origin: *`.
        case any
        /// These origins (`https://www.example.com`, lower-cased, no path), compared exactly.
        case list([String])

        /// Whether a request's `Origin` value is allowed.
        public func allows(_ origin: String) -> Bool {
            switch self {
            case .any: true
            case .list(let origins): origins.contains(origin.lowercased())
            }
        }
    }

    /// The minimum fill time check: the page carries a token `<unix seconds>.<hex HMAC-SHA256 of them>` in
    /// `field`, issued when it was shown; a post sooner than `minimum` after that, or later than `maxAge`, or
    /// without a valid token, is spam.
    public struct FillTime: Sendable, Equatable {
        /// Key `min_fill_time`.
        public var minimum: Duration
        /// Key `fill_time_field` (default `_ts`).
        public var field: String
        /// Key `fill_time_secret`, or the global secret the loader was given.
        public var secret: Secret
        /// Key `fill_time_max_age` (default one day).
        public var maxAge: Duration

        public init(
            minimum: Duration, field: String = FormSettings.defaultFillTimeField, secret: Secret,
            maxAge: Duration = FormSettings.defaultFillTimeMaxAge
        ) {
            self.minimum = minimum
            self.field = field
            self.secret = secret
            self.maxAge = maxAge
        }
    }

    /// A token bucket per client IP: `rate.count` posts at once, refilled at that many per `rate.interval`.
    public struct RateLimit: Sendable, Equatable {
        /// Key `rate_limit`.
        public var rate: Rate
        /// Most clients remembered (key `rate_limit_clients`); beyond, the least recently seen are forgotten.
        public var maxClients: Int

        public init(rate: Rate, maxClients: Int = FormSettings.defaultRateLimitClients) {
            self.rate = rate
            self.maxClients = maxClients
        }
    }

    /// A CAPTCHA provider's server-side check.
    public struct Captcha: Sendable, Equatable {
        /// Key `provider`.
        public var provider: CaptchaProvider
        /// Key `secret`: the site's secret key at the provider.
        public var secret: Secret
        /// Key `verify_url` (default: the provider's siteverify endpoint); for tests and private proxies.
        public var verifyURL: String
        /// Key `timeout` (default 5s): how long the provider may take to answer.
        public var timeout: Duration

        public init(
            provider: CaptchaProvider, secret: Secret, verifyURL: String? = nil,
            timeout: Duration = FormSettings.defaultCaptchaTimeout
        ) {
            self.provider = provider
            self.secret = secret
            self.verifyURL = verifyURL ?? provider.verifyURL
            self.timeout = timeout
        }
    }

    /// The CAPTCHA services whose siteverify protocol is built in.
    public enum CaptchaProvider: String, Sendable, Hashable, CaseIterable {
        /// Cloudflare Turnstile.
        case turnstile
        case hcaptcha
        /// Google reCAPTCHA (v2 and v3; a v3 score is not checked).
        case recaptcha

        /// The form field the provider's widget fills with its response token.
        public var responseField: String {
            switch self {
            case .turnstile: "cf-turnstile-response"
            case .hcaptcha: "h-captcha-response"
            case .recaptcha: "g-recaptcha-response"
            }
        }

        /// The provider's documented siteverify endpoint.
        public var verifyURL: String {
            switch self {
            case .turnstile: "https://challenges.cloudflare.com/turnstile/v0/siteverify"
            case .hcaptcha: "https://api.hcaptcha.com/siteverify"
            case .recaptcha: "https://www.google.com/recaptcha/api/siteverify"
            }
        }
    }

    /// An entry of `trusted_proxies`: an IPv4 or IPv6 address, or a CIDR range (`10.0.0.0/8`, `fd00::/8`).
    public struct ProxyRange: Sendable, Hashable, CustomStringConvertible {
        /// The network's address bytes: 4 for IPv4, 16 for IPv6.
        public var network: [UInt8]
        public var prefixLength: Int

        /// Reads `address` or `address/prefix`; nil when it is neither.
        public init?(parsing text: String) {
            let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let address = Self.address(String(parts[0])) else { return nil }
            var length = address.count * 8
            if parts.count == 2 {
                guard let given = Int(parts[1]), given >= 0, given <= length, parts[1].allSatisfy(\.isNumber) else {
                    return nil
                }
                length = given
            }
            network = address
            prefixLength = length
        }

        /// Whether `address` (an IP address as text) is in the range. IPv4-mapped IPv6 (`::ffff:10.0.0.1`)
        /// counts as its IPv4 address.
        public func contains(_ address: String) -> Bool {
            guard let bytes = Self.address(address), bytes.count == network.count else { return false }
            var remaining = prefixLength
            for (have, want) in zip(bytes, network) where remaining > 0 {
                let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
                if have & mask != want & mask { return false }
                remaining -= 8
            }
            return true
        }

        /// The bytes of an IP address (4 or 16; IPv4-mapped IPv6 gives 4), or nil when `text` is not one.
        public static func address(_ text: String) -> [UInt8]? {
            if text.contains(":") {
                var address = in6_addr()
                guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
                let bytes = withUnsafeBytes(of: &address) { Array($0) }
                if bytes[..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
                    return Array(bytes[12...])
                }
                return bytes
            }
            var address = in_addr()
            guard inet_pton(AF_INET, text, &address) == 1 else { return nil }
            return withUnsafeBytes(of: &address) { Array($0) }
        }

        public var description: String {
            let text: String
            if network.count == 4 {
                text = network.map(String.init).joined(separator: ".")
            } else {
                text = stride(from: 0, to: 16, by: 2).map {
                    String(UInt16(network[$0]) << 8 | UInt16(network[$0 + 1]), radix: 16)
                }
                .joined(separator: ":")
            }
            return "\(text)/\(prefixLength)"
        }
    }

    /// Whether `url` may be a `Location`: an absolute `http://` or `https://` URL with a host and no user
    /// information, or a path starting with one `/`; no whitespace, control characters or backslashes anywhere
    /// (browsers read `\` as `/`, so `/\evil.example` would leave the site).
    public static func isSafeTarget(_ url: String) -> Bool {
        let bytes = Array(url.utf8)
        guard !bytes.isEmpty, bytes.allSatisfy({ $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\\") }) else {
            return false
        }
        if bytes[0] == UInt8(ascii: "/") {
            return bytes.count == 1 || bytes[1] != UInt8(ascii: "/")
        }
        let lower = url.lowercased()
        let rest: Substring
        if lower.hasPrefix("https://") {
            rest = url.dropFirst(8)
        } else if lower.hasPrefix("http://") {
            rest = url.dropFirst(7)
        } else {
            return false
        }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !authority.isEmpty && !authority.contains("@")
    }
}
