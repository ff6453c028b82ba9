import HTTP
import Synchronization

/// Matches a request to a route by exact path, or else by a path template (`/admin/events/{id}`, or `/admin/*`
/// for anything below), and answers 404 and 405 (with `Allow`) for the rest.
struct Router: Sendable {
    /// Hands a handler's response back, from any thread, exactly once.
    typealias Respond = @Sendable (HTTPResponse) -> Void
    /// A handler that may answer later (after a commit, say).
    typealias Handler = @Sendable (HTTPRequest, HTTPRequestContext, @escaping Respond) -> Void
    /// A handler of a path template, given the values of its `{name}` segments (percent-decoded).
    typealias TemplateHandler = @Sendable (HTTPRequest, [String: String], @escaping Respond) -> Void
    /// Matches any method (a catch-all's handler).
    static let anyMethod = "*"

    /// One path and the handlers of its methods.
    struct Route: Sendable {
        /// The label of this route in metrics and logs: its path template, never the raw path.
        var name: String
        var handlers: [String: Handler]
        /// The largest body this route takes; nil: the server's default.
        var bodyLimit: Int?

        /// The methods this route answers, `HEAD` included wherever `GET` is, for the `Allow` header.
        var allowedMethods: String { Router.allow(handlers.keys) }
    }

    /// A path template and the handlers of its methods.
    private struct TemplateRoute: Sendable {
        var template: PathTemplate
        var handlers: [String: TemplateHandler]
    }

    /// The `Allow` header for `methods`: `HEAD` included wherever `GET` is.
    static func allow(_ methods: some Sequence<String>) -> String {
        var methods = Set(methods)
        if methods.contains("GET") { methods.insert("HEAD") }
        return methods.sorted().joined(separator: ", ")
    }

    /// What the router decided for one request.
    enum Match {
        case handler(Handler, route: String)
        case methodNotAllowed(allow: String, route: String)
        case notFound
    }

    private var routes: [String: Route] = [:]
    /// Template routes, tried in the order added after no exact path matched.
    private var templates: [TemplateRoute] = []

    /// Adds `handler` for `method` requests to `path`, labelled `name` (default: the path).
    mutating func add(_ method: String, _ path: String, name: String? = nil, bodyLimit: Int? = nil, _ handler: @escaping Handler) {
        routes[path, default: Route(name: name ?? path, handlers: [:], bodyLimit: bodyLimit)].handlers[method] = handler
    }

    /// Adds a handler that answers at once.
    mutating func add(_ method: String, _ path: String, answer: @escaping @Sendable (HTTPRequest) -> HTTPResponse) {
        add(method, path) { request, _, respond in respond(answer(request)) }
    }

    /// Adds `handler` for `method` requests to paths matching `template` (its `{name}` segments match one
    /// non-empty segment each; a last segment `*` matches the rest of the path), labelled by the template.
    /// `method` may be `Router.anyMethod`.
    mutating func add(_ method: String, template: String, _ handler: @escaping TemplateHandler) {
        if let index = templates.firstIndex(where: { $0.template.text == template }) {
            templates[index].handlers[method] = handler
        } else {
            templates.append(TemplateRoute(template: PathTemplate(template), handlers: [method: handler]))
        }
    }

    func match(_ head: HTTPRequestHead) -> Match {
        let method = head.method == "HEAD" ? "GET" : head.method
        guard let route = routes[String(head.path)] else { return matchTemplate(head.path, method: method) }
        guard let handler = route.handlers[method] ?? route.handlers[Self.anyMethod] else {
            return .methodNotAllowed(allow: route.allowedMethods, route: route.name)
        }
        return .handler(handler, route: route.name)
    }

    private func matchTemplate(_ path: Substring, method: String) -> Match {
        for entry in templates {
            guard let parameters = entry.template.match(path) else { continue }
            let name = entry.template.text
            guard let handler = entry.handlers[method] ?? entry.handlers[Self.anyMethod] else {
                return .methodNotAllowed(allow: Self.allow(entry.handlers.keys), route: name)
            }
            return .handler({ request, _, respond in handler(request, parameters, respond) }, route: name)
        }
        return .notFound
    }

    /// The body limit of the route `head` goes to, when it has its own.
    func bodyLimit(for head: HTTPRequestHead) -> Int? {
        routes[String(head.path)]?.bodyLimit
    }
}

/// A path with `{name}` segments, and optionally a last segment `*` that matches whatever follows.
struct PathTemplate: Sendable {
    let text: String
    private let segments: [Substring]

    init(_ text: String) {
        self.text = text
        segments = text.split(separator: "/", omittingEmptySubsequences: false)
    }

    /// The values of the `{name}` segments when `path` matches, percent-decoded; nil otherwise.
    func match(_ path: Substring) -> [String: String]? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        var parameters: [String: String] = [:]
        for (index, segment) in segments.enumerated() {
            if segment == "*" && index == segments.count - 1 { return parts.count >= segments.count ? parameters : nil }
            guard index < parts.count else { return nil }
            if segment.hasPrefix("{") && segment.hasSuffix("}") {
                guard !parts[index].isEmpty, let value = Self.percentDecoded(parts[index]) else { return nil }
                parameters[String(segment.dropFirst().dropLast())] = value
            } else if segment != parts[index] {
                return nil
            }
        }
        return parts.count == segments.count ? parameters : nil
    }

    /// `%XX` escapes decoded as UTF-8; nil for a broken escape or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        guard text.contains("%") else { return String(text) }
        // In a path `+` is itself.
        return PercentEncoding.decodeStrictly(text.utf8, plusIsSpace: false)
            .flatMap { String(validating: $0, as: UTF8.self) }
    }
}

/// The router in use, replaced whole by a config reload; requests already matched finish with the old one.
final class RouterBox: Sendable {
    private let current: Mutex<Router>

    init(_ router: Router) {
        current = Mutex(router)
    }

    var router: Router {
        get { current.withLock { $0 } }
        set { current.withLock { $0 = newValue } }
    }
}
