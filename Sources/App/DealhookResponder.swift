import HTTP
import Logging
import Metrics

/// The application's answer to every request: routing, request ids, problem bodies, metrics and the log line.
struct DealhookResponder: HTTPResponder {
    private let routes: RouterBox
    private let metrics: HTTPMetrics
    private let logger: Logger
    private let maxBodySize: Int

    init(routes: RouterBox, metrics: HTTPMetrics, logger: Logger, maxBodySize: Int) {
        self.routes = routes
        self.metrics = metrics
        self.logger = logger
        self.maxBodySize = maxBodySize
    }

    func bodyLimit(for head: HTTPRequestHead) -> Int { routes.router.bodyLimit(for: head) ?? maxBodySize }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let requestID = RequestID.resolve(sent: request.head.headers["X-Request-Id"])
        let finish: @Sendable (HTTPResponse, String) -> Void = { [self] response, route in
            var response = response
            // `add` when the handler set no id: `replaceOrAdd` would copy the (shared) header array twice.
            if response.headers.contains(name: "X-Request-Id") {
                response.headers.replaceOrAdd(name: "X-Request-Id", value: requestID)
            } else {
                response.headers.add(name: "X-Request-Id", value: requestID)
            }
            // Recorded before the write so that a client which has read this response sees it counted.
            record(request, response: response, route: route, requestID: requestID, context: context)
            writer.write(response)
        }
        switch routes.router.match(request.head) {
        case .handler(let handler, let name):
            handler(request, context) { response in finish(response, name) }
        case .methodNotAllowed(let allow, let name):
            finish(
                ProblemBody.response(
                    status: .methodNotAllowed, detail: "\(request.head.method) is not allowed on \(name); use \(allow)",
                    headers: ["Allow": allow]), name)
        case .notFound:
            finish(ProblemBody.response(status: .notFound, detail: "no route for \(request.head.path)"), "unmatched")
        }
    }

    private func record(
        _ request: HTTPRequest, response: HTTPResponse, route: String, requestID: String, context: HTTPRequestContext
    ) {
        let seconds = Double(MonotonicClock.now() &- context.receivedAt) / 1e9
        let status = response.status.code
        metrics.requests.increment(labels: [route, HTTPMetrics.methodLabel(request.head.method), String(status)])
        metrics.duration.observe(seconds, labels: [route])
        let level: LogLevel = status >= 500 ? .error : (status >= 400 ? .info : .debug)
        logger.log(
            level, "request",
            [
                "request.id": .string(requestID), "method": .string(request.head.method),
                "path": .string(String(request.head.path)), "route": .string(route), "status": .int(status),
                "duration_ms": .double((seconds * 1e6).rounded() / 1e3), "remote": .string(context.remoteAddress),
            ])
    }
}
