import Dispatch
import Glibc
import HTTP
import TestSupport
import Testing

/// Aborts `/abort` at once and `/abort-later` from another thread; echoes everything else.
private struct AbortingResponder: HTTPResponder {
    func bodyLimit(for head: HTTPRequestHead) -> Int { 1024 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        switch request.head.path {
        case "/abort": writer.abort()
        case "/abort-later": DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { writer.abort() }
        default: writer.write(HTTPResponse(status: .ok, body: Array(request.head.path.utf8)))
        }
    }
}

@Suite("Server: a responder aborting the connection")
struct AbortTests {
    @Test(arguments: ["/abort", "/abort-later"])
    func abortClosesTheConnectionWithoutAResponse(_ path: String) throws {
        let live = try LiveServer(responder: AbortingResponder())
        let client = try live.connect()
        try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(throws: TestConnectionError.self) { try client.readResponse() }

        let next = try live.connect()
        try next.send("GET /fine HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try next.readResponse().text == "/fine")
        var waited = 0
        while live.server.openConnections > 1 && waited < 200 {
            usleep(10_000)
            waited += 1
        }
        #expect(live.server.openConnections == 1, "the aborted connection is closed and counted out")
    }

    @Test func abortAfterAnEarlierResponseKeepsThatResponse() throws {
        let live = try LiveServer(responder: AbortingResponder())
        let client = try live.connect()
        try client.send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().text == "/first")
        try client.send("GET /abort HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(client.isClosedByPeer())
    }
}
