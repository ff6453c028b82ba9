import Foundation
import HTTP
import JSON
import TestSupport

/// A config for the admin, queue and plan tests: form routes `contact` (with `STAGE` as the deal's stage) and
/// `callback`, the queue in `directory`.
enum AdminFixture {
    static let token = "admin-test-token-3f9a"

    static func config(stage: String = "Lead", extraRoutes: String = "", contactExtra: String = "") -> String {
        """
        server: {listen: 127.0.0.1:0, shutdown_timeout: 5s}
        queue: {path: QUEUE, concurrency: 4}
        routes:
          - name: contact
            path: /forms/contact
            kind: form
            rules:
              - name: lead
                actions:
                  - id: contact
                    contact.upsert:
                      email: "{{ form.email | email | required('Please give your e-mail address') }}"
                      name: "{{ form.name | trim | required('Please give your name') }}"
        \(contactExtra)
                  - id: deal
                    deal.create:
                      title: "{{ form.name | trim }} — enquiry"
                      pipeline: Sales
                      stage: \(stage)
                      contact: "{{ steps.contact.id }}"
          - name: callback
            path: /forms/callback
            kind: form
            rules:
              - name: call
                actions:
                  - id: contact
                    contact.upsert:
                      email: "{{ form.email | email | required('Please give your e-mail address') }}"
                      name: "{{ form.name | trim | default('Caller') }}"
        \(extraRoutes)
        """
    }

    /// A fresh directory for one test's configs and queue file.
    static func directory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dealhook-admin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Writes `text` as `name` in `directory`, with `QUEUE` replaced by the directory's queue file; returns its path.
    static func write(_ text: String, as name: String, in directory: URL) throws -> String {
        let path = directory.appendingPathComponent(name).path
        let queue = directory.appendingPathComponent("queue.sqlite").path
        try text.replacingOccurrences(of: "QUEUE", with: queue).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}

/// A running `dealhook serve --sandbox` with a config file, the admin token set through the environment.
final class AdminServer {
    let process: DealhookProcess
    let base: String
    let sandboxRoot: String
    let http: HTTPClient

    /// Serves `config`, delivering to the sandbox at `sandbox` (a `dealhook sandbox` that outlives this server)
    /// or, if nil, to one started in the process (`--sandbox`).
    init(config: String, token: String? = AdminFixture.token, sandbox: ExternalSandbox? = nil) throws {
        var environment: [String: String] = [:]
        if let token { environment["DEALHOOK_ADMIN_TOKEN"] = token }
        if let sandbox {
            environment["TEAMOPIPE_BASE_URL"] = sandbox.root + "/api/v2"
            environment["TEAMOPIPE_API_KEY"] = "sandbox-key"
            process = try DealhookProcess(["serve", "--config", config], environment: environment)
            base = "http://127.0.0.1:\(try process.waitForListeningPort())"
            sandboxRoot = sandbox.root
        } else {
            process = try DealhookProcess(["serve", "--config", config, "--sandbox"], environment: environment)
            base = "http://127.0.0.1:\(try process.waitForListeningPort())"
            let line = try process.waitForLine(startingWith: "Teamopipe sandbox: ")
            let url = line.dropFirst("Teamopipe sandbox: ".count).prefix { $0 != " " }
            sandboxRoot = String(url.dropLast("/api/v2".count))
        }
        http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(10)))
    }

    /// Stops the server and waits for it to exit.
    func stop() {
        process.send(signal: SIGTERM)
        _ = process.waitForExit(seconds: 10)
    }

    deinit { stop() }

    /// An admin call with the right token (or `token`, or none when `token` is "").
    func admin(_ method: String, _ path: String, token: String = AdminFixture.token) throws -> HTTPClientResponse {
        var headers: HTTPHeaders = [:]
        if !token.isEmpty { headers.add(name: "Authorization", value: "Bearer \(token)") }
        return try http.execute(HTTPClientRequest(method: method, url: base + path, headers: headers))
    }

    /// The JSON answer of a successful admin call.
    func adminJSON(_ method: String, _ path: String) throws -> JSONValue {
        let response = try admin(method, path)
        guard response.status.code == 200 else {
            throw AdminTestError("\(method) \(path): \(response.status.code) \(response.bodyText)")
        }
        return try JSONValue(parsing: response.body)
    }

    /// Posts a form and returns the event id.
    @discardableResult
    func postForm(_ path: String, _ body: String) throws -> String {
        let response = try http.execute(
            HTTPClientRequest(
                method: "POST", url: base + path,
                headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                body: Array(body.utf8)))
        guard response.status.code == 202, let id = try JSONValue(parsing: response.body)["id"]?.stringValue else {
            throw AdminTestError("POST \(path): \(response.status.code) \(response.bodyText)")
        }
        return id
    }

    /// The sandbox's object counts.
    func sandboxObjects() throws -> JSONValue {
        let response = try http.execute(HTTPClientRequest(url: sandboxRoot + "/_sandbox/stats"))
        return try JSONValue(parsing: response.body)["objects"] ?? .null
    }

    /// The queue's count of `status`.
    func count(_ status: String) throws -> Int {
        try adminJSON("GET", "/admin/stats")["counts"]?[status]?.intValue ?? -1
    }

    /// Waits until `condition` holds (at most 15 s); returns whether it did.
    @discardableResult
    func wait(until condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            if try condition() { return true }
            usleep(50_000)
        }
        return try condition()
    }
}

/// A `dealhook sandbox` process on a free loopback port, so that the workspace outlives a restart of the server.
final class ExternalSandbox {
    let process: DealhookProcess
    let root: String

    init() throws {
        process = try DealhookProcess(["sandbox", "--listen", "127.0.0.1:0", "--rate-limit", "off"])
        root = "http://127.0.0.1:\(try process.waitForListeningPort())"
    }

    deinit {
        process.send(signal: SIGTERM)
        _ = process.waitForExit(seconds: 10)
    }
}

/// An admin call that did not answer as the test needs.
struct AdminTestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
