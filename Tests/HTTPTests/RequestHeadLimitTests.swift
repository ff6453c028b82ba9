import Testing

@testable import HTTP

@Suite struct RequestHeadLimitTests {
    let limits = HTTPParserLimits(maxRequestLineLength: 64, maxHeaderBytes: 200, maxHeaderCount: 5)

    /// A request line of exactly `length` bytes (CRLF not counted).
    func requestLine(length: Int) -> String {
        let fixed = "GET / HTTP/1.1".utf8.count
        return "GET /" + String(repeating: "a", count: length - fixed) + " HTTP/1.1"
    }

    /// Field lines totalling exactly `length` bytes, CRLFs included; the first is Host.
    func fieldLines(totalling length: Int) -> String {
        let host = "Host: h\r\n"
        return host + "X: " + String(repeating: "v", count: length - host.utf8.count - 5) + "\r\n"
    }

    @Test func defaultsAreDocumented() {
        let defaults = HTTPParserLimits()
        #expect(defaults.maxRequestLineLength == 8 * 1024)
        #expect(defaults.maxHeaderBytes == 64 * 1024)
        #expect(defaults.maxHeaderCount == 100)
    }

    @Test func requestLineAtTheLimitPasses() {
        let wire = bytes(requestLine(length: 64) + "\r\nHost: h\r\n\r\n")
        guard case .complete(let head, _) = parseHead(wire, limits: limits) else {
            Issue.record("expected a complete head")
            return
        }
        #expect(head.target.utf8.count == 64 - 13)
        // Every prefix still waits for more, up to the limit itself and its CR.
        for length in 0..<wire.count { #expect(parseHead(Array(wire.prefix(length)), limits: limits) == .needMore) }
    }

    @Test func requestLineOneByteOverTheLimitIs414() {
        let wire = bytes(requestLine(length: 65) + "\r\nHost: h\r\n\r\n")
        #expect(refusalStatus(parseHead(wire, limits: limits)) == .uriTooLong)
    }

    @Test func requestLineOverTheLimitIs414BeforeItsLineEnd() {
        let line = bytes(requestLine(length: 65))
        #expect(parseHead(Array(line.prefix(64)), limits: limits) == .needMore)
        #expect(refusalStatus(parseHead(line, limits: limits)) == .uriTooLong)
        #expect(refusalStatus(parseHead(line + bytes("\r"), limits: limits)) == .uriTooLong)
    }

    @Test func leadingEmptyLinesDoNotCountTowardsTheRequestLine() {
        let wire = bytes("\r\n" + requestLine(length: 64) + "\r\nHost: h\r\n\r\n")
        guard case .complete = parseHead(wire, limits: limits) else {
            Issue.record("expected a complete head")
            return
        }
    }

    @Test func headerSectionAtTheLimitPasses() {
        let wire = bytes("GET / HTTP/1.1\r\n" + fieldLines(totalling: 200) + "\r\n")
        guard case .complete(let head, let consumed) = parseHead(wire, limits: limits) else {
            Issue.record("expected a complete head")
            return
        }
        #expect(consumed == wire.count)
        #expect(head.headers.count == 2)
        for length in 0..<wire.count { #expect(parseHead(Array(wire.prefix(length)), limits: limits) == .needMore) }
    }

    @Test func headerSectionOneByteOverTheLimitIs431() {
        let wire = bytes("GET / HTTP/1.1\r\n" + fieldLines(totalling: 201) + "\r\n")
        #expect(refusalStatus(parseHead(wire, limits: limits)) == .requestHeaderFieldsTooLarge)
    }

    @Test func headerSectionOverTheLimitIs431BeforeTheHeadEnds() {
        let start = bytes("GET / HTTP/1.1\r\nHost: h\r\nX: ")
        let sectionStart = bytes("GET / HTTP/1.1\r\n").count
        // 199 section bytes present: the field's CRLF would make 201.
        let tooLong = start + Array(repeating: UInt8(ascii: "v"), count: sectionStart + 199 - start.count)
        #expect(refusalStatus(parseHead(tooLong, limits: limits)) == .requestHeaderFieldsTooLarge)
        // 198 present: the CRLF would make exactly 200, so wait.
        #expect(parseHead(Array(tooLong.dropLast()), limits: limits) == .needMore)
        #expect(parseHead(Array(tooLong.dropLast()) + bytes("\r"), limits: limits) == .needMore)
    }

    @Test func headerCountAtTheLimitPasses() {
        let fields = (1...4).map { "X-\($0): v\r\n" }.joined()
        let wire = bytes("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n")
        guard case .complete(let head, _) = parseHead(wire, limits: limits) else {
            Issue.record("expected a complete head")
            return
        }
        #expect(head.headers.count == 5)
    }

    @Test func headerCountOneOverTheLimitIs431AsSoonAsTheFieldStarts() {
        let fields = (1...5).map { "X-\($0): v\r\n" }.joined()
        let wire = bytes("GET / HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n")
        #expect(refusalStatus(parseHead(wire, limits: limits)) == .requestHeaderFieldsTooLarge)
        let started = bytes("GET / HTTP/1.1\r\nHost: h\r\n" + (1...4).map { "X-\($0): v\r\n" }.joined() + "X")
        #expect(refusalStatus(parseHead(started, limits: limits)) == .requestHeaderFieldsTooLarge)
    }

    @Test func leadingEmptyLinesAtTheLimitPass() {
        let wire = bytes(
            String(repeating: "\r\n", count: RequestHeadParser.maxLeadingEmptyLines) + "GET / HTTP/1.0\r\n\r\n")
        #expect(
            parseHead(wire)
                == .complete(
                    HTTPRequestHead(method: "GET", target: "/", version: .http1_0, headers: [:]), consumed: wire.count))
    }
}
