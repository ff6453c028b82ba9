import HTTP
import JSON
import Logging
import Sandbox
import Teamopipe

/// A Teamopipe sandbox in the test process on an ephemeral loopback port, with a client talking to it over real
/// sockets, faults and all: what the Teamopipe client and the delivery code are tested against.
public final class InProcessSandbox {
    public let sandbox: TeamopipeSandbox
    public let baseURL: String
    public let http: HTTPClient
    public let client: TeamopipeClient

    /// `rateLimit`: the sandbox's (nil: none); `apiKey`: the one the client sends (the sandbox's own if nil);
    /// `timeout`: the client's limit for one call, twice that for the whole exchange; `faultSeed` makes injected
    /// faults repeatable.
    public init(
        rateLimit: RateLimitPolicy? = nil, apiKey: String? = nil, timeout: Duration = .seconds(2), faultSeed: UInt64 = 7
    ) throws {
        sandbox = try TeamopipeSandbox(
            configuration: SandboxConfiguration(
                addresses: [BindAddress(host: "127.0.0.1", port: 0)], rateLimit: rateLimit, faultSeed: faultSeed),
            logger: Logger(level: .critical, handler: InMemoryLogHandler()))
        let address = try sandbox.start()[0]
        baseURL = "http://127.0.0.1:\(address.port)/api/v2"
        http = try HTTPClient(
            configuration: HTTPClientConfiguration(requestTimeout: timeout, totalTimeout: timeout * 2))
        client = TeamopipeClient(
            transport: HTTPTeamopipeTransport(client: http, baseURL: baseURL, apiKey: apiKey ?? sandbox.apiKey),
            cacheTTL: .seconds(60))
    }

    deinit { sandbox.shutdown(gracePeriod: .milliseconds(200)) }

    /// A call to the sandbox's control API (`/_sandbox/...`).
    @discardableResult
    public func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let root = String(baseURL.dropLast("/api/v2".count))
        let response = try http.execute(
            HTTPClientRequest(
                method: method, url: root + path, headers: ["Content-Type": "application/json"],
                body: body?.jsonBytes ?? []))
        return response.body.isEmpty ? .null : try JSONValue(parsing: response.body)
    }

    /// Replaces the fault settings.
    public func faults(_ settings: JSONValue) throws { try control("POST", "/_sandbox/faults", settings) }

    /// How many objects of `kind` (`deals`, `contacts`, …) the sandbox holds.
    public func count(_ kind: String) throws -> Int {
        try control("GET", "/_sandbox/stats")["objects"]?[kind]?.intValue ?? -1
    }

    /// The answers the sandbox gave on `route` (`POST /deals`), by status or `reset`.
    public func answers(_ route: String) throws -> [String: Int] {
        let counts = try control("GET", "/_sandbox/stats")["requests"]?[route]?.objectValue?.dictionary ?? [:]
        return counts.compactMapValues(\.intValue)
    }

    /// An API read with the sandbox's key.
    public func get(_ path: String) throws -> JSONValue {
        let response = try http.execute(
            HTTPClientRequest(url: baseURL + path, headers: ["Authorization": "Bearer \(sandbox.apiKey)"]))
        return try JSONValue(parsing: response.body)["data"] ?? .null
    }
}
