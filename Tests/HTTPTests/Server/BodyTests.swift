import HTTP
import Testing
import TestSupport

@Suite("Server: request bodies")
struct BodyTests {
    @Test func chunkedUploadWithTrailers() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send(
            "POST /up HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Checksum: abc\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "hello world")
        #expect(response.header("X-Echo-Trailer-X-Checksum") == "abc")
    }

    @Test func expectContinueGetsInterimResponseBeforeTheBody() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n")
        let interim = try client.readResponse()
        #expect(interim.status == 100)
        try client.send("data")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.text == "data")
    }

    @Test func expectContinueOverTheLimitGets413WithoutInterim() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("POST /up HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(client.isClosedByPeer())
    }

    @Test func gzipBodyIsInflated() throws {
        let live = try LiveServer()
        let client = try live.connect()
        let plain = Array("name=Ana&email=ana%40example.com".utf8)
        let compressed = ContentDecoder.encode(plain, coding: .gzip)
        try client.send(
            "POST /form HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: \(compressed.count)\r\n\r\n")
        try client.send(compressed)
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.body == plain)
    }

    @Test func deflateBodyIsInflated() throws {
        let live = try LiveServer()
        let client = try live.connect()
        let plain = Array(repeating: UInt8(ascii: "z"), count: 900)
        let compressed = ContentDecoder.encode(plain, coding: .deflate)
        try client.send(
            "POST /form HTTP/1.1\r\nHost: t\r\nContent-Encoding: deflate\r\nContent-Length: \(compressed.count)\r\n\r\n")
        try client.send(compressed)
        #expect(try client.readResponse().body == plain)
    }

    @Test func zipBombGets413() throws {
        let live = try LiveServer(responder: EchoResponder(limit: 16 * 1024)) { $0.maxInflatedBodySize = 64 * 1024 }
        let client = try live.connect()
        let bomb = ContentDecoder.encode(Array(repeating: 0, count: 8 * 1024 * 1024), coding: .gzip)
        #expect(bomb.count < 16 * 1024, "the compressed body is within the route's limit; only its inflated size is not")
        try client.send("POST /form HTTP/1.1\r\nHost: t\r\nContent-Encoding: gzip\r\nContent-Length: \(bomb.count)\r\n\r\n")
        try client.send(bomb)
        let response = try client.readResponse()
        #expect(response.status == 413)
        #expect(response.header("Content-Type") == "application/problem+json")
    }
}
