import Testing

@testable import HTTP

@Suite struct BodyFramingTests {
    func framing(_ headers: HTTPHeaders, version: HTTPVersion = .http1_1) -> Result<BodyFraming, HTTPRequestError> {
        BodyFraming.of(HTTPRequestHead(method: "POST", target: "/", version: version, headers: headers))
    }

    func status(_ result: Result<BodyFraming, HTTPRequestError>) -> HTTPStatus? {
        if case .failure(let error) = result { return error.status }
        return nil
    }

    @Test func accepted() throws {
        #expect(try framing(["Host": "h"]).get() == BodyFraming.none)
        #expect(try framing(["Content-Length": "0"]).get() == .contentLength(0))
        #expect(try framing(["content-length": "42"]).get() == .contentLength(42))
        #expect(try framing(["Content-Length": "9223372036854775807"]).get() == .contentLength(Int.max))
        #expect(try framing(["Transfer-Encoding": "chunked"]).get() == .chunked)
        #expect(try framing(["Transfer-Encoding": "Chunked"]).get() == .chunked)
        #expect(try framing(["Content-Length": "7"], version: .http1_0).get() == .contentLength(7))
    }

    @Test(arguments: RefusedFraming.all)
    func refused(refusal: RefusedFraming) {
        #expect(status(framing(HTTPHeaders(refusal.fields))) == refusal.status)
    }

    @Test func transferEncodingInHTTP10IsRefused() {
        #expect(status(framing(["Transfer-Encoding": "chunked"], version: .http1_0)) == .badRequest)
    }
}

/// Header fields whose framing must be refused, with the status of the refusal.
struct RefusedFraming: CustomTestStringConvertible, Sendable {
    var fields: [(String, String)]
    var status: HTTPStatus

    var testDescription: String { fields.map { "\($0.0): \($0.1)" }.joined(separator: " | ") }

    init(_ fields: (String, String)..., status: HTTPStatus) {
        self.fields = fields
        self.status = status
    }

    static let all: [RefusedFraming] = [
        RefusedFraming(("Transfer-Encoding", "chunked"), ("Content-Length", "5"), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", "gzip"), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", "chunked, gzip"), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", "chunked, chunked"), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked"), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", ""), status: .badRequest),
        RefusedFraming(("Transfer-Encoding", "gzip, chunked"), status: .notImplemented),
        RefusedFraming(("Transfer-Encoding", "deflate"), ("Transfer-Encoding", "chunked"), status: .notImplemented),
        RefusedFraming(("Content-Length", "5"), ("Content-Length", "5"), status: .badRequest),
        RefusedFraming(("Content-Length", "5"), ("Content-Length", "6"), status: .badRequest),
        RefusedFraming(("Content-Length", "5, 5"), status: .badRequest),
        RefusedFraming(("Content-Length", ""), status: .badRequest),
        RefusedFraming(("Content-Length", "+5"), status: .badRequest),
        RefusedFraming(("Content-Length", "-5"), status: .badRequest),
        RefusedFraming(("Content-Length", "5a"), status: .badRequest),
        RefusedFraming(("Content-Length", "0x10"), status: .badRequest),
        RefusedFraming(("Content-Length", "9223372036854775808"), status: .badRequest),
        RefusedFraming(("Content-Length", "99999999999999999999999"), status: .badRequest),
    ]
}
