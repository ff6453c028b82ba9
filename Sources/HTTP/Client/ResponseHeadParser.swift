/// The status line and header fields of one response.
struct ResponseHead: Sendable, Equatable {
    var version: HTTPVersion
    var status: HTTPStatus
    var headers: HTTPHeaders
}

/// Parses a response head (status line and header section, RFC 9112 §4-§5) from the bytes received so far.
///
/// A pure function like `RequestHeadParser`, sharing its field-line parser and limits: when it answers
/// `.needMore`, read more and run it again over the whole buffer.
enum ResponseHeadParser {
    /// Parses the head at the start of `bytes`; the bytes after it (the body) are left alone.
    static func parse(_ bytes: UnsafeRawBufferPointer, limits: HTTPParserLimits) -> ParseStep<(ResponseHead, Int)> {
        let version: HTTPVersion
        let status: Int
        let lineEnd: Int
        switch statusLine(bytes, limits: limits) {
        case .done(let line): (version, status, lineEnd) = line
        case .needMore: return .needMore
        case .failure(let error): return .failure(error)
        }
        var headers = HTTPHeaders()
        var position = lineEnd
        while true {
            let step = FieldLine.parse(
                bytes, at: position, usedBytes: position - lineEnd, fieldCount: headers.count, limits: limits,
                section: .header)
            switch step {
            case .done(.field(let name, let value, let end)):
                headers.add(name: bytes.text(name), value: bytes.text(value))
                position = end
            case .done(.endOfSection(let end)):
                return .done((ResponseHead(version: version, status: HTTPStatus(code: status), headers: headers), end))
            case .needMore:
                return .needMore
            case .failure(let error):
                return .failure(error)
            }
        }
    }

    private static let prefix = Array("HTTP/1.".utf8)

    /// `HTTP/1.x SP 3DIGIT SP reason CRLF`; the reason phrase may be empty, and its space absent, as some servers
    /// send it. Answers the version, the status code and where the line ends (past its CRLF).
    private static func statusLine(
        _ bytes: UnsafeRawBufferPointer, limits: HTTPParserLimits
    ) -> ParseStep<(HTTPVersion, Int, Int)> {
        let fixed = prefix + [UInt8(ascii: "1"), .space, 0, 0, 0]
        for index in 0..<min(bytes.count, fixed.count) {
            let byte = bytes[index]
            switch index {
            case prefix.count:
                guard byte == UInt8(ascii: "0") || byte == UInt8(ascii: "1") else {
                    return .failure(.badRequest("status line does not start with HTTP/1.0 or HTTP/1.1"))
                }
            case prefix.count + 2...prefix.count + 4:
                guard byte.isDigit else { return .failure(.unexpected(byte, in: "status code")) }
            default:
                guard byte == fixed[index] else {
                    return .failure(.badRequest("status line does not start with HTTP/1.0 or HTTP/1.1"))
                }
            }
        }
        guard bytes.count > fixed.count else { return .needMore }
        let version: HTTPVersion = bytes[prefix.count] == UInt8(ascii: "1") ? .http1_1 : .http1_0
        let status = (prefix.count + 2...prefix.count + 4).reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) }
        guard status >= 100 else { return .failure(.badRequest("status code \(status) is below 100")) }
        var index = fixed.count
        if bytes[index] == .space {
            index += 1
        } else if bytes[index] != .cr {
            return .failure(.unexpected(bytes[index], in: "status line after the status code"))
        }
        let limit = limits.maxRequestLineLength
        while index < bytes.count, index < limit, bytes[index].isFieldValueCharacter { index += 1 }
        guard index < bytes.count else { return .needMore }
        guard index < limit else {
            return .failure(HTTPRequestError(status: .uriTooLong, reason: "status line longer than \(limit) bytes"))
        }
        guard bytes[index] == .cr else { return .failure(.unexpected(bytes[index], in: "reason phrase")) }
        guard index + 1 < bytes.count else { return .needMore }
        guard bytes[index + 1] == .lf else { return .failure(.badRequest("bare CR in status line")) }
        return .done((version, status, index + 2))
    }
}
