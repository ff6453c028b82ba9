import HTTP
import Logging
import Rules
import Sandbox
import Teamopipe

/// Where deliveries go: the configured Teamopipe API, or (with `--sandbox`) a sandbox run in this process.
struct TeamopipeConnection: Sendable {
    let client: TeamopipeClient
    let baseURL: String
    /// The embedded sandbox, when there is one.
    let sandbox: TeamopipeSandbox?

    /// Connects as the settings say; `sandbox` starts a sandbox on a free loopback port and points the client at
    /// it. Without a sandbox an API key is required: a production deploy must never send its leads nowhere.
    static func make(
        settings: TeamopipeSettings, sandbox useSandbox: Bool, concurrency: Int, logger: Logger
    ) throws(ServiceError)
        -> TeamopipeConnection
    {
        var baseURL = settings.baseURL
        var apiKey = settings.apiKey?.value
        var sandbox: TeamopipeSandbox?
        if useSandbox {
            do {
                let started = try TeamopipeSandbox(
                    configuration: SandboxConfiguration(addresses: [BindAddress(host: "127.0.0.1", port: 0)]),
                    logger: logger.with(["component": "sandbox"]))
                let address = try started.start()[0]
                baseURL = "http://127.0.0.1:\(address.port)/api/v2"
                apiKey = started.apiKey
                sandbox = started
            } catch {
                throw ServiceError(message: "the Teamopipe sandbox could not start: \(error.message)")
            }
        }
        guard let apiKey else {
            throw ServiceError(
                message: """
                    no Teamopipe API key: set teamopipe.api_key in the config (e.g. api_key: ${TEAMOPIPE_API_KEY}) \
                    or the TEAMOPIPE_API_KEY environment variable, or try Dealhook against a local stand-in of the \
                    API with: dealhook serve --sandbox
                    """)
        }
        let http: HTTPClient
        do {
            http = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    userAgent: "dealhook/\(DealhookVersion.current)", maxConnectionsPerHost: max(8, concurrency),
                    requestTimeout: settings.timeout,
                    totalTimeout: settings.timeout * 2, caFile: settings.caFile,
                    allowInsecureHTTP: settings.allowInsecureHTTP))
        } catch {
            throw ServiceError(message: "teamopipe: \(error.description)")
        }
        let transport = RateLimitedTransport(
            wrapping: HTTPTeamopipeTransport(client: http, baseURL: baseURL, apiKey: apiKey),
            count: settings.rateLimit.count, interval: settings.rateLimit.interval)
        return TeamopipeConnection(
            client: TeamopipeClient(transport: transport, cacheTTL: settings.cacheTTL), baseURL: baseURL,
            sandbox: sandbox)
    }
}
