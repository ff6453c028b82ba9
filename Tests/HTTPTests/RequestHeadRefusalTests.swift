import Testing

@testable import HTTP

/// A head the parser must refuse, with the status of the refusal.
struct RefusedHead: CustomTestStringConvertible, Sendable {
    var name: String
    var wire: [UInt8]
    var status: HTTPStatus

    var testDescription: String { name }

    init(_ name: String, _ wire: String, _ status: HTTPStatus = .badRequest) {
        self.name = name
        self.wire = bytes(wire)
        self.status = status
    }

    init(_ name: String, bytes wire: [UInt8], _ status: HTTPStatus = .badRequest) {
        self.name = name
        self.wire = wire
        self.status = status
    }

    static let all: [RefusedHead] = [
        // Request line.
        RefusedHead("method with a non-token character", "G(T / HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("request line starting with a space", " GET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("two spaces before the target", "GET  / HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("space inside the target", "GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("control character in the target", "GET /a\u{01}b HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("DEL in the target", "GET /a\u{7F} HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("non-ASCII target", "GET /café HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("asterisk target with GET", "GET * HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("asterisk with more", "OPTIONS *x HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("authority-form target", "CONNECT example.com:443 HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("relative target", "GET index.html HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("HTTP/0.9 request line without version", "GET /\r\n\r\n"),
        RefusedHead("space after the version", "GET / HTTP/1.1 \r\nHost: h\r\n\r\n"),
        RefusedHead("lower-case version", "GET / http/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("version without dot", "GET / HTTP/11\r\nHost: h\r\n\r\n"),
        RefusedHead("two-digit minor version", "GET / HTTP/1.10\r\nHost: h\r\n\r\n"),
        RefusedHead("HTTP/2.0", "GET / HTTP/2.0\r\nHost: h\r\n\r\n", .httpVersionNotSupported),
        RefusedHead("HTTP/1.2", "GET / HTTP/1.2\r\nHost: h\r\n\r\n", .httpVersionNotSupported),
        RefusedHead("HTTP/0.9", "GET / HTTP/0.9\r\n\r\n", .httpVersionNotSupported),
        // Line endings.
        RefusedHead("bare LF ending the request line", "GET / HTTP/1.1\nHost: h\r\n\r\n"),
        RefusedHead("bare CR ending the request line", "GET / HTTP/1.1\rHost: h\r\n\r\n"),
        RefusedHead("bare LF ending a field line", "GET / HTTP/1.1\r\nHost: h\n\r\n"),
        RefusedHead("bare LF as the empty line", "GET / HTTP/1.1\r\nHost: h\r\n\n"),
        RefusedHead("bare CR inside a value", "GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n"),
        RefusedHead("bare CR as the empty line", "GET / HTTP/1.1\r\nHost: h\r\n\rX"),
        RefusedHead("bare LF before the request line", "\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("bare CR before the request line", "\rXGET / HTTP/1.1\r\nHost: h\r\n\r\n"),
        RefusedHead("bare LF in the method", "GET\n"),
        RefusedHead(
            "too many empty lines before the request line",
            String(repeating: "\r\n", count: RequestHeadParser.maxLeadingEmptyLines + 1) + "GET / HTTP/1.0\r\n\r\n"),
        // Header fields.
        RefusedHead("space between field name and colon", "GET / HTTP/1.1\r\nHost : h\r\n\r\n"),
        RefusedHead("tab between field name and colon", "GET / HTTP/1.1\r\nHost\t: h\r\n\r\n"),
        RefusedHead("obs-fold", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n"),
        RefusedHead("whitespace before the first field", "GET / HTTP/1.1\r\n Host: h\r\n\r\n"),
        RefusedHead("non-token field name", "GET / HTTP/1.1\r\nHost: h\r\nX(A): a\r\n\r\n"),
        RefusedHead("empty field name", "GET / HTTP/1.1\r\nHost: h\r\n: a\r\n\r\n"),
        RefusedHead("field line without colon", "GET / HTTP/1.1\r\nHost: h\r\nX-A\r\n\r\n"),
        RefusedHead("control character in a value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{01}b\r\n\r\n"),
        RefusedHead("NUL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{00}b\r\n\r\n"),
        RefusedHead("DEL in a value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\u{7F}b\r\n\r\n"),
        RefusedHead("escape in a value", "GET / HTTP/1.1\r\nHost: h\r\nX-A: \u{1B}[31m\r\n\r\n"),
        // Host.
        RefusedHead("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
        RefusedHead("two Host fields", "GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n"),
        RefusedHead("two Host fields in HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nHost: a\r\n\r\n"),
    ]
}

@Suite struct RequestHeadRefusalTests {
    @Test(arguments: RefusedHead.all)
    func refusedWithItsStatus(refusal: RefusedHead) {
        #expect(refusalStatus(parseHead(refusal.wire)) == refusal.status)
    }

    /// A refusal depends only on the bytes already seen: once the offending byte is there, each longer prefix
    /// fails the same way, and no shorter prefix fails at all.
    @Test(arguments: RefusedHead.all)
    func refusedAsSoonAsTheOffendingBytesArrive(refusal: RefusedHead) {
        let outcomes = (0...refusal.wire.count).map { parseHead(Array(refusal.wire.prefix($0))) }
        guard let first = outcomes.firstIndex(where: { refusalStatus($0) != nil }) else {
            Issue.record("never refused")
            return
        }
        #expect(outcomes[..<first].allSatisfy { $0 == .needMore })
        #expect(outcomes[first...].allSatisfy { refusalStatus($0) == refusal.status })
    }
}
