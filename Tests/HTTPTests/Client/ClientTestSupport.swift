import Dispatch
import HTTP
import Synchronization

/// Answers client tests: `/headers` lists the request's headers in the body, `/gzip` sends a gzip body of
/// `gzipSize` bytes, `/bytes/N` sends N bytes, `/slow` answers after 20 ms; anything else echoes method, path
/// and body as `EchoResponder` does. Each request samples the server's open connections into `maxConnections`.
struct ClientTestResponder: HTTPResponder {
    let probe = ServerProbe()
    var gzipSize = 10_000

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1 << 20 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        probe.sample()
        let path = String(request.head.path)
        var headers: HTTPHeaders = ["X-Echo-Method": request.head.method, "X-Echo-Path": path]
        switch path {
        case "/headers":
            let lines = request.head.headers.map { "\($0.name): \($0.value)" }.joined(separator: "\n")
            writer.write(HTTPResponse(status: .ok, headers: headers, body: Array(lines.utf8)))
        case "/gzip":
            headers.add(name: "Content-Encoding", value: "gzip")
            let plain = [UInt8](repeating: UInt8(ascii: "z"), count: gzipSize)
            writer.write(HTTPResponse(status: .ok, headers: headers, body: ContentDecoder.encode(plain, coding: .gzip)))
        case _ where path.hasPrefix("/bytes/"):
            let count = Int(path.dropFirst("/bytes/".count)) ?? 0
            writer.write(HTTPResponse(status: .ok, headers: headers, body: [UInt8](repeating: 0x61, count: count)))
        case "/slow":
            let response = HTTPResponse(status: .ok, headers: headers, body: request.body)
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) { writer.write(response) }
        default:
            writer.write(HTTPResponse(status: .ok, headers: headers, body: request.body))
        }
    }
}

/// Lets a responder see the server that runs it (set after the server starts) and records the most
/// connections it ever saw open.
final class ServerProbe: Sendable {
    private let server = Mutex<HTTPServer?>(nil)
    private let maximum = Atomic<Int>(0)

    func attach(_ server: HTTPServer) { self.server.withLock { $0 = server } }

    func sample() {
        guard let open = server.withLock({ $0?.openConnections }) else { return }
        maximum.max(open, ordering: .relaxed)
    }

    /// The most connections the server had open while answering a request.
    var maxConnections: Int { maximum.load(ordering: .relaxed) }
}

/// The error `body` throws, or nil if it returns (or throws something other than an `HTTPClientError`, which
/// the client never does).
func clientError(_ body: () throws -> Void) -> HTTPClientError? {
    do {
        try body()
        return nil
    } catch {
        return error as? HTTPClientError
    }
}

/// Seconds since a `MonotonicClock.now()` reading.
func secondsSince(_ start: UInt64) -> Double { Double(MonotonicClock.now() - start) / 1e9 }

/// A port on 127.0.0.1 that nothing listens on (bound, then released).
func unusedPort() -> UInt16 {
    let listener = ScriptedServer { _, _ in }
    return listener.port
}
