/// Turns a connection's bytes into requests, one at a time. Pure: no I/O, no clock, so every path is unit-tested
/// with plain byte arrays.
public struct RequestDecoder: Sendable {
    /// What the bytes decoded so far amount to.
    public enum Event: Sendable {
        /// Nothing complete yet: read more bytes.
        case needMore
        /// A head whose body is still to come; when `expectsContinue` the client waits for `100 Continue`.
        case headReceived(HTTPRequestHead, expectsContinue: Bool)
        /// A whole request, body de-chunked and content-decoded.
        case request(HTTPRequest)
        /// A request to refuse; the connection closes after the error response.
        case failure(HTTPRequestError)
    }

    private enum State {
        case head
        case contentLength(HTTPRequestHead, remaining: Int)
        case chunked(HTTPRequestHead, ChunkedBodyDecoder)
    }

    private let limits: HTTPParserLimits
    private let maxInflatedBodySize: Int
    private var state: State = .head
    private var body: [UInt8] = []

    /// A decoder with these head limits and this bound on the decoded size of compressed bodies.
    public init(limits: HTTPParserLimits, maxInflatedBodySize: Int) {
        self.limits = limits
        self.maxInflatedBodySize = maxInflatedBodySize
    }

    /// Whether no part of a request has been decoded (between requests on a keep-alive connection).
    public var isBetweenRequests: Bool {
        if case .head = state { return true }
        return false
    }

    /// Decodes from `bytes`, returning how many bytes it used and what they amount to. Call again with the
    /// rest after an event other than `needMore`; bytes after a complete request belong to the next one.
    public mutating func decode(
        _ bytes: UnsafeRawBufferPointer, bodyLimit: (HTTPRequestHead) -> Int
    ) -> (consumed: Int, event: Event) {
        switch state {
        case .head:
            switch RequestHeadParser.parse(bytes, limits: limits) {
            case .needMore:
                return (0, .needMore)
            case .failure(let error):
                return (0, .failure(error))
            case .complete(let head, let consumed):
                return (consumed, startBody(of: head, limit: bodyLimit(head)))
            }
        case .contentLength(let head, let remaining):
            let taken = min(remaining, bytes.count)
            body.append(contentsOf: bytes[0..<taken])
            if taken == remaining {
                return (taken, finish(head, trailers: HTTPHeaders()))
            }
            state = .contentLength(head, remaining: remaining - taken)
            return (taken, .needMore)
        case .chunked(let head, var decoder):
            state = .head  // keeps `decoder` uniquely referenced while it mutates
            switch decoder.decode(bytes, into: &body) {
            case .failure(let error):
                return (0, .failure(error))
            case .success((let consumed, .needMore)):
                state = .chunked(head, decoder)
                return (consumed, .needMore)
            case .success((let consumed, .complete(let trailers))):
                return (consumed, finish(head, trailers: trailers))
            }
        }
    }

    private mutating func startBody(of head: HTTPRequestHead, limit: Int) -> Event {
        let framing: BodyFraming
        switch BodyFraming.of(head) {
        case .failure(let error): return .failure(error)
        case .success(let value): framing = value
        }
        let expectation = head.version == .http1_1 ? head.headers["Expect"] : nil
        if let expectation, !expectation.equalsIgnoringASCIICase("100-continue") {
            return .failure(HTTPRequestError(
                status: .expectationFailed, reason: "unsupported expectation '\(expectation)'; only 100-continue"))
        }
        switch framing {
        case .none, .contentLength(0):
            return finish(head, trailers: HTTPHeaders())
        case .contentLength(let length):
            guard length <= limit else {
                return .failure(HTTPRequestError(
                    status: .contentTooLarge, reason: "body of \(length) bytes exceeds the limit of \(limit) bytes"))
            }
            body.reserveCapacity(length)
            state = .contentLength(head, remaining: length)
        case .chunked:
            state = .chunked(head, ChunkedBodyDecoder(maxBodySize: limit, limits: limits))
        }
        return .headReceived(head, expectsContinue: expectation != nil)
    }

    private mutating func finish(_ head: HTTPRequestHead, trailers: HTTPHeaders) -> Event {
        state = .head
        var wireBody: [UInt8] = []
        swap(&wireBody, &body)
        guard let coding = head.headers["Content-Encoding"], !wireBody.isEmpty else {
            return .request(HTTPRequest(head: head, body: wireBody, trailers: trailers))
        }
        switch ContentDecoder.decode(wireBody, contentEncoding: coding, maxDecodedSize: maxInflatedBodySize) {
        case .failure(let error):
            return .failure(error)
        case .success(let decoded):
            return .request(HTTPRequest(head: head, body: decoded, trailers: trailers))
        }
    }
}
