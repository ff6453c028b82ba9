/// Incremental decoder of a chunked body with trailers (RFC 9112 §7.1).
///
/// Feed it the bytes after the head as they arrive. It consumes every byte it is given until the body
/// ends, keeping partial lines in its own state; the bytes after the trailer section are left unconsumed,
/// for the next pipelined request. After a failure, close the connection and drop the decoder.
///
/// ```swift
/// var decoder = ChunkedBodyDecoder(maxBodySize: 1 << 20)
/// switch buffer.withUnsafeBytes({ decoder.decode($0, into: &body) }) {
/// case .success(let (consumed, .needMore)): buffer.removeFirst(consumed); readMore()
/// case .success(let (consumed, .complete(let trailers))): buffer.removeFirst(consumed); handle(body, trailers)
/// case .failure(let error): respond(error.status, error.reason); close()
/// }
/// ```
public struct ChunkedBodyDecoder: Sendable {
    /// Whether the body has ended.
    public enum Progress: Sendable, Equatable {
        /// The body goes on; call `decode` again with more bytes.
        case needMore
        /// The body and its trailer section are complete.
        case complete(trailers: HTTPHeaders)
    }

    /// Chunk extensions are ignored, but only up to this many bytes (from the first `;` to the CR) per chunk-size
    /// line; longer ones get 400.
    static let maxChunkExtensionLength = 4 * 1024
    /// A chunk size with more hexadecimal digits than this gets 400 (16 digits fill 64 bits).
    static let maxChunkSizeDigits = 16
    /// Fields that must not be sent as trailers (RFC 9110 §6.5.1): they are dropped.
    static let forbiddenTrailers = ["Content-Length", "Transfer-Encoding", "Host", "Content-Encoding", "Content-Type"]

    private enum State: Sendable {
        /// Reading the hexadecimal digits of a chunk size.
        case size(value: UInt64, digits: Int)
        /// After the digits, whitespace before a `;`.
        case sizeWhitespace(value: UInt64)
        /// After a `;`, an ignored chunk extension.
        case chunkExtension(value: UInt64, length: Int)
        /// After the CR ending a chunk-size line.
        case sizeLineFeed(value: UInt64)
        /// Inside chunk data.
        case data(remaining: Int)
        /// After chunk data, expecting its CR.
        case dataCarriageReturn
        /// After chunk data and its CR, expecting LF.
        case dataLineFeed
        /// In the trailer section, after the last chunk.
        case trailers
        /// After the empty line that ends the trailer section.
        case complete
    }

    private let maxBodySize: Int
    private let limits: HTTPParserLimits
    private var state = State.size(value: 0, digits: 0)
    private var bodySize = 0
    /// The part of the current trailer line received so far.
    private var trailerLine: [UInt8] = []
    private var trailerBytes = 0
    private var trailerCount = 0
    private var trailers = HTTPHeaders()

    /// Creates a decoder that refuses with 413 a body longer than `maxBodySize` bytes, and bounds the trailer
    /// section with the header limits of `limits`.
    public init(maxBodySize: Int, limits: HTTPParserLimits = HTTPParserLimits()) {
        self.maxBodySize = maxBodySize
        self.limits = limits
    }

    /// Consumes bytes from `input` (as many as it can use), appends chunk data to `body`.
    ///
    /// Returns how many bytes were consumed and whether the body is complete: until it is, every byte is
    /// consumed; any bytes after the end of the trailer section are not (they belong to the next pipelined
    /// request). A body longer than the limit is refused with 413 as soon as a chunk size announces it, before
    /// its data is read.
    public mutating func decode(
        _ input: UnsafeRawBufferPointer, into body: inout [UInt8]
    ) -> Result<(consumed: Int, progress: Progress), HTTPRequestError> {
        var index = 0
        while index < input.count {
            switch state {
            case .data(let remaining):
                let count = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<index + count]))
                index += count
                state = remaining == count ? .dataCarriageReturn : .data(remaining: remaining - count)
            case .trailers:
                switch consumeTrailerBytes(input, from: &index) {
                case .done: state = .complete
                case .needMore: break
                case .failure(let error): return .failure(error)
                }
            case .complete:
                return .success((index, .complete(trailers: trailers)))
            default:
                if let error = consumeFramingByte(input[index]) { return .failure(error) }
                index += 1
            }
        }
        if case .complete = state { return .success((index, .complete(trailers: trailers))) }
        return .success((index, .needMore))
    }

    /// Advances over one byte of a chunk-size line or of the CRLF after chunk data.
    private mutating func consumeFramingByte(_ byte: UInt8) -> HTTPRequestError? {
        switch state {
        case .size(let value, let digits):
            if let digit = byte.hexDigitValue {
                guard digits < Self.maxChunkSizeDigits else {
                    return .badRequest("chunk size has more than \(Self.maxChunkSizeDigits) hex digits")
                }
                let size = value << 4 | digit
                guard size <= UInt64(maxBodySize - bodySize) else {
                    return HTTPRequestError(
                        status: .contentTooLarge, reason: "chunked body larger than \(maxBodySize) bytes")
                }
                state = .size(value: size, digits: digits + 1)
                return nil
            }
            guard digits > 0 else { return .unexpected(byte, in: "chunk size (expected a hex digit)") }
            switch byte {
            case .cr: state = .sizeLineFeed(value: value)
            case UInt8(ascii: ";"): state = .chunkExtension(value: value, length: 1)
            case .space, .htab: state = .sizeWhitespace(value: value)
            default: return .unexpected(byte, in: "chunk-size line")
            }
            return nil
        case .sizeWhitespace(let value):
            switch byte {
            case UInt8(ascii: ";"): state = .chunkExtension(value: value, length: 1)
            case .space, .htab: break
            default: return .unexpected(byte, in: "chunk-size line (only a chunk extension may follow whitespace)")
            }
            return nil
        case .chunkExtension(let value, let length):
            if byte == .cr {
                state = .sizeLineFeed(value: value)
            } else if !byte.isFieldValueCharacter {
                return .unexpected(byte, in: "chunk extension")
            } else if length >= Self.maxChunkExtensionLength {
                return .badRequest("chunk extension longer than \(Self.maxChunkExtensionLength) bytes")
            } else {
                state = .chunkExtension(value: value, length: length + 1)
            }
            return nil
        case .sizeLineFeed(let value):
            guard byte == .lf else { return .badRequest("bare CR in chunk-size line") }
            bodySize += Int(value)
            state = value == 0 ? .trailers : .data(remaining: Int(value))
            return nil
        case .dataCarriageReturn:
            guard byte == .cr else { return .badRequest("missing CRLF after chunk data") }
            state = .dataLineFeed
            return nil
        case .dataLineFeed:
            guard byte == .lf else { return .badRequest("missing CRLF after chunk data") }
            state = .size(value: 0, digits: 0)
            return nil
        case .data, .trailers, .complete:
            preconditionFailure("consumeFramingByte called in state \(state)")
        }
    }

    /// Collects trailer bytes up to a line end and parses each complete line; `.done` at the empty line.
    ///
    /// A partial line is parsed early, to be refused at once, when it can no longer fit the section's byte
    /// budget or when new bytes include one that is never valid inside a field line (a control character, CR).
    private mutating func consumeTrailerBytes(
        _ input: UnsafeRawBufferPointer, from index: inout Int
    ) -> ParseStep<Void> {
        let lineEnd = input[index...].firstIndex(of: .lf).map { $0 + 1 }
        // The new bytes, and the one before them: a CR there is bare unless an LF follows it.
        let recheckFrom = max(trailerLine.count - 1, 0)
        trailerLine.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[index..<(lineEnd ?? input.count)]))
        index = lineEnd ?? input.count
        if lineEnd == nil {
            let shortestRest = trailerLine.last == .cr ? 1 : 2
            let overBudget = trailerLine.count + shortestRest > limits.maxHeaderBytes - trailerBytes
            let suspect = trailerLine[recheckFrom...].contains { !$0.isFieldValueCharacter }
            guard overBudget || suspect else { return .needMore }
        }
        let step: ParseStep<HTTPHeaders.Field?> = trailerLine.withUnsafeBytes { line in
            switch FieldLine.parse(
                line, at: 0, usedBytes: trailerBytes, fieldCount: trailerCount, limits: limits, section: .trailer)
            {
            case .done(.endOfSection): .done(nil)
            case .done(.field(let name, let value, _)):
                .done(HTTPHeaders.Field(name: line.text(name), value: line.text(value)))
            case .needMore: .needMore
            case .failure(let error): .failure(error)
            }
        }
        switch step {
        case .done(nil):
            return .done(())
        case .done(let field?):
            trailerBytes += trailerLine.count
            trailerCount += 1
            trailerLine.removeAll(keepingCapacity: true)
            if !Self.forbiddenTrailers.contains(where: field.name.equalsIgnoringASCIICase) {
                trailers.add(name: field.name, value: field.value)
            }
            return .needMore
        case .needMore:
            return .needMore
        case .failure(let error):
            return .failure(error)
        }
    }
}
