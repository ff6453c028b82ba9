import HTTP
import Testing
import TestSupport

@Suite("Server: unsafe requests are refused with the right status and a close")
struct RefusalTests {
    static let longTarget = "/" + String(repeating: "a", count: 9000)
    static let manyHeaders = (0..<200).map { "X-H\($0): v\r\n" }.joined()

    static let cases: [(String, String, Int)] = [
        ("both Content-Length and Transfer-Encoding",
         "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n", 400),
        ("duplicate Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\nContent-Length: 3\r\n\r\nabc", 400),
        ("invalid Content-Length", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 3x\r\n\r\nabc", 400),
        ("bad chunk size", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n", 400),
        ("obs-fold", "GET / HTTP/1.1\r\nHost: t\r\nX-A: one\r\n two\r\n\r\n", 400),
        ("bare LF", "GET / HTTP/1.1\nHost: t\r\n\r\n", 400),
        ("bare CR", "GET / HTTP/1.1\r\nHost: t\rX: y\r\n\r\n", 400),
        ("control character in a value", "GET / HTTP/1.1\r\nHost: t\r\nX-A: a\u{01}b\r\n\r\n", 400),
        ("missing Host", "GET / HTTP/1.1\r\n\r\n", 400),
        ("over-long request line", "GET \(longTarget) HTTP/1.1\r\nHost: t\r\n\r\n", 414),
        ("too many header fields", "GET / HTTP/1.1\r\nHost: t\r\n\(manyHeaders)\r\n", 431),
        ("body over the limit", "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1025\r\n\r\n", 413),
        ("unknown transfer coding", "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", 501),
        ("unknown content coding", "POST / HTTP/1.1\r\nHost: t\r\nContent-Encoding: br\r\nContent-Length: 2\r\n\r\nab", 415),
        ("unsupported HTTP version", "GET / HTTP/2.0\r\nHost: t\r\n\r\n", 505),
        ("unsupported expectation", "POST / HTTP/1.1\r\nHost: t\r\nExpect: x\r\nContent-Length: 1\r\n\r\na", 417),
    ]

    @Test(arguments: cases)
    func refused(_ name: String, _ request: String, _ status: Int) throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send(request)
        let response = try client.readResponse()
        #expect(response.status == status, "\(name)")
        #expect(response.header("Content-Type") == "application/problem+json")
        #expect(response.header("Connection") == "close")
        #expect(response.header("Date") != nil)
        #expect(response.text.contains("\"status\":\(status)"))
        #expect(client.isClosedByPeer(), "\(name): the connection must close")
    }

    @Test func headerSectionOverTheByteLimitGets431BeforeItEnds() throws {
        let live = try LiveServer { $0.parserLimits.maxHeaderBytes = 4096 }
        let client = try live.connect()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + String(repeating: "b", count: 5000))
        #expect(try client.readResponse().status == 431)
    }

    @Test func chunkedBodyOverTheLimitGets413() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n")
        try client.send(String(repeating: "a", count: 0x800) + "\r\n0\r\n\r\n")
        #expect(try client.readResponse().status == 413)
    }

    @Test func bodyAtTheLimitIsAccepted() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 1024\r\n\r\n" + String(repeating: "a", count: 1024))
        #expect(try client.readResponse().body.count == 1024)
    }
}
