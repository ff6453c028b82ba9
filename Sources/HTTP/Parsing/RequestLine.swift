/// The request line (RFC 9112 §3), located in a buffer without copying it.
struct RequestLine {
    /// The bytes of the method token.
    var method: Range<Int>
    /// The bytes of the request target.
    var target: Range<Int>
    var version: HTTPVersion
    /// The index past the line's CRLF.
    var end: Int

    /// The shape of HTTP-version (RFC 9112 §2.3); `0` stands for any digit.
    private static let httpVersionPattern = Array("HTTP/0.0".utf8)

    /// Parses the request line starting at `start`.
    ///
    /// Fails as soon as the bytes present cannot begin a valid line; fails with 414 as soon as more than
    /// `limits.maxRequestLineLength` bytes have arrived without a line end.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, at start: Int, limits: HTTPParserLimits
    ) -> ParseStep<RequestLine> {
        let limit = limits.maxRequestLineLength
        // A line within the limit has its LF before `windowEnd`.
        let windowEnd = min(bytes.count, start + limit + 2)
        func incomplete() -> ParseStep<RequestLine> {
            let present = windowEnd - start - (windowEnd > start && bytes[windowEnd - 1] == .cr ? 1 : 0)
            guard present <= limit else {
                return .failure(
                    HTTPRequestError(status: .uriTooLong, reason: "request line longer than \(limit) bytes"))
            }
            return .needMore
        }

        var index = start
        while index < windowEnd, bytes[index].isTokenCharacter { index += 1 }
        guard index < windowEnd else { return incomplete() }
        guard bytes[index] == .space else { return .failure(.unexpected(bytes[index], in: "method")) }
        guard index > start else { return .failure(.badRequest("empty method")) }
        let method = start..<index

        index += 1
        let targetStart = index
        while index < windowEnd, bytes[index] > .space, bytes[index] < 0x7F { index += 1 }
        guard index < windowEnd else { return incomplete() }
        switch bytes[index] {
        case .space where index > targetStart:
            break
        case .space:
            return .failure(.badRequest("empty request target"))
        case .cr:
            return .failure(.badRequest("request line has no HTTP version"))
        case let byte where byte >= 0x80:
            return .failure(.badRequest("non-ASCII byte \(byte.hexDescription) in request target (percent-encode it)"))
        case let byte:
            return .failure(.unexpected(byte, in: "request target"))
        }
        let target = targetStart..<index
        if let problem = targetFormProblem(bytes, target: target, method: method) {
            return .failure(.badRequest(problem))
        }

        index += 1
        let versionStart = index
        for expected in httpVersionPattern {
            guard index < windowEnd else { return incomplete() }
            let byte = bytes[index]
            guard expected == UInt8(ascii: "0") ? byte.isDigit : byte == expected else {
                return .failure(.badRequest("malformed HTTP version in request line"))
            }
            index += 1
        }
        guard index < windowEnd else { return incomplete() }
        guard bytes[index] == .cr else { return .failure(.badRequest("malformed HTTP version in request line")) }
        guard index + 1 < windowEnd else { return incomplete() }
        guard bytes[index + 1] == .lf else { return .failure(.badRequest("bare CR in request line")) }

        let version: HTTPVersion
        switch (bytes[versionStart + 5], bytes[versionStart + 7]) {
        case (UInt8(ascii: "1"), UInt8(ascii: "1")): version = .http1_1
        case (UInt8(ascii: "1"), UInt8(ascii: "0")): version = .http1_0
        default:
            let sent = bytes.text(versionStart..<index)
            return .failure(HTTPRequestError(status: .httpVersionNotSupported, reason: "\(sent) is not supported"))
        }
        return .done(RequestLine(method: method, target: target, version: version, end: index + 2))
    }

    /// Why the target is in none of the forms accepted (RFC 9112 §3.2), or nil when it is fine.
    ///
    /// Accepted: origin-form (`/path?query`), absolute-form with an http or https scheme, and asterisk-form
    /// for OPTIONS. Authority-form is refused: CONNECT is not served.
    private static func targetFormProblem(
        _ bytes: UnsafeRawBufferPointer, target: Range<Int>, method: Range<Int>
    ) -> String? {
        let first = bytes[target.lowerBound]
        if first == UInt8(ascii: "/") { return nil }
        if first == UInt8(ascii: "*") {
            guard target.count == 1 else { return "request target '\(bytes.text(target))' is malformed" }
            guard bytes[method].elementsEqual("OPTIONS".utf8) else {
                return "request target '*' is only allowed with OPTIONS"
            }
            return nil
        }
        for scheme in ["http://", "https://"] where target.count > scheme.utf8.count {
            if zip(bytes[target], scheme.utf8).allSatisfy({ $0 | 0x20 == $1 | 0x20 }) { return nil }
        }
        return "request target '\(bytes.text(target))' must start with '/' or 'http://'"
    }
}
