import Foundation
import JSON
import TestSupport
import Testing

/// `dealhook queue …` on a store file written by a real run of `dealhook serve`.
@Suite("dealhook queue", .serialized)
struct QueueCommandTests {
    /// A queue with two dead letters and one delivered event, written by a server that has stopped; returns the
    /// broken config, the fixed one and the dead letters' ids.
    static func storeWithDeadLetters(sandbox: ExternalSandbox? = nil) throws
        -> (broken: String, fixed: String, dead: [String], done: String)
    {
        let directory = try AdminFixture.directory()
        let broken = try AdminFixture.write(AdminFixture.config(stage: "Qualified"), as: "broken.yaml", in: directory)
        let fixed = try AdminFixture.write(AdminFixture.config(stage: "Lead"), as: "fixed.yaml", in: directory)
        let server = try AdminServer(config: broken, sandbox: sandbox)
        let dead = [
            try server.postForm("/forms/contact", "name=Ana&email=ana%40example.com"),
            try server.postForm("/forms/contact", "name=Ben&email=ben%40example.com"),
        ]
        let done = try server.postForm("/forms/callback", "email=cleo%40example.com")
        #expect(try server.wait { try server.count("dead") == 2 && server.count("done") == 1 })
        server.stop()
        return (broken, fixed, dead, done)
    }

    @Test func statsListAndShowReadTheStoreAsTablesOrJSON() throws {
        let (broken, _, dead, done) = try Self.storeWithDeadLetters()
        let stats = try DealhookProcess.run(["queue", "stats", "--config", broken])
        #expect(stats.status == 0, "\(stats.stderr)")
        #expect(stats.stdout.contains("dead"))
        #expect(stats.stdout.split(separator: "\n").contains { $0.hasPrefix("dead") && $0.hasSuffix(" 2") })
        let statsJSON = try JSONValue(
            parsing: try DealhookProcess.run(["queue", "stats", "--config", broken, "--json"]).stdout)
        #expect(statsJSON["counts"]?["dead"] == 2)
        #expect(statsJSON["counts"]?["done"] == 1)

        let list = try DealhookProcess.run(["queue", "list", "--config", broken, "--status", "dead"])
        #expect(list.status == 0)
        let lines = list.stdout.split(separator: "\n")
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.count == 3)
        #expect(lines[1].hasPrefix(dead[0]) && lines[1].contains("no stage 'Qualified'"))
        let page = try DealhookProcess.run(["queue", "list", "--config", broken, "--limit", "1", "--json"])
        let pageJSON = try JSONValue(parsing: page.stdout)
        #expect(pageJSON["events"]?.arrayValue?.count == 1)
        #expect(pageJSON["next"]?.stringValue == dead[0])
        let next = try DealhookProcess.run(["queue", "list", "--config", broken, "--limit", "5", "--after", dead[0], "--json"])
        #expect(
            try JSONValue(parsing: next.stdout)["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [
                dead[1], done,
            ])

        let show = try DealhookProcess.run(["queue", "show", dead[0], "--config", broken])
        #expect(show.status == 0)
        #expect(show.stdout.hasPrefix("event \(dead[0])"))
        #expect(show.stdout.contains("status    dead"))
        #expect(show.stdout.contains("deal.create: pending"))
        #expect(show.stdout.contains("no stage 'Qualified' in pipeline 'Sales'"))
        #expect(show.stdout.contains("name=Ana&email=ana%40example.com"))
        let showJSON = try JSONValue(
            parsing: try DealhookProcess.run(["queue", "show", dead[0], "--config", broken, "--json"]).stdout)
        #expect(showJSON["attempts"]?[0]?["error_class"] == "permanent")

        // DEALHOOK_QUEUE names the store instead of the config's queue.path.
        let elsewhere = try DealhookProcess.run(
            ["queue", "stats", "--config", broken], environment: ["DEALHOOK_QUEUE": "/nonexistent/queue.sqlite"])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr.contains("no queue file at /nonexistent/queue.sqlite"))
    }

    @Test func retryDiscardAndReplanWriteTheStoreAndTheServerDeliversAfterwards() throws {
        let sandbox = try ExternalSandbox()
        let (broken, fixed, dead, done) = try Self.storeWithDeadLetters(sandbox: sandbox)
        let notRetryable = try DealhookProcess.run(["queue", "retry", done, "--config", broken])
        #expect(notRetryable.status == 1)
        #expect(notRetryable.stderr.contains("is done"))

        let bulk = try DealhookProcess.run(["queue", "retry", "--all-dead", "--route", "contact", "--config", broken])
        #expect(bulk.status == 0, "\(bulk.stderr)")
        #expect(bulk.stdout.contains("2 dead letters of route 'contact' are pending again"))
        #expect(bulk.stderr.contains("retrying the dead letters of route 'contact'"), "progress on stderr")
        let pending = try JSONValue(parsing: try DealhookProcess.run(["queue", "stats", "--config", broken, "--json"]).stdout)
        #expect(pending["counts"]?["pending"] == 2)

        let discarded = try DealhookProcess.run(["queue", "discard", dead[1], "--config", broken])
        #expect(discarded.status == 0)
        #expect(try DealhookProcess.run(["queue", "show", dead[1], "--config", broken]).status == 1)

        // The pending event is not dead: only a server run makes it dead again, under the broken rules.
        var server = try AdminServer(config: broken, sandbox: sandbox)
        #expect(try server.wait { try server.count("dead") == 1 })
        server.stop()
        let replanned = try DealhookProcess.run(["queue", "retry", dead[0], "--replan", "--config", fixed, "--json"])
        #expect(replanned.status == 0, "\(replanned.stderr)")
        let replannedJSON = try JSONValue(parsing: replanned.stdout)
        #expect(replannedJSON["plan"]?["steps"]?[1]?["input"]?["stage"] == "Lead")
        #expect(replannedJSON["kept_steps"] == 1)

        // A server picks the re-planned event up and delivers it from the changed step on.
        server = try AdminServer(config: fixed, sandbox: sandbox)
        #expect(try server.wait { try server.count("done") == 2 })
        let story = try server.adminJSON("GET", "/admin/events/\(dead[0])")
        #expect(story["status"] == "done")
        #expect(story["attempts"]?.arrayValue?.count == 2, "two failed attempts, the delivery records none")
        #expect(try server.sandboxObjects()["deals"] == 1)
        #expect(try server.sandboxObjects()["contacts"] == 3, "Ana, Ben and Cleo; Ana's is not made twice")
    }

    @Test func usageMistakesExitWithStatus2() throws {
        for arguments in [
            ["queue"], ["queue", "frobnicate", "--config", "x.yaml"], ["queue", "show", "--config", "x.yaml"],
            ["queue", "stats"], ["queue", "list", "--bogus"],
            ["queue", "retry", "--all-dead", "01J00000000000000000000000"],
            ["queue", "retry", "01J00000000000000000000000", "--replan", "--queue", "/tmp/x.sqlite"],
        ] {
            let result = try DealhookProcess.run(arguments)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("Usage: dealhook queue"), "\(arguments)")
        }
        #expect(try DealhookProcess.run(["queue", "--help"]).status == 0)
        #expect(try DealhookProcess.run(["help", "queue"]).stdout.contains("--all-dead"))
    }
}
