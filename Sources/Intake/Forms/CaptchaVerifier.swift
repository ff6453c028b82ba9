import HTTP
import JSON
import Rules

/// Asks a CAPTCHA provider whether a response token is valid: a `POST` of `secret`, `response` and `remoteip`
/// (urlencoded) to its siteverify endpoint, which answers `{"success": true|false, …}` (Turnstile, hCaptcha and
/// reCAPTCHA share the protocol).
///
/// `verify` blocks for up to `timeout`: call it off the event loop.
public struct CaptchaVerifier: Sendable {
    /// The longest token sent on; longer ones fail without asking (Turnstile's are at most 2048 characters).
    public static let maxTokenLength = 4096

    /// What the provider said.
    public enum Answer: Sendable, Equatable {
        case valid
        case invalid
        /// No usable answer: the reason, for the log.
        case unavailable(String)
    }

    public let settings: FormSettings.Captcha
    private let client: HTTPClient

    public init(settings: FormSettings.Captcha, client: HTTPClient) {
        self.settings = settings
        self.client = client
    }

    /// Checks `token` (the form's `settings.provider.responseField`) for the visitor at `remoteIP`.
    public func verify(token: String, remoteIP: String?) -> Answer {
        guard !token.isEmpty, token.utf8.count <= Self.maxTokenLength else { return .invalid }
        var body = "secret=\(PercentEncoding.encode(settings.secret.value))"
        body += "&response=\(PercentEncoding.encode(token))"
        if let remoteIP { body += "&remoteip=\(PercentEncoding.encode(remoteIP))" }
        let request = HTTPClientRequest(
            method: "POST", url: settings.verifyURL,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Array(body.utf8), timeout: settings.timeout)
        let response: HTTPClientResponse
        do {
            response = try client.execute(request)
        } catch {
            return .unavailable("\(settings.provider.rawValue) siteverify: \(error)")
        }
        guard response.status == .ok else {
            return .unavailable("\(settings.provider.rawValue) siteverify answered \(response.status)")
        }
        guard let answer = try? JSONValue(parsing: response.body), let success = answer["success"]?.boolValue else {
            return .unavailable("\(settings.provider.rawValue) siteverify answered no 'success' boolean")
        }
        return success ? .valid : .invalid
    }
}
