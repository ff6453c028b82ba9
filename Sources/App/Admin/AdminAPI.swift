import Dispatch
import HTTP
import Intake
import JSON
import Logging
import Queue
import Rules

/// The operators' HTTP API under `/admin`: the queue's events and stats, retries (optionally re-planned with the
/// current rules), discards, and pausing a route's deliveries. Every call needs `Authorization: Bearer
/// <admin.token>`; without a token in the config the API is disabled and `/admin/*` answers 404 saying how to
/// enable it. See `docs/operating.md`.
struct AdminAPI: Sendable {
    /// Events per page of `GET /admin/events` unless `limit` says otherwise, and the most it may say.
    static let defaultPageSize = 50
    static let maxPageSize = 1_000

    let store: any EventStore
    let delivery: DeliveryLoop
    let routes: [RouteConfig]
    let authorization: AdminAuthorization
    let logger: Logger
    /// Store calls block (SQLite, the writer's lock): they run here, off the event loops.
    private let work = DispatchQueue(label: "dealhook.admin", attributes: .concurrent)

    init(store: any EventStore, delivery: DeliveryLoop, routes: [RouteConfig], token: Secret, logger: Logger) {
        self.store = store
        self.delivery = delivery
        self.routes = routes
        authorization = AdminAuthorization(token: token)
        self.logger = logger
    }

    /// Mounts the API on `router`, or, without a token, a `/admin/*` that says how to enable it.
    static func mount(
        on router: inout Router, settings: AdminSettings, store: any EventStore, delivery: DeliveryLoop,
        routes: [RouteConfig], logger: Logger
    ) {
        guard let token = settings.token else {
            let disabled = ProblemBody.response(
                status: .notFound,
                detail: "the admin API is disabled: set admin.token in the config (or DEALHOOK_ADMIN_TOKEN) and restart"
            )
            router.add(Router.anyMethod, template: "/admin/*") { _, _, respond in respond(disabled) }
            return
        }
        AdminAPI(store: store, delivery: delivery, routes: routes, token: token, logger: logger).mount(on: &router)
    }

    private func mount(on router: inout Router) {
        // Fixed paths before the templates they would also match (`/admin/events/retry` is no event id).
        add(&router, "GET", "/admin/stats") { _, _ in try stats() }
        add(&router, "GET", "/admin/events") { request, _ in try list(request) }
        add(&router, "POST", "/admin/events/retry") { request, _ in try retryAll(request) }
        add(&router, "GET", "/admin/events/{id}") { _, parameters in try show(parameters["id"] ?? "") }
        add(&router, "DELETE", "/admin/events/{id}") { _, parameters in try discard(parameters["id"] ?? "") }
        add(&router, "POST", "/admin/events/{id}/retry") { request, parameters in
            try retry(parameters["id"] ?? "", request)
        }
        add(&router, "GET", "/admin/routes") { _, _ in routeList() }
        add(&router, "POST", "/admin/routes/{name}/pause") { _, parameters in
            try pause(parameters["name"] ?? "", true)
        }
        add(&router, "POST", "/admin/routes/{name}/resume") { _, parameters in
            try pause(parameters["name"] ?? "", false)
        }
        add(&router, Router.anyMethod, "/admin/*") { request, _ in
            problem(.notFound, "no admin call \(request.head.method) \(request.head.path); see docs/operating.md")
        }
    }

    /// Adds an authorized handler that runs on the admin queue; an `AdminProblem` it throws is the answer.
    private func add(
        _ router: inout Router, _ method: String, _ template: String,
        _ body: @escaping @Sendable (HTTPRequest, [String: String]) throws -> HTTPResponse
    ) {
        router.add(method, template: template) { [self] request, parameters, respond in
            if let refusal = authorization.refusal(of: request) {
                respond(refusal)
                return
            }
            work.async {
                do {
                    respond(try body(request, parameters))
                } catch let problem as AdminProblem {
                    respond(problem.response)
                } catch {
                    respond(problem(.internalServerError, "\(error)"))
                }
            }
        }
    }

    // MARK: The calls

    private func stats() throws(AdminProblem) -> HTTPResponse {
        json(
            AdminJSON.stats(try storeCall { () throws(StoreError) in try store.stats() }, paused: delivery.pausedRoutes)
        )
    }

    private func list(_ request: HTTPRequest) throws(AdminProblem) -> HTTPResponse {
        let query = try Self.query(request)
        var status: EventStatus?
        if let text = query["status"] {
            guard let parsed = EventStatus(rawValue: text) else {
                throw AdminProblem(.badRequest, "status '\(text)': use \(Self.statusNames)")
            }
            status = parsed
        }
        var limit = Self.defaultPageSize
        if let text = query["limit"] {
            guard let parsed = Int(text), (1...Self.maxPageSize).contains(parsed) else {
                throw AdminProblem(.badRequest, "limit '\(text)': use a whole number from 1 to \(Self.maxPageSize)")
            }
            limit = parsed
        }
        var after: EventID?
        if let text = query["after"] {
            guard let parsed = EventID(text) else {
                throw AdminProblem(.badRequest, "after '\(text)': use the 'next' of the previous page (an event id)")
            }
            after = parsed
        }
        let route = query["route"]
        // One more than asked tells whether there is a next page.
        let found = try storeCall { () throws(StoreError) in
            try store.list(status: status, route: route, limit: limit + 1, after: after)
        }
        let page = Array(found.prefix(limit))
        return json(AdminJSON.page(page, next: found.count > limit ? page.last?.id : nil))
    }

    private func show(_ text: String) throws(AdminProblem) -> HTTPResponse {
        let id = try Self.eventID(text)
        guard let detail = try storeCall({ () throws(StoreError) in try store.event(id) }) else {
            throw AdminProblem(.notFound, "no event \(text)")
        }
        return json(AdminJSON.detail(detail, paused: delivery.pausedRoutes.contains(detail.event.route)))
    }

    private func retry(_ text: String, _ request: HTTPRequest) throws(AdminProblem) -> HTTPResponse {
        let id = try Self.eventID(text)
        let query = try Self.query(request)
        let replan = try Self.flag(query, "replan")
        if replan {
            let replanner = EventReplanner(routes: routes)
            let outcome = try storeCall { () throws(StoreError) in try replanner.retry(id, in: store) }
            switch outcome {
            case .retried(let plan, let kept):
                logger.notice(
                    "admin: event re-planned and retried", ["event.id": .string(text), "kept_steps": .int(kept)])
                return json([
                    "id": .string(text), "status": "pending", "replanned": true, "kept_steps": .number(Double(kept)),
                    "plan": plan.jsonValue,
                ])
            case .notFound:
                throw AdminProblem(.notFound, "no event \(text)")
            case .notRetryable(let status):
                throw Self.notRetryable(text, status)
            case .notPlanned(let outcome):
                throw AdminProblem(.unprocessableContent, "event \(text) cannot be re-planned: \(outcome.problem)")
            case .noSteps:
                throw AdminProblem(
                    .unprocessableContent,
                    "no rule matches event \(text) with the current rules: nothing to deliver; discard it instead")
            }
        }
        let retried = try storeCall { () throws(StoreError) in try store.retry(id) }
        guard retried else {
            guard let found = try storeCall({ () throws(StoreError) in try store.event(id) }) else {
                throw AdminProblem(.notFound, "no event \(text)")
            }
            throw Self.notRetryable(text, found.event.status)
        }
        logger.notice("admin: event retried", ["event.id": .string(text)])
        return json(["id": .string(text), "status": "pending", "replanned": false])
    }

    private func retryAll(_ request: HTTPRequest) throws(AdminProblem) -> HTTPResponse {
        let query = try Self.query(request)
        let text = query["status"] ?? EventStatus.dead.rawValue
        guard let status = EventStatus(rawValue: text), status == .dead || status == .retrying else {
            throw AdminProblem(.badRequest, "status '\(text)': only dead or retrying events are retried")
        }
        if try Self.flag(query, "replan") {
            throw AdminProblem(.badRequest, "replan is per event: POST /admin/events/{id}/retry?replan=true")
        }
        let route = query["route"]
        let count = try storeCall { () throws(StoreError) in try store.retryAll(status: status, route: route) }
        logger.notice(
            "admin: events retried",
            ["status": .string(status.rawValue), "route": .string(route ?? "*"), "count": .int(count)])
        return json(["retried": .number(Double(count)), "status": .string(status.rawValue)])
    }

    private func discard(_ text: String) throws(AdminProblem) -> HTTPResponse {
        let id = try Self.eventID(text)
        guard try storeCall({ () throws(StoreError) in try store.discard(id) }) else {
            throw AdminProblem(.notFound, "no event \(text)")
        }
        logger.notice("admin: event discarded", ["event.id": .string(text)])
        return HTTPResponse(status: .noContent)
    }

    private func routeList() -> HTTPResponse {
        let paused = delivery.pausedRoutes
        return json([
            "routes": .array(
                routes.map {
                    [
                        "name": .string($0.name), "path": .string($0.path), "kind": .string($0.kind.rawValue),
                        "paused": .bool(paused.contains($0.name)),
                    ]
                })
        ])
    }

    private func pause(_ name: String, _ paused: Bool) throws(AdminProblem) -> HTTPResponse {
        guard routes.contains(where: { $0.name == name }) else {
            throw AdminProblem(
                .notFound, "no route '\(name)'; routes: \(routes.map(\.name).joined(separator: ", "))")
        }
        try storeCall { () throws(StoreError) in
            if paused { try delivery.pause(route: name) } else { try delivery.resume(route: name) }
        }
        logger.notice(paused ? "admin: route paused" : "admin: route resumed", ["route": .string(name)])
        return json(["route": .string(name), "paused": .bool(paused)])
    }

    // MARK: Helpers

    private static let statusNames = EventStatus.allCases.map(\.rawValue).joined(separator: ", ")

    private static func notRetryable(_ id: String, _ status: EventStatus) -> AdminProblem {
        AdminProblem(
            HTTPStatus(code: 409), "event \(id) is \(status.rawValue): only dead or retrying events are retried")
    }

    private static func eventID(_ text: String) throws(AdminProblem) -> EventID {
        guard let id = EventID(text) else {
            throw AdminProblem(.notFound, "no event \(text) (an event id is 26 characters of Crockford base32)")
        }
        return id
    }

    /// The query's parameters, the last value of each.
    private static func query(_ request: HTTPRequest) throws(AdminProblem) -> [String: String] {
        guard let query = request.head.query else { return [:] }
        let decoded: JSONValue
        do {
            decoded = try FormURLEncoded.decode(Array(query.utf8))
        } catch {
            throw AdminProblem(.badRequest, "the query string is not valid: \(error.message)")
        }
        var values: [String: String] = [:]
        for (name, value) in decoded.objectValue ?? [:] {
            values[name] = value.stringValue ?? value.arrayValue?.last?.stringValue
        }
        return values
    }

    private static func flag(_ query: [String: String], _ name: String) throws(AdminProblem) -> Bool {
        switch query[name] {
        case nil, "false", "0": return false
        case "", "true", "1": return true
        case let other?: throw AdminProblem(.badRequest, "\(name) '\(other)': use true or false")
        }
    }

    private func storeCall<T>(_ body: () throws(StoreError) -> T) throws(AdminProblem) -> T {
        do {
            return try body()
        } catch {
            logger.error("admin: the queue store failed", ["error": .string(error.description)])
            throw AdminProblem(.serviceUnavailable, "the queue store failed: \(error.message)")
        }
    }

    private func problem(_ status: HTTPStatus, _ detail: String) -> HTTPResponse {
        ProblemBody.response(status: status, detail: detail)
    }

    private func json(_ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: .ok, headers: ["Content-Type": "application/json"], body: value.jsonBytes)
    }
}

/// An admin call's failure, answered as problem JSON.
struct AdminProblem: Error {
    var status: HTTPStatus
    var detail: String

    init(_ status: HTTPStatus, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    var response: HTTPResponse { ProblemBody.response(status: status, detail: detail) }
}
