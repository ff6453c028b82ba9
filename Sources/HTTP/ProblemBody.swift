import JSON

/// `application/problem+json` bodies (RFC 9457) for the errors the HTTP layer answers by itself.
public enum ProblemBody {
    /// The media type of problem details.
    public static let contentType = "application/problem+json"

    /// `{"type":"about:blank","title":…,"status":…,"detail":…}` with `detail` JSON-escaped.
    public static func json(status: HTTPStatus, detail: String) -> String {
        #"{"type":"about:blank","title":"\#(status.reasonPhrase)","status":\#(status.code),"detail":"\#(escape(detail))"}"#
    }

    /// A complete problem response.
    public static func response(status: HTTPStatus, detail: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPResponse {
        HTTPResponse(status: status, contentType: contentType, body: json(status: status, detail: detail), headers: headers)
    }

    /// Escapes a string for a JSON string literal (quotes, backslash, control characters), without the quotes.
    public static func escape(_ text: String) -> String {
        String(JSONValue.string(text).jsonText.dropFirst().dropLast())
    }
}
