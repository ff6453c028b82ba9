import Foundation
import JSON
import TestSupport
import Testing

/// `dealhook plan` on a store of events accepted under one config, replayed under a changed one.
@Suite("dealhook plan", .serialized)
struct PlanCommandTests {
    static let newsletter = """
          - name: newsletter
            path: /forms/newsletter
            kind: form
            rules:
              - name: subscriber
                actions:
                  - contact.upsert:
                      email: "{{ form.email | email }}"
        """

    /// Events on three routes accepted under the original config; returns its directory and the ids.
    static func acceptedEvents() throws -> (directory: URL, ids: [String: String]) {
        let directory = try AdminFixture.directory()
        let original = try AdminFixture.write(
            AdminFixture.config(extraRoutes: newsletter), as: "original.yaml", in: directory)
        let server = try AdminServer(config: original)
        let ids = [
            "withPhone": try server.postForm("/forms/contact", "name=Ana&email=ana%40example.com&phone=%2B441234"),
            "withoutPhone": try server.postForm("/forms/contact", "name=Ben&email=ben%40example.com"),
            "callback": try server.postForm("/forms/callback", "email=cleo%40example.com&name=Cleo"),
            "newsletter": try server.postForm("/forms/newsletter", "email=dan%40example.com"),
        ]
        #expect(try server.wait { try server.count("done") == 4 })
        server.stop()
        return (directory, ids)
    }

    /// The changed config: deals go to Proposal, a phone is required, the newsletter route is gone.
    static func changedConfig(in directory: URL) throws -> String {
        try AdminFixture.write(
            AdminFixture.config(
                stage: "Proposal",
                contactExtra:
                    "              phone: \"{{ form.phone | trim | required('Please give your phone number') }}\""),
            as: "changed.yaml", in: directory)
    }

    @Test func eachEventIsUnchangedChangedFailingOrWithoutItsRoute() throws {
        let (directory, ids) = try Self.acceptedEvents()
        let changed = try Self.changedConfig(in: directory)
        let result = try DealhookProcess.run(["plan", "--config", changed])
        #expect(result.status == 3, "some events would now fail: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.last == "4 events replayed: 1 unchanged, 1 changed, 1 now fails planning, 1 route gone", "\(result.stdout)")
        let changedLine = try #require(lines.firstIndex { $0.hasPrefix(ids["withPhone"]!) })
        #expect(lines[changedLine].hasSuffix("changed"))
        let changes = Array(lines.dropFirst(changedLine + 1).prefix(2))
        #expect(changes.contains { $0.contains(#"steps[deal].input.stage: "Lead" → "Proposal""#) }, "\(changes)")
        #expect(changes.contains { $0.contains(#"steps[contact].input.phone: added "+441234""#) }, "\(changes)")
        #expect(lines.contains { $0.hasPrefix(ids["withoutPhone"]!) && $0.hasSuffix("now fails planning:") })
        #expect(lines.contains { $0.contains("Please give your phone number") })
        #expect(lines.contains { $0.hasPrefix(ids["newsletter"]!) && $0.contains("route gone") })
        #expect(!lines.contains { $0.hasPrefix(ids["callback"]!) }, "unchanged events are only counted")

        // The store is only read: every event is still delivered with its old plan.
        let stored = try JSONValue(
            parsing: try DealhookProcess.run(["queue", "show", ids["withPhone"]!, "--config", changed, "--json"]).stdout)
        #expect(stored["plan"]?["steps"]?[1]?["input"]?["stage"] == "Lead")
    }

    @Test func verboseShowsTheDiffAndFiltersNarrowTheReplay() throws {
        let (directory, ids) = try Self.acceptedEvents()
        let changed = try Self.changedConfig(in: directory)
        let verbose = try DealhookProcess.run(["plan", "--config", changed, "--route", "contact", "--verbose"])
        #expect(verbose.status == 3, "\(verbose.stderr)")
        #expect(verbose.stdout.contains(#"-         "stage": "Lead","#))
        #expect(verbose.stdout.contains(#"+         "stage": "Proposal","#))
        #expect(
            verbose.stdout.hasSuffix("2 events replayed: 0 unchanged, 1 changed, 1 now fails planning, 0 route gone\n"))

        let callback = try DealhookProcess.run(["plan", "--config", changed, "--route", "callback", "--verbose"])
        #expect(callback.status == 0, "every callback event still plans: \(callback.stderr)")
        #expect(callback.stdout.contains("\(ids["callback"]!)  callback  done  unchanged"))

        let json = try JSONValue(
            parsing: try DealhookProcess.run(["plan", "--config", changed, "--since", "1d", "--json"]).stdout)
        #expect(json["counts"] == ["unchanged": 1, "changed": 1, "fails": 1, "route_gone": 1])
        let outcomes = Dictionary(
            uniqueKeysWithValues: (json["events"]?.arrayValue ?? []).map {
                ($0["id"]?.stringValue ?? "", $0["outcome"]?.stringValue ?? "")
            })
        #expect(outcomes[ids["withoutPhone"]!] == "fails")
        #expect(outcomes[ids["newsletter"]!] == "route_gone")

        let future = try DealhookProcess.run(["plan", "--config", changed, "--since", "2999-01-01T00:00:00Z"])
        #expect(future.stdout == "0 events replayed: 0 unchanged, 0 changed, 0 now fails planning, 0 route gone\n")
        let other = try DealhookProcess.run([
            "plan", "--config", changed, "--queue", directory.appendingPathComponent("none.sqlite").path,
        ])
        #expect(other.status == 1)
        #expect(try DealhookProcess.run(["plan", "--config", changed, "--since", "soon"]).status == 2)
        #expect(try DealhookProcess.run(["plan"]).status == 2)
    }
}
