import HTTP
import Rules

extension FormResponder {
    /// How long a browser may cache a preflight's answer, in seconds (browsers cap it: Chromium at 2 hours).
    public static let preflightMaxAge = 600
    /// Request headers a page's `fetch()` may send (besides the CORS-safelisted ones).
    public static let allowedRequestHeaders = ["Accept", "Content-Type", "X-Requested-With"]

    /// The answer to `OPTIONS` on the route: `204` with `Access-Control-Allow-Methods: POST`,
    /// `-Allow-Headers` and `-Max-Age` for an allowed origin; `403` otherwise (and when the route sets no
    /// `allowed_origins`, as no page may then read answers from script).
    public func preflight(_ head: HTTPRequestHead) -> HTTPResponse {
        var headers: HTTPHeaders = ["Vary": "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"]
        guard let origins = settings.allowedOrigins, let origin = head.headers["Origin"], origins.allows(origin) else {
            return ProblemBody.response(
                status: .forbidden, detail: "this origin may not post to this form", headers: headers)
        }
        let method = head.headers["Access-Control-Request-Method"] ?? "POST"
        guard method == "POST" else {
            return ProblemBody.response(
                status: .methodNotAllowed, detail: "forms take POST, not \(method)",
                headers: ["Allow": "POST, OPTIONS"])
        }
        headers.add(name: "Access-Control-Allow-Origin", value: origins == .any ? "*" : origin)
        headers.add(name: "Access-Control-Allow-Methods", value: "POST")
        headers.add(name: "Access-Control-Allow-Headers", value: Self.allowedRequestHeaders.joined(separator: ", "))
        headers.add(name: "Access-Control-Max-Age", value: "\(Self.preflightMaxAge)")
        return HTTPResponse(status: .noContent, headers: headers)
    }

    /// `403` when the route sets `allowed_origins` and the post's `Origin` is not among them (`Origin: null`
    /// included); nil when the post may go on. A post without `Origin` is not from a browser's cross-site
    /// page and may go on.
    public func refusal(forOrigin head: HTTPRequestHead) -> HTTPResponse? {
        guard let origins = settings.allowedOrigins, let origin = head.headers["Origin"], !origins.allows(origin) else {
            return nil
        }
        var headers = corsHeaders(for: head)
        headers.add(name: "Cache-Control", value: "no-store")
        return ProblemBody.response(
            status: .forbidden, detail: "this form takes posts only from its own site's pages", headers: headers)
    }

    /// `Access-Control-Allow-Origin` for an allowed `Origin`, and `Vary: Origin` when the answer depends on it.
    func corsHeaders(for head: HTTPRequestHead) -> HTTPHeaders {
        var headers = HTTPHeaders()
        guard let origins = settings.allowedOrigins else { return headers }
        if origins == .any {
            headers.add(name: "Access-Control-Allow-Origin", value: "*")
            return headers
        }
        headers.add(name: "Vary", value: "Origin")
        if let origin = head.headers["Origin"], origins.allows(origin) {
            headers.add(name: "Access-Control-Allow-Origin", value: origin)
        }
        return headers
    }
}
