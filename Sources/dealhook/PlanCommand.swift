import App
import Foundation
import JSON
import Queue
import Rules

/// `dealhook plan`: replays the stored events through the rules of another config file, calling nothing, and
/// tells for each how its plan would differ from the one it was accepted with.
enum PlanCommand {
    /// What replaying one event gave.
    enum Verdict: String, CaseIterable {
        case unchanged
        case changed
        case fails = "now fails planning"
        case routeGone = "route gone"

        var key: String {
            switch self {
            case .unchanged: "unchanged"
            case .changed: "changed"
            case .fails: "fails"
            case .routeGone: "route_gone"
            }
        }
    }

    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(
                arguments, valued: ["--config", "--queue", "--since", "--route", "--status"],
                flags: ["--help", "--verbose", "--json", "--skip-integrity-check"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.plan)
            return ExitStatus.success
        }
        guard options.value("--config") != nil else {
            return usageError("missing --config PATH, the rules to replay with")
        }
        var since: Timestamp?
        if let text = options.value("--since") {
            guard let parsed = parseSince(text, now: .now()) else {
                return usageError("--since '\(text)': use an age such as 7d, 12h or 30m, or an RFC 3339 time")
            }
            since = parsed
        }
        var status: EventStatus?
        if let text = options.value("--status") {
            guard let parsed = EventStatus(rawValue: text) else {
                return usageError(
                    "--status '\(text)': use \(EventStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            status = parsed
        }
        let opened: QueueFile
        do {
            opened = try QueueFile(options: options, needsRules: true, command: "plan")
        } catch {
            return error.report(command: "plan")
        }
        defer { opened.store.close() }
        do {
            return try replay(
                store: opened.store, replanner: EventReplanner(routes: opened.config?.routes ?? []),
                route: options.value("--route"), status: status, since: since,
                verbose: options.flags.contains("--verbose"), json: options.flags.contains("--json"))
        } catch {
            StandardStream.error("dealhook plan: \(error)")
            return ExitStatus.failure
        }
    }

    private static func replay(
        store: SQLiteEventStore, replanner: EventReplanner, route: String?, status: EventStatus?, since: Timestamp?,
        verbose: Bool, json: Bool
    ) throws(StoreError) -> Int32 {
        var counts = Dictionary(uniqueKeysWithValues: Verdict.allCases.map { ($0, 0) })
        var reports: [JSONValue] = []
        var after: EventID?
        var seen = 0
        while true {
            let page = try store.list(status: status, route: route, limit: 500, after: after)
            for summary in page where since.map({ summary.receivedAt >= $0 }) ?? true {
                guard let detail = try store.event(summary.id) else { continue }  // discarded meanwhile
                let (verdict, report, text) = compare(detail.event, replanner: replanner, verbose: verbose)
                counts[verdict, default: 0] += 1
                if json {
                    reports.append(report)
                } else if verdict != .unchanged || verbose {
                    StandardStream.output(text)
                }
                seen += 1
                if seen % 1_000 == 0 { StandardStream.error("replayed \(seen) events…") }
            }
            guard let last = page.last, page.count == 500 else { break }
            after = last.id
        }
        if json {
            let countsJSON = JSONValue.object(
                Dictionary(
                    uniqueKeysWithValues: Verdict.allCases.map { ($0.key, JSONValue.number(Double(counts[$0] ?? 0))) }))
            StandardStream.output(JSONValue.object(["events": .array(reports), "counts": countsJSON]).jsonText)
        } else {
            let parts = Verdict.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }
            StandardStream.output("\(seen) events replayed: " + parts.joined(separator: ", "))
        }
        // So that a script (or CI) can hold back a rule change that would refuse events already accepted.
        let failing = (counts[.fails] ?? 0) + (counts[.routeGone] ?? 0)
        return failing > 0 ? ExitStatus.wouldFail : ExitStatus.success
    }

    /// The verdict on one event, its JSON report, and its text for people.
    private static func compare(_ event: StoredEvent, replanner: EventReplanner, verbose: Bool)
        -> (Verdict, JSONValue, String)
    {
        let head = "\(event.id.text)  \(event.route)  \(event.status.rawValue)"
        var report: [String: JSONValue] = [
            "id": .string(event.id.text), "route": .string(event.route), "status": .string(event.status.rawValue),
        ]
        let old = (try? JSONValue(parsing: event.plan)) ?? .null
        switch replanner.replan(event) {
        case .routeGone:
            report["outcome"] = .string(Verdict.routeGone.key)
            return (.routeGone, .object(report), "\(head)  route gone: the new config has no route '\(event.route)'")
        case .undecodable(let message):
            report["outcome"] = .string(Verdict.fails.key)
            report["errors"] = [.string(message)]
            return (.fails, .object(report), "\(head)  now fails planning: the body cannot be decoded: \(message)")
        case .refused(let errors):
            report["outcome"] = .string(Verdict.fails.key)
            report["errors"] = .array(errors.errors.map { .string($0.description) })
            let text = ([head + "  now fails planning:"] + errors.errors.map { "    \($0.description)" })
            return (.fails, .object(report), text.joined(separator: "\n"))
        case .planned(let plan):
            let new = plan.jsonValue
            guard new != old else {
                report["outcome"] = .string(Verdict.unchanged.key)
                return (.unchanged, .object(report), "\(head)  unchanged")
            }
            let changes = PlanDiff.changes(from: old, to: new)
            report["outcome"] = .string(Verdict.changed.key)
            report["changes"] = .array(changes.map(JSONValue.string))
            var lines = ["\(head)  changed" + (plan.steps.isEmpty ? " (no rule matches now: it would be ignored)" : "")]
            lines += changes.map { "    \($0)" }
            if verbose {
                let diff = PlanDiff.lineDiff(PlanDiff.lines(old), PlanDiff.lines(new))
                report["diff"] = .array(diff.map(JSONValue.string))
                lines += diff.map { "    \($0)" }
            }
            return (.changed, .object(report), lines.joined(separator: "\n"))
        }
    }

    /// `7d`, `12h`, `1h30m` back from `now`, or an RFC 3339 time.
    static func parseSince(_ text: String, now: Timestamp) -> Timestamp? {
        if text.hasSuffix("d"), let days = Int64(text.dropLast()), days >= 0 {
            return Timestamp(millisecondsSinceEpoch: now.millisecondsSinceEpoch - days * 86_400_000)
        }
        if let duration = try? ConfigDuration(parsing: text) { return now - duration.duration }
        return TemplateTime.parse(text).map { Timestamp(millisecondsSinceEpoch: $0 * 1_000) }
    }

    static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook plan: \(message)\n\n" + Usage.plan)
        return ExitStatus.usage
    }
}
