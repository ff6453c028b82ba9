import HTTP
import JSON
import Rules

/// Builds the answer to a form post the way its page expects, from the route's settings, the request's
/// headers and the outcome: a pure function of those, with no state.
///
/// - A `fetch()` or XHR post (`Accept` preferring `application/json`, `X-Requested-With: XMLHttpRequest`, or a
///   JSON body) gets `202 {"ok":true,"id":"…"}`, or `application/problem+json` with `errors: [{field, message}]`
///   (422 for invalid fields, else the status of the problem).
/// - A classic post gets `303 See Other` to `_next` (when `allowed_redirects` allows it) or `redirect` once
///   accepted, to `error_redirect?error=…&field=…` on a problem; with no such page, a small built-in HTML page.
/// - With `allowed_origins`, every answer carries `Access-Control-Allow-Origin` for an allowed `Origin` and
///   `Vary: Origin`.
///
/// The lead calls, per request: `preflight(_:)` for `OPTIONS`; for `POST`, `refusal(forOrigin:)` first (a
/// non-nil answer is sent as is, the body unread), then after decoding, guarding and planning
/// `response(to:form:outcome:)`.
public struct FormResponder: Sendable {
    /// The route's settings.
    public var settings: FormSettings

    public init(settings: FormSettings) {
        self.settings = settings
    }

    /// The answer to a post with this outcome; `form` is the decoded form (for `_next`; `.null` if none).
    public func response(to head: HTTPRequestHead, form: JSONValue, outcome: FormOutcome) -> HTTPResponse {
        var headers = corsHeaders(for: head)
        headers.add(name: "Cache-Control", value: "no-store")
        let json = Self.wantsJSON(head)
        switch outcome {
        case .accepted(let id), .spam(let id):
            if json {
                return HTTPResponse(
                    status: .accepted, contentType: "application/json",
                    body: #"{"ok":true,"id":"\#(ProblemBody.escape(id))"}"#, headers: headers)
            }
            if let target = redirectTarget(form: form) {
                headers.add(name: "Location", value: target)
                return HTTPResponse(status: .seeOther, headers: headers)
            }
            return FormPage.response(
                status: .ok, title: "Thank you", lines: ["Your message has been received."], headers: headers)
        case .invalid(let errors):
            let problems = errors.map { (field: $0.field, message: $0.message) }
            return failure(
                .unprocessableContent, detail: "some fields need another look", problems: problems, json: json,
                headers: headers)
        case .refused(let error):
            return failure(
                error.status, detail: error.message, problems: [(error.field, error.message)], json: json,
                headers: headers)
        case .unavailable(let retryAfter):
            headers.add(name: "Retry-After", value: "\(max(1, retryAfter.components.seconds))")
            let message = "the form cannot be checked just now; please try again in a minute"
            return failure(
                .serviceUnavailable, detail: message, problems: [(nil, message)], json: json, headers: headers)
        }
    }

    /// Where an accepted classic post goes: an allowed `_next`, else `redirect`.
    func redirectTarget(form: JSONValue) -> String? {
        if let next = form[FormSettings.nextField]?.stringValue,
            settings.allowedRedirects.contains(where: { $0.matches(next) })
        {
            return next
        }
        return settings.redirect
    }

    private func failure(
        _ status: HTTPStatus, detail: String, problems: [(field: String?, message: String)], json: Bool,
        headers: HTTPHeaders
    ) -> HTTPResponse {
        var headers = headers
        if json {
            let errors = problems.map { problem in
                let field = problem.field.map { #""\#(ProblemBody.escape($0))""# } ?? "null"
                return #"{"field":\#(field),"message":"\#(ProblemBody.escape(problem.message))"}"#
            }
            var body = ProblemBody.json(status: status, detail: detail)
            body.removeLast()
            body += #","errors":[\#(errors.joined(separator: ","))]}"#
            return HTTPResponse(status: status, contentType: ProblemBody.contentType, body: body, headers: headers)
        }
        if let page = settings.errorRedirect {
            let first = problems.first ?? (nil, detail)
            var query = "error=" + PercentEncoding.encode(first.message)
            if let field = first.field { query += "&field=" + PercentEncoding.encode(field) }
            headers.add(name: "Location", value: Self.appending(query: query, to: page))
            return HTTPResponse(status: .seeOther, headers: headers)
        }
        let title = status == .unprocessableContent ? "Please check the form" : "The form could not be sent"
        let lines = problems.map { problem in problem.field.map { "\($0): \(problem.message)" } ?? problem.message }
        return FormPage.response(status: status, title: title, lines: lines, headers: headers)
    }

    /// `url` with `query` added to its query (before any fragment).
    static func appending(query: String, to url: String) -> String {
        let fragmentStart = url.firstIndex(of: "#") ?? url.endIndex
        let base = url[..<fragmentStart]
        let separator = base.contains("?") ? (base.hasSuffix("?") || base.hasSuffix("&") ? "" : "&") : "?"
        return base + separator + query + url[fragmentStart...]
    }

    /// Whether the page reads the answer from script rather than showing it: `X-Requested-With: XMLHttpRequest`,
    /// a JSON body, or an `Accept` that ranks a JSON type above HTML (and above zero).
    public static func wantsJSON(_ head: HTTPRequestHead) -> Bool {
        if head.headers["X-Requested-With"]?.equalsIgnoringASCIICase("XMLHttpRequest") == true { return true }
        if let type = head.headers["Content-Type"], MediaType(type).isJSON { return true }
        var jsonQuality = 0.0
        var htmlQuality = 0.0
        for value in head.headers.values(forName: "Accept") {
            for range in value.split(separator: ",") {
                let type = MediaType(String(range))
                let quality = type.parameter("q").flatMap(Double.init).map { min(max($0, 0), 1) } ?? 1
                if type.isJSON {
                    jsonQuality = max(jsonQuality, quality)
                } else if type.name == "text/html" || type.name == "application/xhtml+xml" {
                    htmlQuality = max(htmlQuality, quality)
                }
            }
        }
        return jsonQuality > 0 && jsonQuality >= htmlQuality
    }
}
