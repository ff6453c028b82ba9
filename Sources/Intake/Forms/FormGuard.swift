import HTTP
import JSON
import Rules

/// A form route's spam guards, in the order they run (cheapest first, the network last): honeypot, minimum
/// fill time, rate limit per client IP, CAPTCHA. The first that objects decides; each is off unless the route
/// configures it.
///
/// Make one per route when the config loads (it holds the route's rate-limit buckets; a reload makes a new
/// one, starting the buckets again), then for each decoded post:
/// ```swift
/// switch guard.check(form: content.form, head: request.head, context: context, now: time(nil)) {
/// case .pass: …plan, store, answer .accepted(eventID:)
/// case .spam(let reason): metrics.spam(route, reason.label); answer .spam(decoyID: EventID.make())
/// case .unavailable(let reason, let detail): log detail; answer .unavailable(retryAfter: .seconds(60))
/// }
/// ```
/// `check` blocks while the CAPTCHA provider answers (at most `captcha.timeout`): call it off the event loop.
public final class FormGuard: Sendable {
    public let settings: FormSettings
    private let limiter: ClientRateLimiter?
    private let captcha: CaptchaVerifier?

    /// Guards for `settings`; `client` verifies CAPTCHAs (required when `settings.captcha` is set: without one,
    /// every post is `.unavailable`).
    public init(settings: FormSettings, client: HTTPClient?) {
        self.settings = settings
        limiter = settings.rateLimit.map(ClientRateLimiter.init)
        captcha = both(settings.captcha, client).map { CaptchaVerifier(settings: $0, client: $1) }
    }

    /// The client IP of a request (see `ClientAddress.resolve`, with the route's `trusted_proxies`).
    public func clientAddress(head: HTTPRequestHead, context: HTTPRequestContext) -> String {
        ClientAddress.resolve(
            peer: context.remoteAddress, forwardedFor: head.headers.values(forName: "X-Forwarded-For"),
            trustedProxies: settings.trustedProxies)
    }

    /// The verdict on a decoded post; `now` is the wall-clock time in Unix seconds (for the fill time; the rate
    /// limit uses `context.receivedAt`).
    public func check(form: JSONValue, head: HTTPRequestHead, context: HTTPRequestContext, now: Int) -> FormVerdict {
        if let honeypot = settings.honeypot, let value = form[honeypot], Self.isFilled(value) {
            return .spam(.honeypot)
        }
        if let fillTime = settings.fillTime,
            let reason = FillTimeToken.check(form[fillTime.field], settings: fillTime, now: now)
        {
            return .spam(reason)
        }
        let client = clientAddress(head: head, context: context)
        if let limiter, !limiter.admit(ClientAddress.rateLimitKey(client), now: context.receivedAt) {
            return .spam(.rateLimited)
        }
        if let settings = settings.captcha {
            guard let token = form[settings.provider.responseField]?.stringValue, !token.isEmpty else {
                return .spam(.captchaMissing)
            }
            guard let captcha else {
                return .unavailable(.captchaUnavailable, detail: "no HTTP client to ask the provider")
            }
            switch captcha.verify(token: token, remoteIP: client) {
            case .valid: break
            case .invalid: return .spam(.captchaFailed)
            case .unavailable(let detail): return .unavailable(.captchaUnavailable, detail: detail)
            }
        }
        return .pass
    }

    private static func isFilled(_ value: JSONValue) -> Bool {
        switch value {
        case .string(let text): !text.isEmpty
        case .array(let values): values.contains(where: isFilled)
        case .null: false
        default: true
        }
    }
}

private func both<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
    guard let a, let b else { return nil }
    return (a, b)
}
