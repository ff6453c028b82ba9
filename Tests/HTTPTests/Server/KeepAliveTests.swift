import Dispatch
import Glibc
import HTTP
import Testing
import TestSupport

@Suite("Server: keep-alive, pipelining and versions")
struct KeepAliveTests {
    @Test func keepAliveServesSeveralRequestsOnOneConnection() throws {
        let live = try LiveServer()
        let client = try live.connect()
        for path in ["/a", "/b", "/c"] {
            try client.send("GET \(path) HTTP/1.1\r\nHost: t\r\n\r\n")
            let response = try client.readResponse()
            #expect(response.status == 200)
            #expect(response.header("X-Echo-Path") == path)
            #expect(response.header("Date") != nil)
            #expect(response.header("Connection") == nil)
        }
    }

    /// A client that sends its request and then closes its side gets the answer, and the connection is closed
    /// after it rather than at the idle timeout. Here the request and the end of input reach the server together,
    /// while its one loop is held by another request, so that epoll reports them in one edge: the loop stops
    /// reading at a read short of its buffer only when the peer has not closed its side, or it would miss an end
    /// of input that is not signalled again.
    @Test(arguments: ["GET /half HTTP/1.1\r\nHost: t\r\n\r\n", "POST /half HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"])
    func aClientThatHalfClosesAfterItsRequestIsAnsweredAndLetGo(request: String) throws {
        let responder = HoldingResponder()
        let live = try LiveServer(responder: responder) {
            $0.eventLoopCount = 1
            $0.idleTimeout = .seconds(60)
        }
        let halfClosing = try live.connect()
        let holding = try live.connect()
        try holding.send("GET /hold HTTP/1.1\r\nHost: t\r\n\r\n")
        responder.held.wait()
        try halfClosing.send(request)
        shutdown(halfClosing.fileDescriptor, Int32(SHUT_WR))
        responder.release.signal()
        #expect(try holding.readResponse().status == 200)
        let response = try halfClosing.readResponse()
        #expect(response.status == 200)
        #expect(response.header("X-Echo-Path") == "/half")
        #expect(halfClosing.isClosedByPeer())
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() throws {
        let live = try LiveServer()
        let client = try live.connect()
        // The first is answered late from another thread; the others must still come after it.
        try client.send(
            "GET /slow HTTP/1.1\r\nHost: t\r\n\r\nPOST /two HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
                + "GET /three HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().header("X-Echo-Path") == "/slow")
        let second = try client.readResponse()
        #expect(second.header("X-Echo-Path") == "/two")
        #expect(second.text == "abc")
        #expect(try client.readResponse().header("X-Echo-Path") == "/three")
    }

    @Test func connectionCloseIsHonoured() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("GET /x HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        let response = try client.readResponse()
        #expect(response.header("Connection") == "close")
        #expect(client.isClosedByPeer())
    }

    @Test func http10ClosesUnlessKeepAliveAsked() throws {
        let live = try LiveServer()
        let plain = try live.connect()
        try plain.send("GET /x HTTP/1.0\r\n\r\n")
        let response = try plain.readResponse()
        #expect(response.statusLine.hasPrefix("HTTP/1.0 200"))
        #expect(plain.isClosedByPeer())

        let kept = try live.connect()
        try kept.send("GET /x HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readResponse().header("Connection") == "keep-alive")
        try kept.send("GET /y HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")
        #expect(try kept.readResponse().header("X-Echo-Path") == "/y")
    }

    @Test func headGetsHeadersWithoutBody() throws {
        let live = try LiveServer()
        let client = try live.connect()
        try client.send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\nGET /after HTTP/1.1\r\nHost: t\r\n\r\n")
        let head = try client.readResponse()
        #expect(head.status == 200)
        // Had the HEAD response carried a body, the next response would not parse.
        #expect(try client.readResponse().header("X-Echo-Path") == "/after")
    }

    @Test func listensOnIPv6Loopback() throws {
        let live = try LiveServer(address: "[::1]:0")
        let client = try TestConnection(host: "::1", port: live.port)
        try client.send("GET /six HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().header("X-Echo-Path") == "/six")
    }
}

/// Echoes, but holds the loop's thread on `/hold` (saying so through `held`) until `release` is signalled.
private struct HoldingResponder: HTTPResponder {
    let held = DispatchSemaphore(value: 0)
    let release = DispatchSemaphore(value: 0)

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1024 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        if request.head.path == "/hold" {
            held.signal()
            release.wait()
        }
        writer.write(HTTPResponse(status: .ok, headers: ["X-Echo-Path": String(request.head.path)], body: request.body))
    }
}
