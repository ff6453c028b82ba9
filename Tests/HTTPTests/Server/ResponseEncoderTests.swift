import HTTP
import Testing

@Suite("ResponseEncoder")
struct ResponseEncoderTests {
    private func encode(_ response: HTTPResponse, keepAlive: Bool = true) -> String {
        var encoder = ResponseEncoder()
        var buffer: [UInt8] = []
        encoder.encode(response, version: .http1_1, keepAlive: keepAlive, headOnly: false, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    @Test(arguments: [0, 1, 9, 10, 11, 99, 100, 101, 1000, 65_536, 1_000_000])
    func contentLengthIsTheBodySize(size: Int) {
        let text = encode(HTTPResponse(status: .ok, body: Array(repeating: 0x61, count: size)))
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(text.contains("\r\nContent-Length: \(size)\r\n"))
        #expect(text.hasSuffix("\r\n\r\n" + String(repeating: "a", count: size)))
    }

    @Test(arguments: [200, 404, 503])
    func statusLineCarriesTheCode(code: Int) {
        let status = HTTPStatus(code: code)
        #expect(encode(HTTPResponse(status: status)).hasPrefix("HTTP/1.1 \(code) \(status.reasonPhrase)\r\n"))
    }

    @Test func fieldsTheEncoderOwnsAreReplaced() {
        let headers: HTTPHeaders = [
            "content-length": "7", "DATE": "yesterday", "Connection": "upgrade", "Content-Type": "text/plain",
            "X-Long-Header-Name": "kept",
        ]
        let text = encode(HTTPResponse(status: .ok, headers: headers, body: Array("hi".utf8)), keepAlive: false)
        #expect(!text.contains("content-length: 7") && !text.contains("yesterday") && !text.contains("upgrade"))
        #expect(text.contains("\r\nContent-Type: text/plain\r\n") && text.contains("\r\nX-Long-Header-Name: kept\r\n"))
        #expect(text.contains("\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi"))
    }
}
