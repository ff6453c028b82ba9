import Dispatch
import Glibc
import HTTP
import Logging
import Metrics
import Rules
import Synchronization

/// The running Dealhook: the HTTP server with the operational endpoints, wired from a loaded config.
public final class Service: Sendable {
    private let server: HTTPServer
    private let readiness: Readiness
    private let shutdownTimeout: Duration
    private let logger: Logger

    /// Assembles the service from a loaded config; `listen` overrides the config's addresses when not empty.
    public init(config: DealhookConfig, listen: [String] = [], logger: Logger) throws(ServiceError) {
        let settings = config.server
        var addresses: [BindAddress] = []
        for text in listen.isEmpty ? settings.listen : listen {
            do {
                addresses.append(try BindAddress(parsing: text))
            } catch {
                throw ServiceError(message: error.description)
            }
        }
        let registry = MetricsRegistry()
        let metrics = HTTPMetrics(registry: registry)
        let readiness = Readiness(checks: [
            .init(name: "config", ok: true, detail: nil),
            .init(name: "listening", ok: false, detail: "not started"),
        ])
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
        let serverBox = ServerReference()
        var router = Router()
        let healthy = HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#)
        router.add("GET", "/healthz") { _ in healthy }
        router.add("GET", "/readyz") { _ in readiness.response() }
        router.add("GET", "/metrics") { _ in
            metrics.openConnections.set(Double(serverBox.server?.openConnections ?? 0))
            return HTTPResponse(status: .ok, contentType: MetricsRegistry.contentType, body: registry.render())
        }
        let responder = DealhookResponder(
            router: router, metrics: metrics, logger: logger, maxBodySize: settings.maxBodySize)
        server = HTTPServer(configuration: configuration, responder: responder, logger: logger)
        serverBox.server = server
        self.readiness = readiness
        self.shutdownTimeout = settings.shutdownTimeout
        self.logger = logger
    }

    /// Binds and starts serving; returns the bound addresses (real ports where 0 was asked for).
    public func start() throws(ServiceError) -> [BindAddress] {
        do {
            let bound = try server.start()
            readiness.set("listening", ok: true, detail: bound.map(\.description).joined(separator: ", "))
            return bound
        } catch {
            throw ServiceError(message: error.description)
        }
    }

    /// Stops accepting, finishes requests in flight up to the configured shutdown timeout, then closes the rest.
    /// Returns whether everything finished in time.
    @discardableResult
    public func stop() -> Bool {
        readiness.set("listening", ok: false, detail: "shutting down")
        logger.info("shutting down", ["grace_seconds": .int(Int(shutdownTimeout.components.seconds))])
        let drained = server.shutdown(gracePeriod: shutdownTimeout)
        logger.info("stopped", ["drained": .bool(drained)])
        return drained
    }

    /// Runs until SIGTERM or SIGINT, then stops gracefully and exits the process with status 0.
    public func runUntilSignalled() -> Never {
        signal(SIGPIPE, SIG_IGN)
        let queue = DispatchQueue(label: "dealhook.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in
                logger.info("signal received", ["signal": .string(number == SIGTERM ? "SIGTERM" : "SIGINT")])
                stop()
                exit(0)
            }
            source.resume()
            sources.append(source)
        }
        withExtendedLifetime(sources) { dispatchMain() }
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
