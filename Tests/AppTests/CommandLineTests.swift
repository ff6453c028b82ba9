import Foundation
import Testing
import TestSupport

@Suite("dealhook command line")
struct CommandLineTests {
    @Test func versionPrintsTheVersion() throws {
        let result = try DealhookProcess.run(["version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("dealhook 0."))
    }

    @Test func helpListsTheCommands() throws {
        let result = try DealhookProcess.run(["help"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("serve"))
        let serveHelp = try DealhookProcess.run(["serve", "--help"])
        #expect(serveHelp.status == 0)
        #expect(serveHelp.stdout.contains("--config PATH"))
        #expect(try DealhookProcess.run(["help", "serve"]).stdout == serveHelp.stdout)
    }

    @Test(arguments: [
        (["frobnicate"], "unknown command 'frobnicate'"),
        ([], "Usage: dealhook <command>"),
        (["serve"], "missing --config PATH"),
        (["serve", "--config"], "--config needs a value"),
        (["serve", "--config", "x.yaml", "--bogus"], "unknown option '--bogus'"),
        (["serve", "--config", "x.yaml", "--log-level", "loud"], "unknown log level 'loud'"),
        (["help", "nothing"], "unknown command 'nothing'"),
    ])
    func usageErrorsExitWithStatus2(_ arguments: [String], _ message: String) throws {
        let result = try DealhookProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message))
        #expect(result.stdout.isEmpty)
    }

    @Test func configErrorsNameTheFileAndExit1() throws {
        let path = try ServeTests.writeConfig("server:\n  listn: 127.0.0.1:0\n")
        let result = try DealhookProcess.run(["serve", "--config", path])
        #expect(result.status == 1)
        #expect(result.stderr.contains("\(path):2:3"))
        #expect(result.stderr.contains("did you mean 'listen'"))
    }

    @Test func badListenAddressIsExplained() throws {
        let path = try ServeTests.writeConfig()
        let result = try DealhookProcess.run(["serve", "--config", path, "--listen", "localhost"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("invalid listen address 'localhost'"))
    }
}

@Suite("dealhook check warnings")
struct CheckWarningTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path

    @Test func webhookRoutesWithoutASecretAreReportedAsDisabled() throws {
        let result = try DealhookProcess.run(["check", "--config", Self.repositoryRoot + "/config/dealhook.yaml"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("route 'docusign' answers 503 until it is set"))
        #expect(result.stderr.contains("config/dealhook.yaml:"))
    }
}
