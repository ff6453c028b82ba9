/// Incremental decoder of one response to one request: head, body framing (RFC 9112 §6.3), content coding.
///
/// A pure state machine over the bytes as they arrive, so that every framing and every truncation can be tested
/// without sockets. Feed it with `receive` and, when the server closes, `receiveEnd`; once it answers
/// `.complete`, the exchange is over.
struct ResponseDecoder {
    /// Whether the response is complete.
    enum Progress {
        /// Read more and call `receive` again (or `receiveEnd` if the server closed).
        case needMore
        /// The response; `reusable` when the connection may carry another request.
        case complete(HTTPClientResponse, reusable: Bool)
    }

    /// Why the response is refused.
    enum Failure: Error, Equatable {
        /// Not valid HTTP/1.1, or a content coding that cannot be decoded.
        case malformed(String)
        /// Beyond a limit of the head or of the body.
        case tooLarge(String)
        /// The server closed before the response was complete.
        case closedEarly(String)
    }

    private enum State {
        case head
        case fixedLength(remaining: Int)
        case chunked(ChunkedBodyDecoder)
        case untilClose
        case complete
    }

    private let requestMethod: String
    private let limits: HTTPParserLimits
    private let maxBodySize: Int
    private let decodesContent: Bool
    private var state = State.head
    private var pending: [UInt8] = []
    private var head: ResponseHead?
    private var body: [UInt8] = []
    /// Whether any byte of a response arrived (a server that closes before one may have timed the connection out).
    private(set) var hasReceivedBytes = false

    /// Interim (1xx) responses skipped before the final one; one more is refused.
    static let maxInterimResponses = 8
    private var interimResponses = 0

    /// A decoder for the response to a `requestMethod` request (a `HEAD` response has no body); `decodesContent`
    /// when the client asked for `gzip` and so must decode it.
    init(requestMethod: String, limits: HTTPParserLimits, maxBodySize: Int, decodesContent: Bool) {
        self.requestMethod = requestMethod
        self.limits = limits
        self.maxBodySize = maxBodySize
        self.decodesContent = decodesContent
    }

    /// Consumes `bytes`, as many as arrived.
    mutating func receive(_ bytes: UnsafeRawBufferPointer) -> Result<Progress, Failure> {
        if !bytes.isEmpty { hasReceivedBytes = true }
        switch state {
        case .head:
            pending.append(contentsOf: bytes)
            return parseHead()
        case .complete:
            return .success(.needMore)
        default:
            return receiveBody(bytes)
        }
    }

    /// The server closed the connection (cleanly, or, with `clean` false, a TLS connection without
    /// `close_notify`, which may have cut the body short).
    mutating func receiveEnd(clean: Bool = true) -> Result<Progress, Failure> {
        switch state {
        case .head:
            let what = pending.isEmpty ? "before a response" : "inside the response head"
            return .failure(.closedEarly("server closed the connection \(what)"))
        case .fixedLength(let remaining):
            return .failure(.closedEarly("server closed the connection with \(remaining) bytes of the body missing"))
        case .chunked:
            return .failure(.closedEarly("server closed the connection inside a chunked body"))
        case .untilClose where !clean:
            return .failure(.closedEarly("TLS connection closed without close_notify: the body may be truncated"))
        case .untilClose:
            return finish(reusable: false)
        case .complete:
            return .success(.needMore)
        }
    }

    private mutating func parseHead() -> Result<Progress, Failure> {
        while true {
            let step = pending.withUnsafeBytes { ResponseHeadParser.parse($0, limits: limits) }
            switch step {
            case .needMore:
                return .success(.needMore)
            case .failure(let error):
                return .failure(Self.failure(error, while: "reading the response head"))
            case .done(let (parsed, consumed)):
                pending.removeFirst(consumed)
                if parsed.status.code == 101 {
                    return .failure(.malformed("101 Switching Protocols to a request that asked for no upgrade"))
                }
                if parsed.status.code < 200 {
                    interimResponses += 1
                    guard interimResponses <= Self.maxInterimResponses else {
                        return .failure(.malformed("more than \(Self.maxInterimResponses) interim responses"))
                    }
                    continue
                }
                head = parsed
                return startBody(parsed)
            }
        }
    }

    /// Chooses the body's framing from the head (RFC 9112 §6.3) and consumes the body bytes that came with it.
    private mutating func startBody(_ head: ResponseHead) -> Result<Progress, Failure> {
        let code = head.status.code
        let transferEncodings = head.headers.tokens(forName: "Transfer-Encoding")
        let contentLengths = head.headers.values(forName: "Content-Length")
        if requestMethod == "HEAD" || code == 204 || code == 304 {
            state = .fixedLength(remaining: 0)
        } else if !transferEncodings.isEmpty {
            guard contentLengths.isEmpty else {
                return .failure(.malformed("both Transfer-Encoding and Content-Length in the response"))
            }
            // A final coding other than chunked leaves the length to the close (RFC 9112 §6.3 item 4).
            let chunked = transferEncodings.last == "chunked"
            state = chunked ? .chunked(ChunkedBodyDecoder(maxBodySize: maxBodySize, limits: limits)) : .untilClose
        } else if let first = contentLengths.first {
            guard contentLengths.allSatisfy({ $0 == first }) else {
                return .failure(.malformed("conflicting Content-Length values \(contentLengths)"))
            }
            switch BodyFraming.parseContentLength(first) {
            case .success(let length) where length > maxBodySize:
                return .failure(.tooLarge("Content-Length \(length) is larger than the limit of \(maxBodySize) bytes"))
            case .success(let length):
                state = .fixedLength(remaining: length)
                body.reserveCapacity(length)
            case .failure(let error):
                return .failure(.malformed(error.reason))
            }
        } else {
            state = .untilClose
        }
        let rest = pending
        pending = []
        return rest.withUnsafeBytes { receiveBody($0) }
    }

    private mutating func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Result<Progress, Failure> {
        switch state {
        case .fixedLength(let remaining):
            let count = min(remaining, bytes.count)
            body.append(contentsOf: bytes.prefix(count))
            state = .fixedLength(remaining: remaining - count)
            guard remaining == count else { return .success(.needMore) }
            return finish(reusable: count == bytes.count)
        case .chunked(var decoder):
            state = .complete  // drops the enum's copy, so the decoder's buffers mutate in place
            let result = decoder.decode(bytes, into: &body)
            state = .chunked(decoder)
            switch result {
            case .failure(let error):
                return .failure(Self.failure(error, while: "reading the chunked body"))
            case .success((_, .needMore)):
                return .success(.needMore)
            case .success((let consumed, .complete(let trailers))):
                return finish(reusable: consumed == bytes.count, trailers: trailers)
            }
        case .untilClose:
            guard body.count + bytes.count <= maxBodySize else {
                return .failure(.tooLarge("response body larger than the limit of \(maxBodySize) bytes"))
            }
            body.append(contentsOf: bytes)
            return .success(.needMore)
        case .head, .complete:
            preconditionFailure("receiveBody in state \(state)")
        }
    }

    /// The complete response, its body decoded; `reusable` when the framing and the server allow another request.
    private mutating func finish(reusable framingAllows: Bool, trailers: HTTPHeaders = HTTPHeaders()) -> Result<
        Progress, Failure
    > {
        state = .complete
        guard let head else { preconditionFailure("finish before the head") }
        var headers = head.headers
        var decodedBody = body
        body = []
        if decodesContent, let coding = headers["Content-Encoding"], !decodedBody.isEmpty {
            switch ContentDecoder.decode(decodedBody, contentEncoding: coding, maxDecodedSize: maxBodySize) {
            case .success(let decoded):
                decodedBody = decoded
                headers.remove(name: "Content-Encoding")
                headers.remove(name: "Content-Length")
            case .failure(let error) where error.status == .contentTooLarge:
                return .failure(.tooLarge("decoded response body larger than the limit of \(maxBodySize) bytes"))
            case .failure(let error):
                return .failure(.malformed(error.reason))
            }
        }
        let connection = headers.tokens(forName: "Connection")
        let keepAlive = head.version == .http1_1 ? !connection.contains("close") : connection.contains("keep-alive")
        let response = HTTPClientResponse(
            status: head.status, version: head.version, headers: headers, body: decodedBody, trailers: trailers)
        return .success(.complete(response, reusable: framingAllows && keepAlive))
    }

    /// A parser refusal as a response failure: the limits (413, 414, 431) make `tooLarge`, the rest `malformed`.
    private static func failure(_ error: HTTPRequestError, while phase: String) -> Failure {
        switch error.status {
        case .contentTooLarge, .uriTooLong, .requestHeaderFieldsTooLarge:
            .tooLarge("\(error.reason) (\(phase))")
        default:
            .malformed("\(error.reason) (\(phase))")
        }
    }
}
