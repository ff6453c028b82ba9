import Dispatch
import HTTP
import Logging
import TestSupport

/// Echoes what it received: `METHOD PATH`, the body, and any trailers, so tests can see what the server decoded.
/// A request to `/slow` is answered from another thread after 300 ms.
struct EchoResponder: HTTPResponder {
    var limit: Int = 1024

    func bodyLimit(for head: HTTPRequestHead) -> Int { limit }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        var headers: HTTPHeaders = ["X-Echo-Method": request.head.method, "X-Echo-Path": String(request.head.path)]
        for trailer in request.trailers { headers.add(name: "X-Echo-Trailer-\(trailer.name)", value: trailer.value) }
        let response = HTTPResponse(status: .ok, headers: headers, body: request.body)
        if request.head.path == "/slow" {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(300)) { writer.write(response) }
        } else {
            writer.write(response)
        }
    }
}

/// An in-process server on an ephemeral loopback port, shut down when the test ends.
final class LiveServer {
    let server: HTTPServer
    let port: UInt16
    let logs = InMemoryLogHandler()

    init(
        responder: any HTTPResponder = EchoResponder(), address: String = "127.0.0.1:0",
        configure: (inout HTTPServerConfiguration) -> Void = { _ in }
    ) throws {
        var configuration = HTTPServerConfiguration(addresses: [try BindAddress(parsing: address)], eventLoopCount: 2)
        configure(&configuration)
        server = HTTPServer(configuration: configuration, responder: responder, logger: Logger(level: .debug, handler: logs))
        port = try server.start()[0].port
    }

    deinit { server.shutdown(gracePeriod: .seconds(1)) }

    /// A new client connection to this server.
    func connect() throws -> TestConnection {
        try TestConnection(port: port)
    }
}
