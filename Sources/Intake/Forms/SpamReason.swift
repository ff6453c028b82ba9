/// Why a guard took a post for spam (or could not tell): a fixed set of names, usable as a metric label
/// (`dealhook_form_spam_total{route="…",reason="honeypot"}`).
public struct SpamReason: Sendable, Hashable, CustomStringConvertible {
    /// The label: lower-case words joined by `_`.
    public let label: String

    private init(_ label: String) { self.label = label }

    /// The honeypot field was filled in.
    public static let honeypot = SpamReason("honeypot")
    /// `min_fill_time` is set and the post carries no timestamp token.
    public static let fillTimeMissing = SpamReason("fill_time_missing")
    /// The timestamp token is malformed or its signature does not match.
    public static let fillTimeForged = SpamReason("fill_time_forged")
    /// The form was sent sooner than `min_fill_time` after it was shown.
    public static let fillTimeTooFast = SpamReason("fill_time_too_fast")
    /// The form was shown longer than `fill_time_max_age` ago.
    public static let fillTimeExpired = SpamReason("fill_time_expired")
    /// The client IP has used up its `rate_limit`.
    public static let rateLimited = SpamReason("rate_limited")
    /// `captcha` is set and the post carries no response token.
    public static let captchaMissing = SpamReason("captcha_missing")
    /// The CAPTCHA provider said the token is not valid.
    public static let captchaFailed = SpamReason("captcha_failed")
    /// The CAPTCHA provider could not be asked, or its answer not read (verdict `.unavailable`: fail closed).
    public static let captchaUnavailable = SpamReason("captcha_unavailable")

    /// Every reason, for metrics that are pre-registered.
    public static let all: [SpamReason] = [
        .honeypot, .fillTimeMissing, .fillTimeForged, .fillTimeTooFast, .fillTimeExpired, .rateLimited,
        .captchaMissing, .captchaFailed, .captchaUnavailable,
    ]

    public var description: String { label }
}

/// What the spam guards decided about a post.
public enum FormVerdict: Sendable, Equatable {
    /// Nothing against it: decode, plan and store it.
    case pass
    /// Spam: answer it as accepted (`FormOutcome.spam`), store nothing, count `reason`.
    case spam(SpamReason)
    /// A check could not be made (the CAPTCHA verifier is unreachable): store nothing and answer
    /// `FormOutcome.unavailable`, so that a person can try again; count `reason`, log `detail`.
    case unavailable(SpamReason, detail: String)
}
