import HTTP

/// Matches a request to a route by exact path, and answers 404 and 405 (with `Allow`) for the rest.
struct Router: Sendable {
    /// A handler that answers at once.
    typealias Handler = @Sendable (HTTPRequest) -> HTTPResponse

    /// One path and the handlers of its methods.
    struct Route: Sendable {
        /// The label of this route in metrics and logs: its path template, never the raw path.
        var name: String
        var handlers: [String: Handler]

        /// The methods this route answers, `HEAD` included wherever `GET` is, for the `Allow` header.
        var allowedMethods: String {
            var methods = Set(handlers.keys)
            if methods.contains("GET") { methods.insert("HEAD") }
            return methods.sorted().joined(separator: ", ")
        }
    }

    /// What the router decided for one request.
    enum Match {
        case handler(Handler, route: String)
        case methodNotAllowed(allow: String, route: String)
        case notFound
    }

    private var routes: [String: Route] = [:]

    /// Adds `handler` for `method` requests to `path`.
    mutating func add(_ method: String, _ path: String, _ handler: @escaping Handler) {
        routes[path, default: Route(name: path, handlers: [:])].handlers[method] = handler
    }

    func match(_ head: HTTPRequestHead) -> Match {
        guard let route = routes[String(head.path)] else { return .notFound }
        let method = head.method == "HEAD" ? "GET" : head.method
        guard let handler = route.handlers[method] else {
            return .methodNotAllowed(allow: route.allowedMethods, route: route.name)
        }
        return .handler(handler, route: route.name)
    }
}
