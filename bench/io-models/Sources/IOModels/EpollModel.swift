import HTTP
import Logging

/// The epoll model: Dealhook's own `HTTPServer` (edge-triggered epoll loops, one per core, on threads it owns)
/// with a responder that answers `HealthEndpoint` at once.
public enum EpollModel {
    /// Starts the server on 127.0.0.1:`port` and returns the bound port; the loops run until the process ends.
    public static func start(port: UInt16) throws -> (server: HTTPServer, port: UInt16) {
        let configuration = HTTPServerConfiguration(addresses: [BindAddress(host: "127.0.0.1", port: port)])
        let server = HTTPServer(
            configuration: configuration, responder: HealthResponder(),
            logger: Logger(level: .warning, handler: JSONLinesLogHandler()))
        let bound = try server.start()
        return (server, bound[0].port)
    }
}

/// Answers every request at once, on the loop thread.
struct HealthResponder: HTTPResponder {
    func bodyLimit(for head: HTTPRequestHead) -> Int { HealthEndpoint.maxBodySize }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        writer.write(HealthEndpoint.response(to: request.head))
    }
}
