import HTTP
import JSON
import Logging
import Sandbox

@testable import Teamopipe

/// A Teamopipe sandbox on an ephemeral loopback port and a client talking to it over HTTP.
final class LiveSandbox {
    let sandbox: TeamopipeSandbox
    let baseURL: String
    let http: HTTPClient
    let client: TeamopipeClient

    init(rateLimit: RateLimitPolicy? = nil, apiKey: String? = nil) throws {
        sandbox = try TeamopipeSandbox(
            configuration: SandboxConfiguration(
                addresses: [BindAddress(host: "127.0.0.1", port: 0)], rateLimit: rateLimit, faultSeed: 7),
            logger: Logger(level: .critical, handler: InMemoryLogHandler()))
        let address = try sandbox.start()[0]
        baseURL = "http://127.0.0.1:\(address.port)/api/v2"
        http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(2), totalTimeout: .seconds(4)))
        client = TeamopipeClient(
            transport: HTTPTeamopipeTransport(client: http, baseURL: baseURL, apiKey: apiKey ?? sandbox.apiKey),
            cacheTTL: .seconds(60))
    }

    deinit { sandbox.shutdown(gracePeriod: .milliseconds(200)) }

    /// A call to the sandbox's control API (`/_sandbox/...`).
    @discardableResult
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> JSONValue {
        let root = String(baseURL.dropLast("/api/v2".count))
        let response = try http.execute(
            HTTPClientRequest(
                method: method, url: root + path, headers: ["Content-Type": "application/json"],
                body: body?.jsonBytes ?? []))
        return response.body.isEmpty ? .null : try JSONValue(parsing: response.body)
    }

    /// How many objects of `kind` (`deals`, `contacts`, …) the sandbox holds.
    func count(_ kind: String) throws -> Int {
        try control("GET", "/_sandbox/stats")["objects"]?[kind]?.intValue ?? -1
    }

    /// An API read with the sandbox's key.
    func get(_ path: String) throws -> JSONValue {
        let response = try http.execute(
            HTTPClientRequest(url: baseURL + path, headers: ["Authorization": "Bearer \(sandbox.apiKey)"]))
        return try JSONValue(parsing: response.body)["data"] ?? .null
    }
}

extension TeamopipeOutcome {
    /// The object of a success, or nil.
    var value: JSONValue? {
        if case .success(let value) = self { return value }
        return nil
    }
}
