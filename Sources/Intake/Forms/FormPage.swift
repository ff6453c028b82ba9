import HTTP

/// The small built-in HTML pages a classic post gets when the route names no page of its own.
enum FormPage {
    /// A complete page with `title` and a paragraph or list; every text is escaped.
    static func response(status: HTTPStatus, title: String, lines: [String], headers: HTTPHeaders) -> HTTPResponse {
        var body = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><title>\(escape(title))</title>
            <style>body{font:16px/1.5 system-ui,sans-serif;max-width:36em;margin:3em auto;padding:0 1em;color:#222}</style>
            </head><body><h1>\(escape(title))</h1>

            """
        if lines.count == 1 {
            body += "<p>\(escape(lines[0]))</p>\n"
        } else {
            body += "<ul>\n" + lines.map { "<li>\(escape($0))</li>\n" }.joined() + "</ul>\n"
        }
        if status != .ok { body += "<p>Use your browser's Back button to return to the form.</p>\n" }
        body += "</body></html>\n"
        return HTTPResponse(status: status, contentType: "text/html; charset=utf-8", body: body, headers: headers)
    }

    /// `text` safe in HTML text and quoted attribute values: `& < > " '` as character references.
    static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}
