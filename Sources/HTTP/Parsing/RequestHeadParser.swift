/// Parses a request head (request line and header section, RFC 9112 §2-§5) from the bytes received so far.
///
/// Shaped like picohttpparser: a pure function over bytes, with no state between calls. When it answers
/// `.needMore`, read more bytes and run it again over the whole buffer from the start of the head. A partial
/// head allocates nothing; a complete one allocates only the strings of the head it returns.
///
/// ```swift
/// switch buffer.withUnsafeBytes({ RequestHeadParser.parse($0, limits: limits) }) {
/// case .complete(let head, let consumed): buffer.removeFirst(consumed); handle(head)
/// case .needMore: readMore()
/// case .failure(let error): respond(error.status, error.reason); close()
/// }
/// ```
public enum RequestHeadParser {
    /// Empty lines (CRLF) ignored before the request line (RFC 9112 §2.2); one more is refused.
    static let maxLeadingEmptyLines = 8

    /// Parses the head at the start of `bytes`; bytes after the head (a body, a pipelined request) are left alone.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: HTTPParserLimits) -> RequestHeadParseResult {
        // Strings are built only when the buffer holds CRLF CRLF: every complete head ends with one.
        let collecting = containsEmptyLine(bytes)
        var headers = HTTPHeaders()
        // Room for a typical request's fields (a webhook's carry 4 to 12), so that they are not copied three
        // times while the array doubles.
        if collecting { headers.reserveCapacity(12) }
        switch scan(bytes, limits: limits, collecting: collecting, into: &headers) {
        case .done(let (line, consumed)):
            assert(collecting, "a complete head was scanned without collecting its fields")
            let head = HTTPRequestHead(
                method: bytes.text(line.method), target: bytes.text(line.target),
                version: line.version, headers: headers)
            return .complete(head, consumed: consumed)
        case .needMore:
            return .needMore
        case .failure(let error):
            return .failure(error)
        }
    }

    /// Validates the head and, when `collecting`, adds its fields to `headers`; answers the request line and the
    /// number of bytes of the head.
    private static func scan(
        _ bytes: UnsafeRawBufferPointer, limits: HTTPParserLimits, collecting: Bool, into headers: inout HTTPHeaders
    ) -> ParseStep<(RequestLine, Int)> {
        var start = 0
        var emptyLines = 0
        while start < bytes.count, bytes[start] == .cr {
            guard start + 1 < bytes.count else { return .needMore }
            guard bytes[start + 1] == .lf else { return .failure(.badRequest("bare CR before request line")) }
            emptyLines += 1
            guard emptyLines <= maxLeadingEmptyLines else {
                return .failure(.badRequest("more than \(maxLeadingEmptyLines) empty lines before request line"))
            }
            start += 2
        }
        let line: RequestLine
        switch RequestLine.parse(bytes, at: start, limits: limits) {
        case .done(let parsed): line = parsed
        case .needMore: return .needMore
        case .failure(let error): return .failure(error)
        }

        var position = line.end
        var fieldCount = 0
        var hostCount = 0
        while true {
            let step = FieldLine.parse(
                bytes, at: position, usedBytes: position - line.end, fieldCount: fieldCount, limits: limits,
                section: .header)
            switch step {
            case .done(.field(let name, let value, let end)):
                fieldCount += 1
                if isHost(bytes, name) { hostCount += 1 }
                if collecting { headers.add(name: bytes.text(name), value: bytes.text(value)) }
                position = end
            case .done(.endOfSection(let end)):
                if hostCount > 1 { return .failure(.badRequest("more than one Host header")) }
                if hostCount == 0, line.version == .http1_1 {
                    return .failure(.badRequest("HTTP/1.1 request without Host header"))
                }
                return .done((line, end))
            case .needMore:
                return .needMore
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    /// Whether the field name at `name` is `Host`, compared without building a string.
    private static func isHost(_ bytes: UnsafeRawBufferPointer, _ name: Range<Int>) -> Bool {
        name.count == 4 && zip(bytes[name], "host".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    /// Whether `bytes` contain CRLF CRLF anywhere.
    private static func containsEmptyLine(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4 else { return false }
        for index in 3..<bytes.count where bytes[index] == .lf {
            if bytes[index - 1] == .cr, bytes[index - 2] == .lf, bytes[index - 3] == .cr { return true }
        }
        return false
    }
}
