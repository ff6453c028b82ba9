import Foundation
import HTTP
import JSON
import TestSupport
import Testing

/// `dealhook check --online` against a real `dealhook sandbox` process and its seeded workspace
/// (docs/sandbox.md): pipelines Sales and Onboarding, deal fields Source, Budget, Product and Stripe customer id,
/// contact field Newsletter, organization field Industry, members ana@ and ben@example.com.
@Suite("dealhook check --online")
struct CheckOnlineTests {
    /// One good name of each kind and several bad ones; line numbers matter to the assertions.
    static let config = """
        routes:
          - name: web
            path: /forms/web
            kind: form
            rules:
              - name: lead
                actions:
                  - id: contact
                    contact.upsert:
                      email: "{{ form.email | email }}"
                      fields: {Newsletter: true, Newsleter: false}
                  - id: deal
                    deal.create:
                      title: Website lead
                      pipeline: Sales
                      stage: Wonn
                      assignee: nobody@example.com
                      fields: {Source: Web, Budgt: 1}
                  - id: won
                    deal.move: {deal: "{{ steps.deal.id }}", pipeline: Sales, stage: Won}
                  - id: elsewhere
                    deal.move: {deal: "{{ steps.deal.id }}", pipeline: Salez, stage: Lead}
                  - id: chosen
                    deal.move: {deal: "{{ steps.deal.id }}", pipeline: "{{ form.pipeline }}", stage: Won}
                  - id: org
                    organization.find_or_create: {name: Acme, fields: {Industry: Software, Size: 3}}
                  - id: task
                    task.create: {title: Call, deal: "{{ steps.deal.id }}", assignee: ben@example.com}
        """

    @Test func everyMissingNameIsReportedAtItsPosition() throws {
        let sandbox = try Sandbox()
        let path = try Self.write(Self.config)
        let result = try DealhookRun.run(["check", "--config", path, "--online"], environment: sandbox.environment)
        #expect(result.status == 1)
        let misses = result.stderr.split(separator: "\n").map { String($0) }
        #expect(
            misses == [
                "\(path):11:42: no contact field 'Newsleter'; fields: Newsletter",
                "\(path):16:22: no stage 'Wonn' in pipeline 'Sales'; stages: Lead, Contacted, Proposal, Negotiating, Won, Lost",
                "\(path):17:25: no member 'nobody@example.com'; members: ana@example.com, ben@example.com",
                "\(path):18:37: no deal field 'Budgt'; fields: Source, Budget, Product, Stripe customer id",
                "\(path):22:64: no pipeline 'Salez'; pipelines: Sales, Onboarding",
                "\(path):26:84: no organization field 'Size'; fields: Industry",
                "\(path): 6 names not found in the Teamopipe workspace",
            ])
        // The stage of a missing pipeline is not looked up again; templated names are said to be unchecked.
        #expect(!result.stderr.contains("'Lead' in pipeline 'Salez'"))
        #expect(result.stdout.contains("\(path): OK"))
        #expect(result.stdout.contains("online: 12 names checked against \(sandbox.baseURL)"))
        // The workspace is read once for the check, and once more for each name it does not hold (6): not for
        // every name.
        let reads = try sandbox.requests("GET /pipelines")
        #expect(reads >= 1 && reads <= 1 + 6, "pipelines read \(reads) times")
        #expect(
            result.stdout.contains(
                "not checked: \(path):24:64: pipeline of step 'chosen' in route 'web': written as a template"))
        #expect(
            result.stdout.contains(
                "not checked: \(path):24:94: stage of step 'chosen' in route 'web': its pipeline is a template"))
    }

    @Test(arguments: ExampleConfigTests.configFiles)
    func theShippedConfigsNameOnlyWhatTheSandboxHas(_ file: String) throws {
        let sandbox = try Sandbox()
        let result = try DealhookRun.run(["check", "--config", file, "--online"], environment: sandbox.environment)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains(" checked against \(sandbox.baseURL)"))
        // The only thing said on stderr: webhook routes whose secret is not set in this environment.
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains("signature.secret is missing or empty") }, "\(result.stderr)")
    }

    @Test func theURLAndKeyComeFromTheConfig() throws {
        let sandbox = try Sandbox()
        let path = try Self.write(
            "teamopipe:\n  base_url: \(sandbox.baseURL)\n  api_key: \(sandbox.apiKey)\n" + Self.goodRoute)
        let result = try DealhookRun.run(["check", "--config", path, "--online"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("online: 3 names checked against \(sandbox.baseURL)"))
    }

    @Test func theEnvironmentOverridesTheConfig() throws {
        let sandbox = try Sandbox()
        let path = try Self.write(
            "teamopipe:\n  base_url: http://127.0.0.1:1/api/v2\n  api_key: stale-key\n" + Self.goodRoute)
        let result = try DealhookRun.run(["check", "--config", path, "--online"], environment: sandbox.environment)
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test func aRefusedKeyIsNamedButNeverPrinted() throws {
        let sandbox = try Sandbox()
        let path = try Self.write(Self.goodRoute)
        let key = "revoked-key-4711"
        let result = try DealhookRun.run(
            ["check", "--config", path, "--online"],
            environment: ["TEAMOPIPE_BASE_URL": sandbox.baseURL, "TEAMOPIPE_API_KEY": key])
        #expect(result.status == 1)
        #expect(
            result.stderr.contains(
                "dealhook check --online: the Teamopipe API at \(sandbox.baseURL) refused the API key"))
        #expect(!result.stderr.contains(key))
        #expect(!result.stdout.contains(key))
    }

    @Test func anUnreachableAPIFailsClearly() throws {
        let path = try Self.write(Self.goodRoute)
        let result = try DealhookRun.run(
            ["check", "--config", path, "--online"],
            environment: ["TEAMOPIPE_BASE_URL": "http://127.0.0.1:1/api/v2", "TEAMOPIPE_API_KEY": "some-key-1"])
        #expect(result.status == 1)
        #expect(
            result.stderr.hasPrefix(
                "dealhook check --online: cannot reach the Teamopipe API at http://127.0.0.1:1/api/v2: "))
        #expect(!result.stderr.contains("some-key-1"))
    }

    @Test func noKeyFailsClearly() throws {
        let path = try Self.write(Self.goodRoute)
        let result = try DealhookRun.run(["check", "--config", path, "--online"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no Teamopipe API key to check names with"))
    }

    @Test func withoutOnlineNothingIsCalled() throws {
        let path = try Self.write(Self.config)
        let result = try DealhookRun.run(
            ["check", "--config", path], environment: ["TEAMOPIPE_BASE_URL": "http://127.0.0.1:1/api/v2"])
        #expect(result.status == 0)
        #expect(!result.stdout.contains("online:"))
    }

    // MARK: Helpers

    static let goodRoute = """
        routes:
          - name: web
            path: /forms/web
            kind: form
            rules:
              - name: lead
                actions:
                  - deal.create: {title: Lead, pipeline: Onboarding, stage: Setup, assignee: Ana@Example.com}

        """

    static func write(_ text: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("dealhook.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A `dealhook sandbox` on a free loopback port, stopped when the value goes away.
    final class Sandbox {
        let process: DealhookProcess
        let baseURL: String
        let apiKey: String

        init() throws {
            process = try DealhookProcess(["sandbox", "--listen", "127.0.0.1:0", "--rate-limit", "off"])
            let keyLine = try process.waitForLine(startingWith: "Teamopipe sandbox API key: ")
            apiKey = String(keyLine.dropFirst("Teamopipe sandbox API key: ".count))
            let urlLine = try process.waitForLine(startingWith: "Teamopipe sandbox API: ")
            baseURL = String(urlLine.dropFirst("Teamopipe sandbox API: ".count))
            _ = try process.waitForListeningPort()
        }

        deinit {
            process.send(signal: SIGTERM)
            _ = process.waitForExit(seconds: 5)
        }

        var environment: [String: String] { ["TEAMOPIPE_BASE_URL": baseURL, "TEAMOPIPE_API_KEY": apiKey] }

        /// How many requests the sandbox answered on `route` (`GET /pipelines`), whatever the status.
        func requests(_ route: String) throws -> Int {
            let http = try HTTPClient(configuration: HTTPClientConfiguration(requestTimeout: .seconds(5)))
            let stats = try http.execute(
                HTTPClientRequest(url: String(baseURL.dropLast("/api/v2".count)) + "/_sandbox/stats"))
            let counts = try JSONValue(parsing: stats.body)["requests"]?[route]?.objectValue ?? [:]
            return counts.values.compactMap(\.intValue).reduce(0, +)
        }
    }
}
