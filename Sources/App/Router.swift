import HTTP

/// Matches a request to a route by exact path, and answers 404 and 405 (with `Allow`) for the rest.
struct Router: Sendable {
    /// Hands a handler's response back, from any thread, exactly once.
    typealias Respond = @Sendable (HTTPResponse) -> Void
    /// A handler that may answer later (after a commit, say).
    typealias Handler = @Sendable (HTTPRequest, HTTPRequestContext, @escaping Respond) -> Void

    /// One path and the handlers of its methods.
    struct Route: Sendable {
        /// The label of this route in metrics and logs: its path template, never the raw path.
        var name: String
        var handlers: [String: Handler]
        /// The largest body this route takes; nil: the server's default.
        var bodyLimit: Int?

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

    /// Adds `handler` for `method` requests to `path`, labelled `name` (default: the path).
    mutating func add(_ method: String, _ path: String, name: String? = nil, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        routes[path, default: Route(name: name ?? path, handlers: [:], bodyLimit: bodyLimit)].handlers[method] = handler
    }

    /// Adds a handler that answers at once.
    mutating func add(_ method: String, _ path: String, answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        add(method, path) { request, _, respond in respond(answer(request)) }
    }

    func match(_ head: HTTPRequestHead) -> Match {
        guard let route = routes[String(head.path)] else { return .notFound }
        let method = head.method == "HEAD" ? "GET" : head.method
        guard let handler = route.handlers[method] else {
            return .methodNotAllowed(allow: route.allowedMethods, route: route.name)
        }
        return .handler(handler, route: route.name)
    }

    /// The body limit of the route `head` goes to, when it has its own.
    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        routes[String(head.path)]?.bodyLimit
    }
}
