/// Serialises a client request to HTTP/1.1 bytes, refusing what must not be sent.
enum RequestEncoder {
    /// Header fields the client owns; a request setting one of them is refused, not silently changed.
    static let reservedFields = [
        "Host", "Content-Length", "Connection", "Keep-Alive", "Upgrade", "TE", "Trailer",
        "Proxy-Connection",
    ]
    /// A chunked body is sent in chunks of at most this many bytes.
    static let chunkSize = 16 * 1024

    /// Why a request cannot be sent.
    struct Refusal: Error {
        var reason: String
    }

    /// The bytes of `request` for `url`; whether the client added `Accept-Encoding` (and so decodes the body).
    static func encode(
        _ request: HTTPClientRequest, url: ClientURL, userAgent: String
    ) throws(Refusal) -> (bytes: [UInt8], decodesContent: Bool) {
        guard !request.method.isEmpty, request.method.utf8.allSatisfy(\.isTokenCharacter) else {
            throw Refusal(reason: "method '\(request.method)' is not a token")
        }
        var chunked = false
        for field in request.headers {
            guard !field.name.isEmpty, field.name.utf8.allSatisfy(\.isTokenCharacter) else {
                throw Refusal(reason: "header name '\(field.name)' is not a token")
            }
            guard field.value.utf8.allSatisfy(\.isFieldValueCharacter) else {
                throw Refusal(reason: "value of header '\(field.name)' contains a control character (CR, LF, NUL…)")
            }
            if let reserved = reservedFields.first(where: field.name.equalsIgnoringASCIICase) {
                throw Refusal(reason: "header '\(reserved)' is set by the client, not by the request")
            }
            if field.name.equalsIgnoringASCIICase("Transfer-Encoding") {
                guard field.value.equalsIgnoringASCIICase("chunked") else {
                    throw Refusal(reason: "Transfer-Encoding '\(field.value)' is not supported (only 'chunked')")
                }
                chunked = true
            }
        }

        var bytes: [UInt8] = []
        bytes.reserveCapacity(256 + request.body.count)
        func line(_ text: String) {
            bytes.append(contentsOf: text.utf8)
            bytes.append(contentsOf: [.cr, .lf])
        }
        line("\(request.method) \(url.target) HTTP/1.1")
        line("Host: \(url.hostHeader)")
        if !request.headers.contains(name: "User-Agent") { line("User-Agent: \(userAgent)") }
        let decodesContent = !request.headers.contains(name: "Accept-Encoding")
        if decodesContent { line("Accept-Encoding: gzip") }
        line("Connection: keep-alive")
        // RFC 9110 §8.6: a body, or a method that expects one, gets a length, even 0.
        if !chunked, !request.body.isEmpty || ["POST", "PUT", "PATCH"].contains(request.method) {
            line("Content-Length: \(request.body.count)")
        }
        for field in request.headers { line("\(field.name): \(field.value)") }
        line("")
        guard chunked else {
            bytes.append(contentsOf: request.body)
            return (bytes, decodesContent)
        }
        var start = 0
        while start < request.body.count {
            let end = min(start + chunkSize, request.body.count)
            line(String(end - start, radix: 16))
            bytes.append(contentsOf: request.body[start..<end])
            line("")
            start = end
        }
        line("0")
        line("")
        return (bytes, decodesContent)
    }
}
