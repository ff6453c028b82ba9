import Dispatch
import Glibc
import HTTP
import Synchronization
import Testing

@Suite("Client: against the project's own server")
struct ClientLiveTests {
    private static func live(configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws -> (
        LiveServer, ClientTestResponder
    ) {
        let responder = ClientTestResponder()
        let live = try LiveServer(responder: responder, configure: configure)
        responder.probe.attach(live.server)
        return (live, responder)
    }

    private static func client(_ configure: (inout HTTPClientConfiguration) -> Void = { _ in }) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration(userAgent: "dealhook-test/1")
        configure(&configuration)
        return try HTTPClient(configuration: configuration)
    }

    @Test func getRoundTripSendsTheExpectedHeaders() throws {
        let (live, _) = try Self.live()
        let client = try Self.client()
        let response = try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/headers?x=1"))
        #expect(response.status == .ok)
        #expect(response.version == .http1_1)
        let sent = response.bodyText.split(separator: "\n").map(String.init)
        #expect(sent.contains("Host: 127.0.0.1:\(live.port)"))
        #expect(sent.contains("User-Agent: dealhook-test/1"))
        #expect(sent.contains("Connection: keep-alive"))
        #expect(sent.contains("Accept-Encoding: gzip"))
        #expect(!sent.contains { $0.hasPrefix("Content-Length") })
    }

    @Test func postRoundTripSendsTheBodyWithItsLength() throws {
        let (live, _) = try Self.live()
        let client = try Self.client()
        var request = HTTPClientRequest(method: "POST", url: "http://localhost:\(live.port)/deals")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = Array(#"{"title":"Deal"}"#.utf8)
        let response = try client.execute(request)
        #expect(response.headers["X-Echo-Method"] == "POST")
        #expect(response.headers["X-Echo-Path"] == "/deals")
        #expect(response.bodyText == #"{"title":"Deal"}"#)
        #expect(response.headers["Content-Length"] == "16")
    }

    @Test func chunkedRequestBodyArrivesWhole() throws {
        let (live, _) = try Self.live()
        let client = try Self.client()
        let body = (0..<40_000).map { UInt8($0 % 251) }
        let request = HTTPClientRequest(
            method: "PUT", url: "http://127.0.0.1:\(live.port)/up", headers: ["Transfer-Encoding": "chunked"],
            body: body)
        #expect(try client.execute(request).body == body)
    }

    @Test func keepAliveReusesOneConnection() throws {
        let (live, responder) = try Self.live()
        let client = try Self.client()
        for path in ["/a", "/b", "/c"] {
            #expect(try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)\(path)")).status == .ok)
        }
        #expect(client.statistics.connectionsOpened == 1)
        #expect(client.statistics.connectionsReused == 2)
        #expect(responder.probe.maxConnections == 1)
        #expect(live.server.openConnections == 1)
    }

    @Test func gzipResponseIsDecoded() throws {
        let (live, _) = try Self.live()
        let client = try Self.client()
        let response = try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/gzip"))
        #expect(response.body == [UInt8](repeating: UInt8(ascii: "z"), count: 10_000))
        #expect(response.headers["Content-Encoding"] == nil)
        #expect(response.headers["Content-Length"] == nil)

        // A request with its own Accept-Encoding gets the bytes as sent.
        let raw = try client.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/gzip", headers: ["Accept-Encoding": "gzip"]))
        #expect(raw.headers["Content-Encoding"] == "gzip")
        #expect(raw.body.count < 1000)
    }

    @Test func responseSizeLimitIsEnforcedOnTheWireAndAfterDecoding() throws {
        let (live, _) = try Self.live()
        let client = try Self.client { $0.maxResponseBodySize = 1000 }
        #expect(
            try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/bytes/1000")).body.count == 1000)
        let tooLong = clientError {
            _ = try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/bytes/1001"))
        }
        #expect(tooLong?.code == .responseTooLarge)
        #expect(tooLong?.requestSent == true)
        #expect(tooLong?.reason.contains("1000") == true)
        // 10 000 bytes inflated from ~50: refused at the limit, not inflated whole.
        let bomb = clientError { _ = try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/gzip")) }
        #expect(bomb?.code == .responseTooLarge)
        // The client is still usable afterwards.
        #expect(try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/ok")).status == .ok)
    }

    @Test func stalePooledConnectionIsReplacedTransparently() throws {
        let (live, _) = try Self.live { $0.idleTimeout = .milliseconds(100) }
        let client = try Self.client()
        let url = "http://127.0.0.1:\(live.port)/x"
        #expect(try client.execute(HTTPClientRequest(url: url)).status == .ok)
        let start = MonotonicClock.now()
        while live.server.openConnections > 0, secondsSince(start) < 2 { usleep(5_000) }
        #expect(live.server.openConnections == 0, "the server should have closed the idle connection")
        // A POST too: nothing of it went out on the stale connection.
        let response = try client.execute(HTTPClientRequest(method: "POST", url: url, body: Array("again".utf8)))
        #expect(response.bodyText == "again")
        #expect(client.statistics.staleConnectionsDiscarded == 1)
        #expect(client.statistics.connectionsOpened == 2)
    }

    @Test func poolBoundHoldsUnderConcurrency() throws {
        let (live, responder) = try Self.live()
        let client = try Self.client { $0.maxConnectionsPerHost = 2 }
        let failures = Mutex<[String]>([])
        let bodies = Mutex<Set<String>>([])
        let url = "http://127.0.0.1:\(live.port)/slow"
        DispatchQueue.concurrentPerform(iterations: 16) { index in
            let request = HTTPClientRequest(
                method: "POST", url: url, body: Array("call \(index)".utf8))
            do {
                let response = try client.execute(request)
                _ = bodies.withLock { $0.insert(response.bodyText) }
            } catch {
                failures.withLock { $0.append("\(error)") }
            }
        }
        #expect(failures.withLock { $0 } == [])
        #expect(bodies.withLock { $0.count } == 16)
        #expect(responder.probe.maxConnections <= 2)
        #expect(client.statistics.connectionsOpened == 2)
    }

    @Test func ipv6LoopbackWorks() throws {
        let responder = ClientTestResponder()
        let live = try LiveServer(responder: responder, address: "[::1]:0")
        let client = try Self.client()
        let response = try client.execute(HTTPClientRequest(url: "http://[::1]:\(live.port)/six"))
        #expect(response.headers["X-Echo-Path"] == "/six")
    }
}

@Suite("Client: refusals before any connection")
struct ClientRefusalTests {
    @Test func plainHTTPToAnotherHostIsRefused() throws {
        let client = try HTTPClient()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: "http://example.com/x")) }
        #expect(error?.code == .insecureURL)
        #expect(error?.server == "example.com:80")
        #expect(error?.reason.contains("allow_insecure_http") == true)
        #expect(error?.requestSent == false)
        #expect(client.statistics.connectionsOpened == 0)
    }

    @Test func allowInsecureHTTPLiftsTheRefusal() throws {
        let live = try LiveServer(responder: ClientTestResponder())
        let client = try HTTPClient(configuration: HTTPClientConfiguration(allowInsecureHTTP: true))
        // 127.0.0.2 is loopback too; the point is only that the refusal does not apply.
        #expect(try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(live.port)/")).status == .ok)
    }

    @Test(arguments: [
        "ftp://example.com/", "example.com/x", "https://user:pw@example.com/", "https://exa mple.com/",
        "https://example.com:0/", "https://example.com:99999/", "https://[::1/", "https://example.com/a b",
        "https:///path",
    ])
    func invalidURLsAreRefused(url: String) throws {
        let client = try HTTPClient()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: url)) }
        #expect(error?.code == .invalidRequest, "\(url)")
    }

    @Test(arguments: [
        ("X-Bad", "a\r\nInjected: yes"), ("Content-Length", "5"), ("Host", "other"), ("Connection", "close"),
        ("Bad Name", "v"), ("Transfer-Encoding", "gzip"),
    ])
    func unsendableHeadersAreRefused(name: String, value: String) throws {
        let client = try HTTPClient()
        let request = HTTPClientRequest(url: "https://127.0.0.1:1/", headers: HTTPHeaders([(name, value)]))
        let error = clientError { _ = try client.execute(request) }
        #expect(error?.code == .invalidRequest, "\(name)")
        #expect(client.statistics.connectionsOpened == 0)
    }

    @Test func connectionRefusedNamesTheServerAndTheReason() throws {
        let port = unusedPort()
        let client = try HTTPClient()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/")) }
        #expect(error?.code == .connectFailed)
        #expect(error?.server == "127.0.0.1:\(port)")
        #expect(error?.reason.contains("Connection refused") == true)
        #expect(error?.requestSent == false)
    }

    @Test func unresolvableHostIsADNSFailure() throws {
        let client = try HTTPClient()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: "https://no-such-host.invalid/")) }
        #expect(error?.code == .dnsFailure)
        #expect(error?.reason.contains("no-such-host.invalid") == true)
    }

    @Test func unreadableCAFileFailsAtInit() {
        let error = clientError {
            _ = try HTTPClient(configuration: HTTPClientConfiguration(caFile: "/nonexistent/ca.pem"))
        }
        #expect(error?.code == .tlsConfiguration)
        #expect(error?.reason.contains("/nonexistent/ca.pem") == true)
    }
}
