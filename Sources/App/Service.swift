import Foundation
import Glibc
import HTTP
import Intake
import Logging
import Metrics
import Queue
import Rules
import Sandbox
import Synchronization

/// How `dealhook serve` was asked to run, beyond the config file.
public struct ServiceOptions: Sendable {
    /// Addresses that replace the config's `server.listen` when not empty (`--listen`).
    public var listen: [String]
    /// Run a Teamopipe sandbox in this process and deliver to it (`--sandbox`).
    public var sandbox: Bool
    /// Skip `PRAGMA integrity_check` when opening the queue (`--skip-integrity-check`, for huge stores).
    public var skipIntegrityCheck: Bool

    public init(listen: [String] = [], sandbox: Bool = false, skipIntegrityCheck: Bool = false) {
        self.listen = listen
        self.sandbox = sandbox
        self.skipIntegrityCheck = skipIntegrityCheck
    }
}

/// The running Dealhook: the HTTP server with the routes and operational endpoints, the queue, the delivery
/// loop and the Teamopipe client, wired from a loaded config.
public final class Service: Sendable {
    private let server: HTTPServer
    private let parts: Parts
    private let routes: RouterBox
    private let options: ServiceOptions
    private let teamopipeSettings: Mutex<TeamopipeSettings>
    /// The server and queue settings the service started with, to tell an operator a reload cannot change them.
    private let startupSettings: (server: ServerSettings, queue: QueueSettings)
    private let sweeper: RetentionSweeper
    private let shutdownTimeout: Duration
    private let logger: Logger

    /// Assembles the service: opens the queue, connects to Teamopipe (or starts the sandbox), builds the routes.
    public init(config: DealhookConfig, options: ServiceOptions = ServiceOptions(), logger: Logger) throws(ServiceError) {
        let addresses = try Self.bindAddresses(options.listen.isEmpty ? config.server.listen : options.listen)
        let connection = try TeamopipeConnection.make(
            settings: config.teamopipe, sandbox: options.sandbox, concurrency: config.queue.concurrency, logger: logger)
        let store: any EventStore
        do {
            store = try Self.openStore(config.queue, skipIntegrityCheck: options.skipIntegrityCheck, logger: logger)
        } catch {
            connection.sandbox?.shutdown()
            throw error
        }
        let registry = MetricsRegistry()
        let performer = SwitchablePerformer(connection)
        let delivery = DeliveryLoop(
            store: store, performer: performer, policy: config.queue.retry,
            concurrency: config.queue.concurrency, lease: config.queue.lease, logger: logger.with(["component": "delivery"]),
            metrics: DeliveryMetrics(registry: registry))
        let parts = Parts(
            store: store, delivery: delivery, performer: performer,
            readiness: Readiness(checks: [
                .init(name: "config", ok: true, detail: nil),
                .init(name: "listening", ok: false, detail: "not started"),
                .init(name: "queue", ok: true, detail: config.queue.path),
                .init(name: "teamopipe", ok: true, detail: connection.baseURL),
            ]),
            registry: registry, httpMetrics: HTTPMetrics(registry: registry),
            queueMetrics: QueueMetrics(registry: registry), serverBox: ServerReference(), ids: EventID.Generator(),
            captchaClient: try? HTTPClient(
                configuration: HTTPClientConfiguration(userAgent: "dealhook/\(DealhookVersion.current)")),
            logger: logger)
        let routes = RouterBox(Self.router(for: config, parts))
        let settings = config.server
        let configuration = HTTPServerConfiguration(
            addresses: addresses,
            maxConnections: settings.maxConnections,
            headerTimeout: settings.headerTimeout,
            idleTimeout: settings.idleTimeout,
            bodyTimeout: settings.bodyTimeout,
            parserLimits: HTTPParserLimits(
                maxRequestLineLength: settings.maxRequestLine, maxHeaderBytes: settings.maxHeaderSize,
                maxHeaderCount: settings.maxHeaderCount),
            maxInflatedBodySize: settings.maxInflatedBodySize)
        let responder = DealhookResponder(
            routes: routes, metrics: parts.httpMetrics, logger: logger, maxBodySize: settings.maxBodySize)
        server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        parts.serverBox.server = server
        self.parts = parts
        self.routes = routes
        self.options = options
        teamopipeSettings = Mutex(config.teamopipe)
        startupSettings = (config.server, config.queue)
        sweeper = RetentionSweeper(store: store, retention: config.queue.retainDelivered, logger: logger)
        self.shutdownTimeout = settings.shutdownTimeout
        self.logger = logger
    }

    /// What the routes are built from, kept for a reload.
    private struct Parts: Sendable {
        let store: any EventStore
        let delivery: DeliveryLoop
        let performer: SwitchablePerformer
        let readiness: Readiness
        let registry: MetricsRegistry
        let httpMetrics: HTTPMetrics
        let queueMetrics: QueueMetrics
        let serverBox: ServerReference
        let ids: EventID.Generator
        let captchaClient: HTTPClient?
        let logger: Logger
    }

    /// The operational endpoints, the config's routes and the admin API.
    private static func router(for config: DealhookConfig, _ parts: Parts) -> Router {
        var router = Router()
        let healthy = HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#)
        router.add("GET", "/healthz", answer: { _ in healthy })
        router.add("GET", "/readyz", answer: { _ in
            // A refused key is Dealhook's to fix (not ready); Teamopipe being down is not: intake goes on, so the
            // check passes and only says that deliveries wait.
            let problem = parts.delivery.authProblem
            let outage = parts.delivery.outage.map { "deliveries paused: \($0)" }
            parts.readiness.set(
                "teamopipe", ok: problem == nil, detail: problem ?? outage ?? parts.performer.connection.baseURL)
            return parts.readiness.response()
        })
        router.add("GET", "/metrics", answer: { _ in
            parts.httpMetrics.openConnections.set(Double(parts.serverBox.server?.openConnections ?? 0))
            parts.queueMetrics.refresh(from: parts.store)
            return HTTPResponse(status: .ok, contentType: MetricsRegistry.contentType, body: parts.registry.render())
        })
        for route in config.routes {
            let intake = RouteIntake(route: route, client: parts.captchaClient)
            if let reason = intake.disabledReason {
                parts.logger.warning(
                    "route disabled: it answers 503 until its secret is set",
                    ["route": .string(route.name), "reason": .string(reason)])
            }
            let handler = IntakeHandler(
                intake: intake, store: parts.store, ids: parts.ids, maxPending: config.queue.maxPending,
                outcomes: parts.queueMetrics.intake, logger: parts.logger)
            let methods = route.kind == .form ? ["POST", "OPTIONS"] : ["POST"]
            for method in methods {
                router.add(method, route.path, name: route.path, bodyLimit: route.maxBodySize) { request, context, respond in
                    handler.handle(request, context, respond)
                }
            }
        }
        AdminAPI.mount(
            on: &router, settings: config.admin, store: parts.store, delivery: parts.delivery, routes: config.routes,
            logger: parts.logger.with(["component": "admin"]))
        return router
    }

    /// Applies a newly loaded config without a restart: the routes, their rules and intake settings, the admin
    /// token, and the Teamopipe base URL, key and client settings (deliveries paused by a refused key resume at
    /// once with a new one). The server's addresses and limits and the queue's settings need a restart; a change
    /// to them is logged and otherwise ignored.
    public func reload(_ config: DealhookConfig) {
        routes.router = Self.router(for: config, parts)
        let changedTeamopipe = teamopipeSettings.withLock { current -> Bool in
            defer { current = config.teamopipe }
            return current != config.teamopipe
        }
        if changedTeamopipe && !options.sandbox {
            do {
                let connection = try TeamopipeConnection.make(
                    settings: config.teamopipe, sandbox: false, concurrency: config.queue.concurrency,
                    logger: parts.logger)
                parts.performer.replace(with: connection)
                parts.delivery.credentialsChanged()
            } catch {
                parts.logger.error("the new teamopipe settings cannot be used; the old ones stay", ["error": .string(error.message)])
            }
        }
        if config.server != startupSettings.server || config.queue != startupSettings.queue {
            parts.logger.warning("the server and queue settings changed; they apply after a restart")
        }
        parts.logger.notice(
            "config reloaded",
            ["routes": .int(config.routes.count), "teamopipe_changed": .bool(changedTeamopipe && !options.sandbox)])
    }

    private static func bindAddresses(_ texts: [String]) throws(ServiceError) -> [BindAddress] {
        var addresses: [BindAddress] = []
        for text in texts {
            do {
                addresses.append(try BindAddress(parsing: text))
            } catch {
                throw ServiceError(message: error.description)
            }
        }
        return addresses
    }

    private static func openStore(_ settings: QueueSettings, skipIntegrityCheck: Bool, logger: Logger) throws(ServiceError)
        -> any EventStore
    {
        guard !settings.path.hasPrefix("postgres://"), !settings.path.hasPrefix("postgresql://") else {
            throw ServiceError(message: "queue.path: PostgreSQL stores are not supported yet; give a SQLite file path")
        }
        let directory = (settings.path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        var configuration = SQLiteEventStore.Configuration()
        configuration.skipIntegrityCheck = skipIntegrityCheck
        do {
            return try SQLiteEventStore(path: settings.path, configuration: configuration, logger: logger)
        } catch {
            throw ServiceError(message: "queue \(settings.path): \(error.message)")
        }
    }

    /// The embedded sandbox's API base URL, when `--sandbox` started one.
    public var sandboxURL: String? { parts.performer.connection.sandbox.map { _ in parts.performer.connection.baseURL } }

    /// Binds and starts serving, then starts delivering; returns the bound addresses (real ports where 0 was
    /// asked for).
    public func start() throws(ServiceError) -> [BindAddress] {
        do {
            let bound = try server.start()
            parts.readiness.set("listening", ok: true, detail: bound.map(\.description).joined(separator: ", "))
            parts.delivery.start()
            sweeper.start()
            return bound
        } catch {
            throw ServiceError(message: error.description)
        }
    }

    /// Stops accepting, finishes requests in flight up to the configured shutdown timeout, lets deliveries in
    /// flight finish in what remains of it, then closes the queue. Returns whether everything finished in time.
    @discardableResult
    public func stop() -> Bool {
        parts.readiness.set("listening", ok: false, detail: "shutting down")
        logger.info("shutting down", ["grace_seconds": .int(Int(shutdownTimeout.components.seconds))])
        let deadline = ContinuousClock.now + shutdownTimeout
        let drained = server.shutdown(gracePeriod: shutdownTimeout)
        let delivered = parts.delivery.stop(timeout: max(.zero, deadline - .now))
        sweeper.stop()
        parts.store.close()
        parts.performer.connection.sandbox?.shutdown()
        logger.info("stopped", ["drained": .bool(drained), "deliveries_finished": .bool(delivered)])
        return drained && delivered
    }

    /// Waits for SIGTERM or SIGINT (blocked by `signals` before the service started), then stops gracefully and
    /// exits the process with status 0.
    /// Each SIGHUP meanwhile calls `load` and, when it gives a config, applies it (`reload(_:)`).
    public func runUntilSignalled(_ signals: StopSignals, load: () -> DealhookConfig? = { nil }) -> Never {
        // Waited for before logging: the log call's arguments are not evaluated when info is off.
        let signal = signals.wait {
            logger.notice("SIGHUP: reloading the config")
            if let config = load() { reload(config) }
        }
        logger.info("signal received", ["signal": .string(signal)])
        stop()
        exit(0)
    }
}

/// Lets the metrics handler read the server's connection count; set once, before the server starts.
private final class ServerReference: Sendable {
    private let stored = Mutex<HTTPServer?>(nil)
    var server: HTTPServer? {
        get { stored.withLock { $0 } }
        set { stored.withLock { $0 = newValue } }
    }
}

/// A failure to assemble or start the service, with a message for the operator.
public struct ServiceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
