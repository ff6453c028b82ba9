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
    private let store: any EventStore
    private let delivery: DeliveryLoop
    private let sweeper: RetentionSweeper
    private let connection: TeamopipeConnection
    private let readiness: Readiness
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
        let httpMetrics = HTTPMetrics(registry: registry)
        let queueMetrics = QueueMetrics(registry: registry)
        let delivery = DeliveryLoop(
            store: store, performer: connection.client, policy: config.queue.retry,
            concurrency: config.queue.concurrency, lease: config.queue.lease, logger: logger.with(["component": "delivery"]),
            metrics: DeliveryMetrics(registry: registry))
        let readiness = Readiness(checks: [
            .init(name: "config", ok: true, detail: nil),
            .init(name: "listening", ok: false, detail: "not started"),
            .init(name: "queue", ok: true, detail: config.queue.path),
            .init(name: "teamopipe", ok: true, detail: connection.baseURL),
        ])
        let serverBox = ServerReference()
        var router = Router()
        let healthy = HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#)
        router.add("GET", "/healthz", answer: { _ in healthy })
        router.add("GET", "/readyz", answer: { _ in
            let problem = delivery.authProblem
            readiness.set("teamopipe", ok: problem == nil, detail: problem ?? connection.baseURL)
            return readiness.response()
        })
        router.add("GET", "/metrics", answer: { _ in
            httpMetrics.openConnections.set(Double(serverBox.server?.openConnections ?? 0))
            queueMetrics.refresh(from: store)
            return HTTPResponse(status: .ok, contentType: MetricsRegistry.contentType, body: registry.render())
        })
        let ids = EventID.Generator()
        let captchaClient = try? HTTPClient(
            configuration: HTTPClientConfiguration(userAgent: "dealhook/\(DealhookVersion.current)"))
        for route in config.routes {
            let intake = RouteIntake(route: route, client: captchaClient)
            if let reason = intake.disabledReason {
                logger.warning("route disabled: it answers 503 until its secret is set", ["route": .string(route.name), "reason": .string(reason)])
            }
            let handler = IntakeHandler(
                intake: intake, store: store, ids: ids, maxPending: config.queue.maxPending,
                outcomes: queueMetrics.intake, logger: logger)
            let methods = route.kind == .form ? ["POST", "OPTIONS"] : ["POST"]
            for method in methods {
                router.add(method, route.path, name: route.path, bodyLimit: route.maxBodySize) { request, context, respond in
                    handler.handle(request, context, respond)
                }
            }
        }
        AdminAPI.mount(
            on: &router, settings: config.admin, store: store, delivery: delivery, routes: config.routes,
            logger: logger.with(["component": "admin"]))
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
            router: router, metrics: httpMetrics, logger: logger, maxBodySize: settings.maxBodySize)
        server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        serverBox.server = server
        self.store = store
        self.delivery = delivery
        sweeper = RetentionSweeper(store: store, retention: config.queue.retainDelivered, logger: logger)
        self.connection = connection
        self.readiness = readiness
        self.shutdownTimeout = settings.shutdownTimeout
        self.logger = logger
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
    public var sandboxURL: String? { connection.sandbox == nil ? nil : connection.baseURL }

    /// Binds and starts serving, then starts delivering; returns the bound addresses (real ports where 0 was
    /// asked for).
    public func start() throws(ServiceError) -> [BindAddress] {
        do {
            let bound = try server.start()
            readiness.set("listening", ok: true, detail: bound.map(\.description).joined(separator: ", "))
            delivery.start()
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
        readiness.set("listening", ok: false, detail: "shutting down")
        logger.info("shutting down", ["grace_seconds": .int(Int(shutdownTimeout.components.seconds))])
        let deadline = ContinuousClock.now + shutdownTimeout
        let drained = server.shutdown(gracePeriod: shutdownTimeout)
        let delivered = delivery.stop(timeout: max(.zero, deadline - .now))
        sweeper.stop()
        store.close()
        connection.sandbox?.shutdown()
        logger.info("stopped", ["drained": .bool(drained), "deliveries_finished": .bool(delivered)])
        return drained && delivered
    }

    /// Waits for SIGTERM or SIGINT (blocked by `signals` before the service started), then stops gracefully and
    /// exits the process with status 0.
    public func runUntilSignalled(_ signals: StopSignals) -> Never {
        // Waited for before logging: the log call's arguments are not evaluated when info is off.
        let signal = signals.wait()
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
