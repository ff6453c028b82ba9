import HTTP
import JSON
import Rules

/// The signed timestamp a form page carries to prove when it was shown: `<unix seconds>.<HMAC-SHA256 of the
/// decimal seconds, lower-case hex>`, for instance `1767225600.3f1c…` (64 hex digits).
///
/// A shell can make one too: `t=$(date +%s); printf '%s.%s' "$t" "$(printf %s "$t" | openssl dgst -sha256
/// -hmac "$SECRET" -r | cut -d' ' -f1)"`.
public enum FillTimeToken {
    /// The token for time `unixSeconds`.
    public static func issue(secret: Secret, at unixSeconds: Int) -> String {
        "\(unixSeconds).\(signature(secret: secret, unixSeconds: unixSeconds))"
    }

    /// Nil when `value` (the form's field) is a valid token issued at least `minimum` and at most `maxAge`
    /// before `now` (Unix seconds); otherwise why not.
    public static func check(_ value: JSONValue?, settings: FormSettings.FillTime, now: Int) -> SpamReason? {
        guard let value, value != .string(""), value != .null else { return .fillTimeMissing }
        guard let token = value.stringValue, let issued = verifiedTime(token, secret: settings.secret) else {
            return .fillTimeForged
        }
        let (age, overflow) = now.subtractingReportingOverflow(issued)
        if overflow || Duration.seconds(age) < settings.minimum { return .fillTimeTooFast }
        if Duration.seconds(age) > settings.maxAge { return .fillTimeExpired }
        return nil
    }

    /// The time a token states, when its signature is `secret`'s.
    static func verifiedTime(_ token: String, secret: Secret) -> Int? {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...12).contains(parts[0].utf8.count),
            parts[0].utf8.allSatisfy({ (0x30...0x39).contains($0) }),
            parts[1].utf8.count == 64, let given = Hex.decode(parts[1]), let seconds = Int(parts[0])
        else { return nil }
        let expected = HMAC.authenticationCode(for: Array(parts[0].utf8), key: Array(secret.value.utf8), using: .sha256)
        return ConstantTime.equals(given, expected) ? seconds : nil
    }

    private static func signature(secret: Secret, unixSeconds: Int) -> String {
        Hex.encode(
            HMAC.authenticationCode(for: Array("\(unixSeconds)".utf8), key: Array(secret.value.utf8), using: .sha256))
    }
}
