import HTTP
import Logging

/// A simulator of the Teamopipe API (the contract in `docs/teamopipe-api.md`) with fault injection, for tests,
/// demos and `dealhook serve --sandbox`.
///
/// ```swift
/// var configuration = SandboxConfiguration(addresses: [BindAddress(host: "127.0.0.1", port: 0)])
/// configuration.dataFile = "/tmp/sandbox.json"
/// let sandbox = try TeamopipeSandbox(configuration: configuration, logger: logger)
/// let port = try sandbox.start()[0].port     // http://127.0.0.1:<port>/api/v2, key `sandbox.apiKey`
/// …
/// sandbox.shutdown()
/// ```
public final class TeamopipeSandbox: Sendable {
    public let configuration: SandboxConfiguration
    /// Answers requests; usable in-process without `start` (an app may mount it behind its own server).
    public let responder: SandboxResponder
    private let core: SandboxCore
    private let server: HTTPServer
    private let logger: Logger

    /// Builds the sandbox, loading `configuration.dataFile` when it exists. Throws when that file is unreadable.
    public init(configuration: SandboxConfiguration, logger: Logger) throws(SandboxError) {
        self.configuration = configuration
        self.logger = logger
        core = try SandboxCore(configuration: configuration, logger: logger)
        responder = SandboxResponder(core: core)
        server = HTTPServer(
            configuration: HTTPServerConfiguration(
                addresses: configuration.addresses, eventLoopCount: configuration.eventLoopCount,
                maxInflatedBodySize: configuration.maxBodySize),
            responder: responder, logger: logger)
    }

    /// The API key valid at start (keys may be added, rotated and revoked through `/_sandbox/keys`).
    public var apiKey: String { configuration.apiKey }

    /// The API keys valid now.
    public var validAPIKeys: [String] { core.keys }

    /// Binds and serves. Refuses addresses other than loopback unless `allowNonLoopback`. Returns the bound
    /// addresses, with the real ports where 0 was asked for.
    @discardableResult
    public func start() throws(SandboxError) -> [BindAddress] {
        if !configuration.allowNonLoopback, let address = configuration.addresses.first(where: { !$0.isLoopback }) {
            throw SandboxError(
                "the sandbox listens on loopback only (127.0.0.1, [::1]), not \(address): it has no real security; "
                    + "pass --listen-any to allow it")
        }
        do {
            let bound = try server.start()
            logger.info("sandbox started", ["addresses": .list(bound.map { .string($0.description) })])
            return bound
        } catch {
            throw SandboxError("the sandbox cannot listen: \(error)")
        }
    }

    /// Stops serving (requests held by the hang fault are cut off after `gracePeriod`) and finishes writing the
    /// data file.
    public func shutdown(gracePeriod: Duration = .seconds(2)) {
        server.shutdown(gracePeriod: gracePeriod)
        core.flush()
        logger.info("sandbox stopped")
    }
}
