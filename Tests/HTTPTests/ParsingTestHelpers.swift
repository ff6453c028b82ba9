@testable import HTTP

/// The bytes of `text` in UTF-8 (escapes such as `\r\n` are written in the literal).
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Runs the head parser over `input`.
func parseHead(_ input: [UInt8], limits: HTTPParserLimits = HTTPParserLimits()) -> RequestHeadParseResult {
    input.withUnsafeBytes { RequestHeadParser.parse($0, limits: limits) }
}

/// The status of a refusal, or nil when the result is not a failure.
func refusalStatus(_ result: RequestHeadParseResult) -> HTTPStatus? {
    if case .failure(let error) = result { return error.status }
    return nil
}

/// What a chunked body decoded to, and how many input bytes it used.
struct DecodedChunkedBody: Equatable {
    var body: [UInt8]
    var trailers: HTTPHeaders
    var consumed: Int
}

/// Decodes a chunked body delivered in `pieces`, as a connection does: each piece is appended to a buffer, the
/// decoder runs over the buffer and the consumed bytes are removed from it.
///
/// Returns nil when the pieces end before the body does.
func decodeChunked(
    _ pieces: [[UInt8]], maxBodySize: Int = 1 << 20, limits: HTTPParserLimits = HTTPParserLimits()
) -> Result<DecodedChunkedBody, HTTPRequestError>? {
    var decoder = ChunkedBodyDecoder(maxBodySize: maxBodySize, limits: limits)
    var buffer: [UInt8] = []
    var body: [UInt8] = []
    var consumed = 0
    for piece in pieces {
        buffer += piece
        let step = buffer.withUnsafeBytes { decoder.decode($0, into: &body) }
        switch step {
        case .failure(let error):
            return .failure(error)
        case .success(let (used, progress)):
            buffer.removeFirst(used)
            consumed += used
            if case .complete(let trailers) = progress {
                return .success(DecodedChunkedBody(body: body, trailers: trailers, consumed: consumed))
            }
        }
    }
    return nil
}
