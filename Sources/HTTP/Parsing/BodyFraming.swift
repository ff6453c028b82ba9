/// How the body of a request is delimited (RFC 9112 §6).
public enum BodyFraming: Sendable, Equatable {
    /// The request has no body: neither Content-Length nor Transfer-Encoding was sent.
    case none
    /// The body is exactly this many bytes (possibly zero).
    case contentLength(Int)
    /// The body is chunked; read it with `ChunkedBodyDecoder`.
    case chunked

    /// The framing a request head announces, or the refusal of an ambiguous or unsupported one.
    ///
    /// Refused with 400, because a server and a proxy could read them differently (request smuggling):
    /// Transfer-Encoding together with Content-Length, Transfer-Encoding in HTTP/1.0, a Transfer-Encoding whose
    /// final coding is not chunked, chunked applied twice, more than one Content-Length (even with equal values),
    /// and a Content-Length that is not a plain decimal number. Transfer codings other than chunked are refused
    /// with 501.
    public static func of(_ head: HTTPRequestHead) -> Result<BodyFraming, HTTPRequestError> {
        let transferEncodings = head.headers.values(forName: "Transfer-Encoding")
        let contentLengths = head.headers.values(forName: "Content-Length")
        if !transferEncodings.isEmpty {
            guard contentLengths.isEmpty else {
                return .failure(.badRequest("both Transfer-Encoding and Content-Length are present"))
            }
            guard head.version == .http1_1 else {
                return .failure(.badRequest("Transfer-Encoding in an HTTP/1.0 request"))
            }
            return chunkedFraming(codings: head.headers.tokens(forName: "Transfer-Encoding"))
        }
        guard let contentLength = contentLengths.first else { return .success(.none) }
        guard contentLengths.count == 1 else { return .failure(.badRequest("more than one Content-Length header")) }
        return parseContentLength(contentLength).map(BodyFraming.contentLength)
    }

    private static func chunkedFraming(codings: [String]) -> Result<BodyFraming, HTTPRequestError> {
        guard let last = codings.last, last == "chunked" else {
            return .failure(.badRequest("final transfer coding is not chunked"))
        }
        let others = codings.dropLast()
        if others.contains("chunked") { return .failure(.badRequest("chunked transfer coding applied more than once")) }
        if let other = others.first {
            return .failure(
                HTTPRequestError(status: .notImplemented, reason: "transfer coding '\(other)' is not supported"))
        }
        return .success(.chunked)
    }

    /// The value of a Content-Length field: 1*DIGIT, nothing else (no sign, no list, no overflow).
    static func parseContentLength(_ value: String) -> Result<Int, HTTPRequestError> {
        guard !value.isEmpty else { return .failure(.badRequest("empty Content-Length")) }
        var length = 0
        for byte in value.utf8 {
            guard byte.isDigit else {
                return .failure(.badRequest("Content-Length '\(value)' is not a decimal number"))
            }
            let (times10, overflow1) = length.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1, !overflow2 else { return .failure(.badRequest("Content-Length '\(value)' is too large")) }
            length = sum
        }
        return .success(length)
    }
}
