import HTTP
import Rules

/// How a form route answers: a classic post is redirected (303) or shown a small page; a `fetch()` post that
/// accepts JSON gets JSON.
enum FormAnswer {
    /// Whether the client asked for JSON (`Accept: application/json`).
    static func wantsJSON(_ request: HTTPRequest) -> Bool {
        request.head.headers["Accept"]?.lowercased().contains("application/json") == true
    }

    /// The answer to an accepted (or silently dropped) submission.
    static func accepted(request: HTTPRequest, route: RouteConfig, eventID: String) -> HTTPResponse {
        if route.kind == .webhook || wantsJSON(request) {
            return HTTPResponse(
                status: .accepted, contentType: "application/json", body: #"{"ok":true,"id":"\#(eventID)"}"#)
        }
        if let redirect = route.intake["redirect"]?.scalar?.value {
            return HTTPResponse(status: .seeOther, headers: ["Location": redirect])
        }
        return page(status: .ok, title: "Thank you", text: "Your message has been received.")
    }

    /// The answer to a submission that fails its route's validation (`required`, `email`, …).
    static func invalid(request: HTTPRequest, route: RouteConfig, errors: [PlanningError]) -> HTTPResponse {
        if route.kind == .form, !wantsJSON(request) {
            let text = errors.map(\.description).joined(separator: "; ")
            if let target = route.intake["error_redirect"]?.scalar?.value {
                let separator = target.contains("?") ? "&" : "?"
                var location = target + separator + "error=" + PercentEncoding.encode(text)
                if let field = errors.first?.field { location += "&field=" + PercentEncoding.encode(field) }
                return HTTPResponse(status: .seeOther, headers: ["Location": location])
            }
            return page(status: .unprocessableContent, title: "Please check the form", text: text)
        }
        let items = errors.map { error in
            let field = error.field.map { #""field":"\#(ProblemBody.escape($0))","# } ?? ""
            return #"{\#(field)"message":"\#(ProblemBody.escape(error.message))"}"#
        }
        let detail = errors.map(\.description).joined(separator: "; ")
        let body =
            #"{"type":"about:blank","title":"Unprocessable Content","status":422,"detail":"\#(ProblemBody.escape(detail))","errors":[\#(items.joined(separator: ","))]}"#
        return HTTPResponse(status: .unprocessableContent, contentType: ProblemBody.contentType, body: body)
    }

    /// A minimal HTML page with escaped text.
    static func page(status: HTTPStatus, title: String, text: String) -> HTTPResponse {
        let body = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(escapeHTML(title))</title></head>\
            <body><h1>\(escapeHTML(title))</h1><p>\(escapeHTML(text))</p><p><a href="javascript:history.back()">Back</a></p></body></html>
            """
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: body)
    }

    static func escapeHTML(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
