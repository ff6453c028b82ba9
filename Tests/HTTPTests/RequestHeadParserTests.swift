import Testing

@testable import HTTP

/// A valid request, and the head it must parse to.
struct ValidRequestSample: CustomTestStringConvertible, Sendable {
    var name: String
    var wire: [UInt8]
    /// The length of the head, leading empty lines and final empty line included.
    var headLength: Int
    var head: HTTPRequestHead

    var testDescription: String { name }

    static let all: [ValidRequestSample] = [
        ValidRequestSample(
            name: "GET with headers",
            wire: "GET /search?q=deal%20hook HTTP/1.1\r\nHost: example.com\r\nUser-Agent: test/1.0\r\nAccept:*/*\r\n"
                + "X-Empty:\r\nX-Padded: \t value  with  spaces \t\r\nx-repeat: 1\r\nX-Repeat: 2\r\n\r\n",
            head: HTTPRequestHead(
                method: "GET", target: "/search?q=deal%20hook", version: .http1_1,
                headers: [
                    "Host": "example.com", "User-Agent": "test/1.0", "Accept": "*/*", "X-Empty": "",
                    "X-Padded": "value  with  spaces", "x-repeat": "1", "X-Repeat": "2",
                ])),
        ValidRequestSample(
            name: "POST with Content-Length",
            wire:
                "POST /forms/contact HTTP/1.1\r\nHost: a.test\r\nContent-Length: 11\r\nContent-Type: text/plain\r\n\r\n",
            after: "hello world",
            head: HTTPRequestHead(
                method: "POST", target: "/forms/contact", version: .http1_1,
                headers: ["Host": "a.test", "Content-Length": "11", "Content-Type": "text/plain"])),
        ValidRequestSample(
            name: "chunked with extensions and trailers",
            wire: "POST /hooks/stripe HTTP/1.1\r\nHost: hooks.test\r\nTransfer-Encoding: chunked\r\n\r\n",
            after: "5;name=value\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n",
            head: HTTPRequestHead(
                method: "POST", target: "/hooks/stripe", version: .http1_1,
                headers: ["Host": "hooks.test", "Transfer-Encoding": "chunked"])),
        ValidRequestSample(
            name: "HTTP/1.0 without Host",
            wire: "GET / HTTP/1.0\r\n\r\n",
            head: HTTPRequestHead(method: "GET", target: "/", version: .http1_0, headers: [:])),
        ValidRequestSample(
            name: "leading empty lines",
            wire: "\r\n\r\nDELETE /items/7 HTTP/1.1\r\nhost: h\r\n\r\n",
            head: HTTPRequestHead(method: "DELETE", target: "/items/7", version: .http1_1, headers: ["host": "h"])),
        ValidRequestSample(
            name: "absolute-form target",
            wire: "GET http://example.com/a?b HTTP/1.1\r\nHost: example.com\r\n\r\n",
            head: HTTPRequestHead(
                method: "GET", target: "http://example.com/a?b", version: .http1_1, headers: ["Host": "example.com"])),
        ValidRequestSample(
            name: "OPTIONS asterisk",
            wire: "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
            head: HTTPRequestHead(method: "OPTIONS", target: "*", version: .http1_1, headers: ["Host": "h"])),
        ValidRequestSample(
            name: "obs-text in a value",
            wire: "GET / HTTP/1.1\r\nHost: h\r\nX-Name: Zoë\r\n\r\n",
            head: HTTPRequestHead(
                method: "GET", target: "/", version: .http1_1, headers: ["Host": "h", "X-Name": "Zoë"])),
    ]

    /// A sample whose head is `wire`, followed by `after` (a body) on the connection.
    init(name: String, wire head: String, after: String = "", head expected: HTTPRequestHead) {
        self.name = name
        self.wire = bytes(head + after)
        self.headLength = head.utf8.count
        self.head = expected
    }
}

@Suite struct RequestHeadParserTests {
    @Test(arguments: ValidRequestSample.all)
    func everyTruncatedPrefixNeedsMore(sample: ValidRequestSample) {
        for length in 0..<sample.headLength {
            let result = parseHead(Array(sample.wire.prefix(length)))
            #expect(result == .needMore, "prefix of \(length) bytes")
        }
    }

    @Test(arguments: ValidRequestSample.all)
    func completeHeadParses(sample: ValidRequestSample) {
        // Whatever follows the head (a body, a pipelined request) is not consumed.
        for length in [sample.headLength, sample.wire.count] {
            #expect(parseHead(Array(sample.wire.prefix(length))) == .complete(sample.head, consumed: sample.headLength))
        }
    }

    @Test func pipelinedRequestsParseOneAfterTheOther() {
        var buffer = bytes("GET /1 HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n")
        var targets: [String] = []
        while case .complete(let head, let consumed) = parseHead(buffer) {
            targets.append(head.target)
            buffer.removeFirst(consumed)
        }
        #expect(targets == ["/1", "/2"])
        #expect(buffer.isEmpty)
    }

    @Test func headerValuesAreTrimmedButKeepInnerWhitespace() {
        guard case .complete(let head, _) = parseHead(bytes("GET / HTTP/1.1\r\nHost:\t h \t\r\nX: a\tb\r\n\r\n")) else {
            Issue.record("expected a complete head")
            return
        }
        #expect(head.headers["host"] == "h")
        #expect(head.headers["X"] == "a\tb")
    }

    @Test func refusalReasonSaysWhatAndWhere() {
        let result = parseHead(bytes("GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{01}b\r\n\r\n"))
        #expect(
            result
                == .failure(
                    HTTPRequestError(status: .badRequest, reason: "invalid character 0x01 in value of header 'X-A'")))
    }

    @Test func chunkedRequestEndToEnd() throws {
        let wire = bytes(
            "POST /hooks HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "4;sig=1\r\nWiki\r\n5\r\npedia\r\n0\r\nX-Sum: 9\r\n\r\nGET / HTTP/1.1\r\n")
        guard case .complete(let head, let headLength) = parseHead(wire) else {
            Issue.record("expected a complete head")
            return
        }
        #expect(try BodyFraming.of(head).get() == .chunked)
        let decoded = try decodeChunked([Array(wire[headLength...])])?.get()
        #expect(decoded?.body == bytes("Wikipedia"))
        #expect(decoded?.trailers == ["X-Sum": "9"])
        let rest = Array(wire[(headLength + (decoded?.consumed ?? 0))...])
        #expect(rest == bytes("GET / HTTP/1.1\r\n"))
    }

    @Test func contentLengthIsReadFromTheTrimmedValue() throws {
        guard
            case .complete(let head, _) = parseHead(bytes("POST / HTTP/1.1\r\nHost: h\r\nContent-Length:  5 \r\n\r\n"))
        else {
            Issue.record("expected a complete head")
            return
        }
        #expect(try BodyFraming.of(head).get() == .contentLength(5))
    }

    @Test func binaryGarbageIsRefusedAtOnce() {
        // The start of a TLS ClientHello sent to the plain-text port.
        #expect(refusalStatus(parseHead([0x16, 0x03, 0x01, 0x02, 0x00])) == .badRequest)
    }

    @Test func errorDescriptionHasStatusAndReason() {
        let error = HTTPRequestError(status: .badRequest, reason: "bare LF in request line")
        #expect(error.description == "400 Bad Request: bare LF in request line")
    }
}
