import Foundation
import HTTP
import JSON
import Logging
import Sandbox
import TestSupport
import Testing

/// A sandbox on an ephemeral loopback port, shut down when the test lets go of it, with a small JSON client.
final class SandboxHarness {
    let sandbox: TeamopipeSandbox
    let port: UInt16
    let logs = InMemoryLogHandler()

    init(_ configure: (inout SandboxConfiguration) -> Void = { _ in }) throws {
        var configuration = SandboxConfiguration(addresses: [BindAddress(host: "127.0.0.1", port: 0)], faultSeed: 7)
        configure(&configuration)
        sandbox = try TeamopipeSandbox(configuration: configuration, logger: Logger(level: .debug, handler: logs))
        port = try sandbox.start()[0].port
    }

    deinit { sandbox.shutdown(gracePeriod: .milliseconds(200)) }

    /// Sends one request on a new connection and reads the response.
    func send(
        _ method: String, _ path: String, json body: JSONValue? = nil,
        key: String? = SandboxConfiguration.defaultAPIKey,
        headers: [String: String] = [:], timeoutSeconds: Int = 5
    ) throws -> TestResponse {
        let connection = try connect(timeoutSeconds: timeoutSeconds)
        try connection.send(Self.request(method, path, json: body, key: key, headers: headers))
        return try connection.readResponse()
    }

    /// Sends a request to `/api/v2` + `path` and returns the response with its parsed body.
    func api(
        _ method: String, _ path: String, _ body: JSONValue? = nil, key: String? = SandboxConfiguration.defaultAPIKey,
        headers: [String: String] = [:]
    ) throws -> (status: Int, json: JSONValue, response: TestResponse) {
        let response = try send(method, "/api/v2" + path, json: body, key: key, headers: headers)
        return (response.status, try JSONValue(parsing: response.body), response)
    }

    /// A call to the sandbox's own `/_sandbox` API.
    func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> (status: Int, json: JSONValue) {
        let response = try send(method, "/_sandbox" + path, json: body, key: nil)
        return (response.status, try JSONValue(parsing: response.body))
    }

    /// `objects` of `GET /_sandbox/stats`.
    func objectCount(_ kind: String) throws -> Int {
        try control("GET", "/stats").json["objects"]?[kind]?.intValue ?? -1
    }

    func connect(timeoutSeconds: Int = 5) throws -> TestConnection {
        try TestConnection(port: port, timeoutSeconds: timeoutSeconds)
    }

    static func request(
        _ method: String, _ path: String, json body: JSONValue? = nil,
        key: String? = SandboxConfiguration.defaultAPIKey,
        headers: [String: String] = [:]
    ) -> String {
        var text = "\(method) \(path) HTTP/1.1\r\nHost: sandbox\r\n"
        if let key { text += "Authorization: Bearer \(key)\r\n" }
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) { text += "\(name): \(value)\r\n" }
        let bytes = body?.jsonText ?? ""
        if body != nil { text += "Content-Type: application/json\r\n" }
        return text + "Content-Length: \(bytes.utf8.count)\r\n\r\n" + bytes
    }
}

extension JSONValue {
    /// The `field`s of an error body's details.
    var detailFields: [String] {
        self["error"]?["details"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
    }

    /// The message of the detail about `field`.
    func detailMessage(_ field: String) -> String? {
        self["error"]?["details"]?.arrayValue?.first { $0["field"]?.stringValue == field }?["message"]?.stringValue
    }

    var errorCode: String? { self["error"]?["code"]?.stringValue }

    /// `data.id`.
    var dataID: String? { self["data"]?["id"]?.stringValue }
}

/// Expects a 422 `validation_failed` naming exactly `fields` in its details.
func expectValidation(
    _ result: (status: Int, json: JSONValue, response: TestResponse), fields: Set<String>,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(result.status == 422, "\(result.response.text)", sourceLocation: sourceLocation)
    #expect(result.json.errorCode == "validation_failed", sourceLocation: sourceLocation)
    #expect(Set(result.json.detailFields) == fields, "\(result.response.text)", sourceLocation: sourceLocation)
    let messages = result.json["error"]?["details"]?.arrayValue?.map { $0["message"]?.stringValue ?? "" } ?? []
    #expect(!messages.contains(""), "every detail has a message", sourceLocation: sourceLocation)
}
