import Foundation
import HTTP
import JSON
import Queue
import TestSupport

/// What the resilience tests run: a `dealhook sandbox` process that outlives the `dealhook serve` processes
/// pointed at it, configs in a temporary directory, and readers for the sandbox's data file and the queue file.
enum Resilience {
    /// A temporary directory for one test: the config, the queue file, the sandbox's data file.
    final class Workspace {
        let path: String

        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent(
                    "dealhook-resilience-\(UUID().uuidString)"
                ).path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }

        var queuePath: String { path + "/queue.sqlite" }
        var sandboxData: String { path + "/sandbox.json" }

        /// Writes the test config (routes `lead`, `note` and `partner`) and returns its path.
        func writeConfig(lease: String = "5s", concurrency: Int = 8, maxAttempts: Int = 60) throws -> String {
            let config = """
                server:
                  listen: 127.0.0.1:0
                  shutdown_timeout: 3s
                teamopipe:
                  base_url: http://127.0.0.1:9/api/v2
                  rate_limit: 400/s
                  timeout: 3s
                queue:
                  path: \(queuePath)
                  concurrency: \(concurrency)
                  lease: \(lease)
                  retry: {base: 50ms, max_delay: 500ms, max_attempts: \(maxAttempts)}
                routes:
                  - name: lead
                    path: /forms/lead
                    kind: form
                    rules:
                      - name: new-lead
                        actions:
                          - id: contact
                            contact.upsert:
                              email: "{{ form.email | email | required('Please give your e-mail address') }}"
                              name: "{{ form.name | trim | default('Someone') }}"
                          - id: deal
                            deal.create:
                              title: "{{ form.email }} — enquiry"
                              pipeline: Sales
                              stage: Lead
                              contact: "{{ steps.contact.id }}"
                          - id: follow-up
                            task.create:
                              title: "Call back {{ form.email }}"
                              deal: "{{ steps.deal.id }}"
                  - name: note
                    path: /forms/note
                    kind: form
                    rules:
                      - name: note
                        actions:
                          - id: contact
                            contact.upsert:
                              email: "{{ form.email | email | required('Please give your e-mail address') }}"
                          - id: note
                            activity.log:
                              contact: "{{ steps.contact.id }}"
                              type: note
                              text: "note {{ form.n }}"
                  - name: partner
                    path: /forms/partner
                    kind: form
                    rules:
                      - name: partner-deal
                        actions:
                          - id: deal
                            deal.create:
                              title: "Partner {{ form.name }}"
                              pipeline: Sales
                              stage: Lead
                              organization: "{{ form.org }}"
                """
            let file = path + "/dealhook.yaml"
            try config.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }

        /// The queue file, opened as the admin tools open it (run with no `dealhook serve` on it).
        func withStore<T>(_ body: (SQLiteEventStore) throws -> T) throws -> T {
            let store = try SQLiteEventStore(path: queuePath)
            defer { store.close() }
            return try body(store)
        }
    }

    /// `dealhook sandbox --data FILE` on its own port, so that its objects and idempotency keys outlive a crash
    /// of the `dealhook serve` that delivers to it.
    final class SandboxProcess {
        static let apiKey = "resilience-key-1"
        let process: DealhookProcess
        let root: String
        let http: HTTPClient

        /// Listens on `port` (0: a free one), keeping its objects and idempotency keys in `data`.
        init(data: String, port: UInt16 = 0) throws {
            process = try DealhookProcess([
                "sandbox", "--listen", "127.0.0.1:\(port)", "--data", data, "--api-key", Self.apiKey, "--rate-limit",
                "off",
                "--seed", "42",
            ])
            root = "http://127.0.0.1:\(try process.waitForListeningPort())"
            http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(5)))
        }

        deinit { _ = stop() }

        var apiURL: String { root + "/api/v2" }
        var port: UInt16 { UInt16(root.split(separator: ":").last ?? "") ?? 0 }

        /// SIGTERM, which writes the data file before exiting; returns the exit status.
        @discardableResult
        func stop() -> Int32? {
            guard process.process.isRunning else { return process.process.terminationStatus }
            process.send(signal: SIGTERM)
            return process.waitForExit(seconds: 10)
        }

        @discardableResult
        func control(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> HTTPClientResponse {
            try http.execute(
                HTTPClientRequest(
                    method: method, url: root + "/_sandbox" + path, headers: ["Content-Type": "application/json"],
                    body: body?.jsonBytes ?? []))
        }

        func faults(_ settings: JSONValue) throws {
            let response = try control("POST", "/faults", settings)
            guard response.status.code == 200 else { throw Failure("faults refused: \(response.bodyText)") }
        }

        func objects() throws -> JSONValue {
            try JSONValue(parsing: try control("GET", "/stats").body)["objects"] ?? .null
        }

        func count(_ kind: String) throws -> Int { try objects()[kind]?.intValue ?? -1 }

        func stats() throws -> JSONValue { try JSONValue(parsing: try control("GET", "/stats").body) }

        /// An API call with the sandbox's key.
        func api(_ method: String, _ path: String, _ body: JSONValue? = nil) throws -> (status: Int, json: JSONValue) {
            let response = try http.execute(
                HTTPClientRequest(
                    method: method, url: apiURL + path,
                    headers: ["Authorization": "Bearer \(Self.apiKey)", "Content-Type": "application/json"],
                    body: body?.jsonBytes ?? []))
            return (Int(response.status.code), try JSONValue(parsing: response.body))
        }
    }

    /// `dealhook serve` on a test config, delivering to `teamopipe` (a sandbox process) or, with `embedded`, to
    /// the sandbox it runs itself (`--sandbox`). Both processes run at the default log level (`info`): with
    /// `--log-level` above it they exit at once, as the signal wait sits in a log call's metadata.
    final class ServeProcess {
        let process: DealhookProcess
        let base: String
        /// The embedded sandbox's root URL, with `--sandbox`.
        let embeddedSandbox: String?
        let http: HTTPClient

        init(config: String, teamopipe: SandboxProcess? = nil, embedded: Bool = false) throws {
            var environment: [String: String] = [:]
            if let teamopipe {
                environment["TEAMOPIPE_BASE_URL"] = teamopipe.apiURL
                environment["TEAMOPIPE_API_KEY"] = SandboxProcess.apiKey
            }
            process = try DealhookProcess(
                ["serve", "--config", config] + (embedded ? ["--sandbox"] : []),
                environment: environment)
            base = "http://127.0.0.1:\(try process.waitForListeningPort())"
            if embedded {
                let line = try process.waitForLine(startingWith: "Teamopipe sandbox: ")
                let url = line.dropFirst("Teamopipe sandbox: ".count).prefix { $0 != " " }
                embeddedSandbox = String(url.dropLast("/api/v2".count))
            } else {
                embeddedSandbox = nil
            }
            http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(5)))
        }

        deinit { _ = stop() }

        /// SIGTERM and wait for the exit; returns the exit status.
        @discardableResult
        func stop() -> Int32? {
            guard process.process.isRunning else { return process.process.terminationStatus }
            process.send(signal: SIGTERM)
            return process.waitForExit(seconds: 15)
        }

        /// SIGKILL: no shutdown, no release of leases, no last commit.
        func crash() {
            process.send(signal: SIGKILL)
            _ = process.waitForExit(seconds: 10)
        }

        /// Posts a form (asking for JSON) and returns the status and the event id of a 202.
        func postForm(_ path: String, _ fields: [(String, String)]) throws -> (status: Int, id: String?) {
            let body = fields.map { "\(PercentEncoding.encode($0.0))=\(PercentEncoding.encode($0.1))" }.joined(
                separator: "&")
            let response = try http.execute(
                HTTPClientRequest(
                    method: "POST", url: base + path,
                    headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                    body: Array(body.utf8)))
            let status = Int(response.status.code)
            let id = status == 202 ? (try? JSONValue(parsing: response.body))?["id"]?.stringValue : nil
            return (status, id)
        }

        func get(_ path: String) throws -> (status: Int, body: String) {
            let response = try http.execute(HTTPClientRequest(url: base + path))
            return (Int(response.status.code), response.bodyText)
        }

        /// `dealhook_queue_events{status=…}` from `/metrics`.
        func queueCount(_ status: String) throws -> Int {
            try queueCounts([status])[0]
        }

        /// `dealhook_queue_events` of each of `statuses`, from one scrape of `/metrics`.
        func queueCounts(_ statuses: [String]) throws -> [Int] {
            let lines = try get("/metrics").body.split(separator: "\n")
            return statuses.map { status in
                let prefix = #"dealhook_queue_events{status="\#(status)"} "#
                guard let line = lines.first(where: { $0.hasPrefix(prefix) }) else { return -1 }
                return Int(Double(line.dropFirst(prefix.count)) ?? -1)
            }
        }

        /// Pending, retrying and in-flight events, from one scrape: counted over three scrapes, an event moving
        /// between retrying and in flight could be missed by all three.
        func undelivered() throws -> Int {
            try queueCounts(["pending", "retrying", "in_flight"]).reduce(0, +)
        }
    }

    /// The objects of a stopped sandbox's data file, by table.
    struct SandboxData {
        let tables: JSONValue

        init(file: String) throws {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
            tables = try JSONValue(parsing: bytes)["workspace"] ?? .null
        }

        func records(_ table: String) -> [JSONValue] { tables[table]?["records"]?.arrayValue ?? [] }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// Polls `condition` every 25 ms until it holds or `timeout` passes; returns whether it held.
    @discardableResult
    static func eventually(within timeout: Duration, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            if try condition() { return true }
            if ContinuousClock.now >= deadline { return false }
            usleep(25_000)
        }
    }

    /// The numeric part of a sandbox id (`deal_12` → 12), for creation order.
    static func number(_ id: String?) -> Int { Int(id?.split(separator: "_").last ?? "") ?? -1 }
}
