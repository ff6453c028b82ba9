import Testing

@testable import HTTP

/// A chunked body the decoder must accept, and what it decodes to.
struct ValidChunkedBody: CustomTestStringConvertible, Sendable {
    var name: String
    var wire: [UInt8]
    var body: [UInt8]
    var trailers: HTTPHeaders

    var testDescription: String { name }

    static let all: [ValidChunkedBody] = [
        ValidChunkedBody(
            name: "extensions and trailers",
            wire:
                "5;name=value\r\nhello\r\n7 ; a=b;c=\"d e\"\r\n, world\r\n0;last\r\nX-Checksum: abc\r\nX-Note:\t two words \r\n\r\n",
            body: "hello, world", trailers: ["X-Checksum": "abc", "X-Note": "two words"]),
        ValidChunkedBody(
            name: "upper- and lower-case hex, no trailers",
            wire: "A\r\n0123456789\r\nb\r\nabcdefghijk\r\n0\r\n\r\n", body: "0123456789abcdefghijk", trailers: [:]),
        ValidChunkedBody(name: "empty body", wire: "0\r\n\r\n", body: "", trailers: [:]),
        ValidChunkedBody(
            name: "sixteen hex digits", wire: "0000000000000003\r\nabc\r\n0\r\n\r\n", body: "abc", trailers: [:]),
        ValidChunkedBody(
            name: "forbidden trailers dropped",
            wire: "1\r\nx\r\n0\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\nhost: h\r\n"
                + "Content-Encoding: gzip\r\nContent-Type: text/plain\r\nX-Kept: yes\r\n\r\n",
            body: "x", trailers: ["X-Kept": "yes"]),
    ]

    init(name: String, wire: String, body: String, trailers: HTTPHeaders) {
        self.name = name
        self.wire = bytes(wire)
        self.body = bytes(body)
        self.trailers = trailers
    }
}

/// A chunked body the decoder must refuse, with the status of the refusal.
struct RefusedChunkedBody: CustomTestStringConvertible, Sendable {
    var name: String
    var wire: [UInt8]
    var status: HTTPStatus

    var testDescription: String { name }

    init(_ name: String, _ wire: String, _ status: HTTPStatus = .badRequest) {
        self.name = name
        self.wire = bytes(wire)
        self.status = status
    }

    static let all: [RefusedChunkedBody] = [
        RefusedChunkedBody("seventeen hex digits", "00000000000000001\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("empty chunk size", "\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("non-hex chunk size", "g\r\n"),
        RefusedChunkedBody("signed chunk size", "+1\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("0x prefix", "0x1\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("extension without size", ";a\r\n"),
        RefusedChunkedBody("whitespace without extension", "1 \r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("two numbers", "1 2\r\nxx\r\n0\r\n\r\n"),
        RefusedChunkedBody("bare LF after chunk size", "1\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("bare CR after chunk size", "1\rx\r\n0\r\n\r\n"),
        RefusedChunkedBody("control character in extension", "1;a=\u{01}\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("bare LF in extension", "1;a\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody(
            "extension over its limit",
            "1;" + String(repeating: "e", count: ChunkedBodyDecoder.maxChunkExtensionLength) + "\r\nx\r\n0\r\n\r\n"),
        RefusedChunkedBody("data longer than its size", "1\r\nxy\r\n0\r\n\r\n"),
        RefusedChunkedBody("LF only after data", "1\r\nx\n0\r\n\r\n"),
        RefusedChunkedBody("CR only after data", "1\r\nx\r0\r\n\r\n"),
        RefusedChunkedBody("trailer with space before colon", "0\r\nX-A : b\r\n\r\n"),
        RefusedChunkedBody("trailer obs-fold", "0\r\nX-A: b\r\n c\r\n\r\n"),
        RefusedChunkedBody("trailer control character", "0\r\nX-A: b\u{7F}\r\n\r\n"),
        RefusedChunkedBody("trailer bare LF", "0\r\nX-A: b\n\r\n"),
        RefusedChunkedBody("trailer without colon", "0\r\nX-A\r\n\r\n"),
        RefusedChunkedBody("bare LF ending the trailer section", "0\r\nX-A: b\r\n\n"),
        RefusedChunkedBody("bare CR ending the trailer section", "0\r\n\rX"),
        RefusedChunkedBody("chunk over the body limit", "11\r\n", .contentTooLarge),
        RefusedChunkedBody("chunks adding up over the body limit", "8\r\n12345678\r\n9\r\n", .contentTooLarge),
        RefusedChunkedBody("huge chunk size", "FFFFFFFFFFFFFFFF\r\n", .contentTooLarge),
    ]
}

@Suite struct ChunkedBodyDecoderTests {
    /// A request that follows the body on the same connection: never consumed by the decoder.
    let pipelined = bytes("GET /next HTTP/1.1\r\nHost: h\r\n\r\n")

    @Test(arguments: ValidChunkedBody.all)
    func decodesInOnePiece(sample: ValidChunkedBody) throws {
        let expected = DecodedChunkedBody(body: sample.body, trailers: sample.trailers, consumed: sample.wire.count)
        #expect(try decodeChunked([sample.wire + pipelined])?.get() == expected)
    }

    @Test(arguments: ValidChunkedBody.all)
    func decodesWhereverTheBodyIsSplit(sample: ValidChunkedBody) throws {
        let wire = sample.wire + pipelined
        let expected = DecodedChunkedBody(body: sample.body, trailers: sample.trailers, consumed: sample.wire.count)
        for offset in 0...wire.count {
            let pieces = [Array(wire[..<offset]), Array(wire[offset...])]
            #expect(try decodeChunked(pieces)?.get() == expected, "split at \(offset)")
        }
    }

    @Test(arguments: ValidChunkedBody.all)
    func decodesByteByByte(sample: ValidChunkedBody) throws {
        let expected = DecodedChunkedBody(body: sample.body, trailers: sample.trailers, consumed: sample.wire.count)
        #expect(try decodeChunked((sample.wire + pipelined).map { [$0] })?.get() == expected)
    }

    @Test(arguments: ValidChunkedBody.all)
    func consumesEverythingUntilTheBodyEnds(sample: ValidChunkedBody) {
        var decoder = ChunkedBodyDecoder(maxBodySize: 1 << 20)
        var body: [UInt8] = []
        let prefix = Array(sample.wire.dropLast())
        let step = prefix.withUnsafeBytes { decoder.decode($0, into: &body) }
        guard case .success(let (consumed, progress)) = step else {
            Issue.record("unexpected \(step)")
            return
        }
        #expect(consumed == prefix.count)
        #expect(progress == .needMore)
    }

    @Test(arguments: RefusedChunkedBody.all)
    func refusedWithItsStatus(refusal: RefusedChunkedBody) {
        guard case .failure(let error) = decodeChunked([refusal.wire], maxBodySize: 16) else {
            Issue.record("not refused")
            return
        }
        #expect(error.status == refusal.status)
    }

    @Test(arguments: RefusedChunkedBody.all)
    func refusedWhenFedByteByByte(refusal: RefusedChunkedBody) {
        guard case .failure(let error) = decodeChunked(refusal.wire.map { [$0] }, maxBodySize: 16) else {
            Issue.record("not refused")
            return
        }
        #expect(error.status == refusal.status)
    }

    @Test func bodyAtTheLimitPasses() throws {
        let wire = bytes("8\r\n12345678\r\n8\r\n12345678\r\n0\r\n\r\n")
        #expect(try decodeChunked([wire], maxBodySize: 16)?.get().body.count == 16)
    }

    @Test func chunkExtensionAtTheLimitPasses() throws {
        let wire = bytes(
            "1;" + String(repeating: "e", count: ChunkedBodyDecoder.maxChunkExtensionLength - 1) + "\r\nx\r\n0\r\n\r\n")
        #expect(try decodeChunked([wire])?.get().body == bytes("x"))
    }

    @Test func trailerSectionAtTheLimitPasses() throws {
        let limits = HTTPParserLimits(maxHeaderBytes: 40, maxHeaderCount: 2)
        // "X-A: " + 33 bytes + CRLF = 40 bytes.
        let wire = bytes("0\r\nX-A: " + String(repeating: "v", count: 33) + "\r\n\r\n")
        #expect(try decodeChunked([wire], limits: limits)?.get().trailers.count == 1)
        #expect(try decodeChunked(wire.map { [$0] }, limits: limits)?.get().trailers.count == 1)
    }

    @Test func trailerSectionOneByteOverTheLimitIs431EvenBeforeItsLineEnd() {
        let limits = HTTPParserLimits(maxHeaderBytes: 40, maxHeaderCount: 2)
        let wire = bytes("0\r\nX-A: " + String(repeating: "v", count: 34) + "\r\n\r\n")
        guard case .failure(let whole) = decodeChunked([wire], limits: limits) else {
            Issue.record("not refused")
            return
        }
        #expect(whole.status == .requestHeaderFieldsTooLarge)
        // Without its line end, the line is refused as soon as it cannot fit.
        guard case .failure(let early) = decodeChunked(Array(wire.dropLast(4)).map { [$0] }, limits: limits) else {
            Issue.record("not refused before the line end")
            return
        }
        #expect(early.status == .requestHeaderFieldsTooLarge)
    }

    @Test func trailerCountAtAndOverTheLimit() throws {
        let limits = HTTPParserLimits(maxHeaderCount: 2)
        let two = bytes("0\r\nA: 1\r\nB: 2\r\n\r\n")
        #expect(try decodeChunked([two], limits: limits)?.get().trailers.count == 2)
        guard case .failure(let error) = decodeChunked([bytes("0\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n")], limits: limits)
        else {
            Issue.record("not refused")
            return
        }
        #expect(error.status == .requestHeaderFieldsTooLarge)
    }

    @Test func oversizedChunkIsRefusedBeforeItsData() {
        var decoder = ChunkedBodyDecoder(maxBodySize: 100)
        var body: [UInt8] = []
        // 0x65 = 101 bytes announced: refused before the size line even ends.
        let step = bytes("65").withUnsafeBytes { decoder.decode($0, into: &body) }
        guard case .failure(let error) = step else {
            Issue.record("not refused")
            return
        }
        #expect(error.status == .contentTooLarge)
    }

    @Test func completeDecoderConsumesNothingMore() {
        var decoder = ChunkedBodyDecoder(maxBodySize: 100)
        var body: [UInt8] = []
        _ = bytes("0\r\n\r\n").withUnsafeBytes { decoder.decode($0, into: &body) }
        let again = pipelined.withUnsafeBytes { decoder.decode($0, into: &body) }
        guard case .success(let (consumed, progress)) = again else {
            Issue.record("unexpected \(again)")
            return
        }
        #expect(consumed == 0)
        #expect(progress == .complete(trailers: [:]))
    }
}
