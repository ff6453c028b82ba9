import Glibc
import HTTP
import Testing
import TestSupport

@Suite("Server: timeouts, connection limits and shutdown")
struct TimeoutAndLimitTests {
    private static func elapsed(since start: UInt64) -> Double { Double(MonotonicClock.now() - start) / 1e9 }

    @Test func slowLorisGets408WithinTheHeaderTimeout() throws {
        let live = try LiveServer { $0.headerTimeout = .milliseconds(400) }
        let client = try live.connect()
        let start = MonotonicClock.now()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n")
        usleep(150_000)
        try client.send("X-Drip: 1\r\n")  // trickling bytes does not extend the deadline
        let response = try client.readResponse()
        #expect(response.status == 408)
        #expect(Self.elapsed(since: start) < 1.0)
        #expect(client.isClosedByPeer())
    }

    @Test func slowBodyGets408() throws {
        let live = try LiveServer { $0.bodyTimeout = .milliseconds(300) }
        let client = try live.connect()
        try client.send("POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc")
        #expect(try client.readResponse().status == 408)
    }

    @Test func idleKeepAliveConnectionIsClosed() throws {
        let live = try LiveServer { $0.idleTimeout = .milliseconds(300) }
        let client = try live.connect()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        let start = MonotonicClock.now()
        #expect(client.isClosedByPeer())
        #expect(Self.elapsed(since: start) < 1.0)
    }

    @Test func connectionsBeyondTheMaximumGet503() throws {
        let live = try LiveServer { $0.maxConnections = 2 }
        let first = try live.connect()
        let second = try live.connect()
        try first.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        try second.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try first.readResponse()
        _ = try second.readResponse()
        let third = try live.connect()
        let refused = try third.readResponse()
        #expect(refused.status == 503)
        #expect(refused.header("Retry-After") == "1")
        #expect(third.isClosedByPeer())
    }

    @Test func thousandConcurrentConnectionsAllSucceed() throws {
        let live = try LiveServer()
        let clients = try (0..<1000).map { _ in try live.connect() }
        for round in 0..<3 {
            for (index, client) in clients.enumerated() {
                try client.send("GET /c\(index)/r\(round) HTTP/1.1\r\nHost: t\r\n\r\n")
            }
            for (index, client) in clients.enumerated() {
                let response = try client.readResponse()
                #expect(response.status == 200)
                #expect(response.header("X-Echo-Path") == "/c\(index)/r\(round)")
            }
        }
        #expect(live.server.openConnections == 1000)
    }

    @Test func shutdownFinishesTheRequestInFlight() throws {
        let live = try LiveServer()
        let busy = try live.connect()
        let idle = try live.connect()
        try busy.send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n")
        usleep(50_000)
        let drained = live.server.shutdown(gracePeriod: .seconds(5))
        #expect(drained)
        let response = try busy.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(idle.isClosedByPeer())
        // The listener is closed: a connection is refused, unless the port, free again, has meanwhile gone to the
        // server of a test running in parallel, which answers. A listener left open by a stopped server would take
        // the connection and never answer.
        if let late = try? TestConnection(port: live.port, timeoutSeconds: 2) {
            try late.send("GET /late HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect((try? late.readResponse()) != nil, "the port still took connections after shutdown, unanswered")
        }
    }
}
