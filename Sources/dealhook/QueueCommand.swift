import App
import Foundation
import JSON
import Queue
import Rules

/// `dealhook queue`: the admin API's calls on the store file directly, for a stopped Dealhook or a script.
enum QueueCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let action = arguments.first, !action.hasPrefix("--") else {
            if arguments.first == "--help" {
                StandardStream.output(Usage.queue)
                return ExitStatus.success
            }
            return usageError("missing the action: stats, list, show, retry or discard")
        }
        var rest = Array(arguments.dropFirst())
        var id: String?
        if let first = rest.first, !first.hasPrefix("--") {
            id = first
            rest.removeFirst()
        }
        let options: OptionParser
        do {
            options = try OptionParser(
                rest, valued: ["--config", "--queue", "--status", "--route", "--limit", "--after"],
                flags: ["--help", "--json", "--all-dead", "--replan", "--skip-integrity-check"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.queue)
            return ExitStatus.success
        }
        let needsID =
            ["show", "discard"].contains(action) || (action == "retry" && !options.flags.contains("--all-dead"))
        guard ["stats", "list", "show", "retry", "discard"].contains(action) else {
            return usageError("unknown action '\(action)'; use stats, list, show, retry or discard")
        }
        if needsID && id == nil { return usageError("\(action) needs an event id") }
        if !needsID, let id { return usageError("unexpected argument '\(id)'") }
        if action == "retry" && options.flags.contains("--all-dead") && id != nil {
            return usageError("retry takes an event id or --all-dead, not both")
        }
        let opened: QueueFile
        do {
            opened = try QueueFile(options: options, needsRules: options.flags.contains("--replan"), command: "queue")
        } catch {
            return error.report()
        }
        defer { opened.store.close() }
        let command = Command(store: opened.store, rules: opened.config?.routes ?? [], options: options)
        do {
            switch action {
            case "stats": return try command.stats()
            case "list": return try command.list()
            case "show": return try command.show(id ?? "")
            case "retry":
                if let id { return try command.retry(id) }
                return try command.retryAllDead()
            default: return try command.discard(id ?? "")
            }
        } catch let error as QueueFile.Failure {
            return error.report()
        } catch {
            StandardStream.error("dealhook queue: \(error)")
            return ExitStatus.failure
        }
    }

    static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook queue: \(message)\n\n" + Usage.queue)
        return ExitStatus.usage
    }

    /// The actions, on an open store.
    private struct Command {
        let store: SQLiteEventStore
        let rules: [RouteConfig]
        let options: OptionParser
        var json: Bool { options.flags.contains("--json") }

        func stats() throws -> Int32 {
            let stats = try store.stats()
            if json {
                StandardStream.output(AdminJSON.stats(stats).jsonText)
                return ExitStatus.success
            }
            var rows = EventStatus.allCases.map { [$0.rawValue, String(stats.counts[$0] ?? 0)] }
            rows.append(["undelivered", String(stats.undelivered)])
            rows.append(["oldest undelivered", stats.oldestUndeliveredAge.map(Self.age) ?? "-"])
            rows.append(["most overdue", stats.maxOverdue.map(Self.age) ?? "-"])
            StandardStream.output(Table.render(header: ["", "events"], rows: rows))
            return ExitStatus.success
        }

        func list() throws -> Int32 {
            var status: EventStatus?
            if let text = options.value("--status") {
                guard let parsed = EventStatus(rawValue: text) else {
                    throw QueueFile.Failure.usage(
                        "--status '\(text)': use \(EventStatus.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                status = parsed
            }
            var limit = 50
            if let text = options.value("--limit") {
                guard let parsed = Int(text), parsed > 0 else {
                    throw QueueFile.Failure.usage("--limit '\(text)': use a whole number above 0")
                }
                limit = parsed
            }
            var after: EventID?
            if let text = options.value("--after") {
                guard let parsed = EventID(text) else {
                    throw QueueFile.Failure.usage("--after '\(text)': not an event id")
                }
                after = parsed
            }
            let found = try store.list(status: status, route: options.value("--route"), limit: limit + 1, after: after)
            let page = Array(found.prefix(limit))
            let next = found.count > limit ? page.last?.id : nil
            if json {
                StandardStream.output(AdminJSON.page(page, next: next).jsonText)
                return ExitStatus.success
            }
            let rows = page.map { event in
                [
                    event.id.text, event.route, event.status.rawValue, String(event.attempts),
                    Self.time(event.receivedAt),
                    (event.status.isUndelivered ? event.dueAt : event.finishedAt).map(Self.time) ?? "-",
                    Self.short(event.deadReason ?? ""),
                ]
            }
            StandardStream.output(
                Table.render(
                    header: ["ID", "ROUTE", "STATUS", "ATTEMPTS", "RECEIVED", "DUE/FINISHED", "REASON"], rows: rows))
            if let next { StandardStream.error("more: --after \(next.text)") }
            return ExitStatus.success
        }

        func show(_ text: String) throws -> Int32 {
            guard let detail = try store.event(try Self.eventID(text)) else { throw QueueFile.Failure.notFound(text) }
            let value = AdminJSON.detail(detail)
            StandardStream.output(json ? value.jsonText : EventText.render(value))
            return ExitStatus.success
        }

        func retry(_ text: String) throws -> Int32 {
            let id = try Self.eventID(text)
            if options.flags.contains("--replan") {
                switch try EventReplanner(routes: rules).retry(id, in: store) {
                case .retried(let plan, let kept):
                    report(
                        [
                            "id": .string(text), "status": "pending", "replanned": true,
                            "kept_steps": .number(Double(kept)),
                            "plan": plan.jsonValue,
                        ],
                        "event \(text) re-planned (\(plan.steps.count) steps, results of the first \(kept) kept) and pending again"
                    )
                    return ExitStatus.success
                case .notFound: throw QueueFile.Failure.notFound(text)
                case .notRetryable(let status): throw QueueFile.Failure.notRetryable(text, status)
                case .notPlanned(let outcome):
                    throw QueueFile.Failure.failed("event \(text) cannot be re-planned: \(outcome.problem)")
                case .noSteps:
                    throw QueueFile.Failure.failed(
                        "no rule matches event \(text) with these rules: nothing to deliver; discard it instead")
                }
            }
            guard try store.retry(id) else {
                guard let found = try store.event(id) else { throw QueueFile.Failure.notFound(text) }
                throw QueueFile.Failure.notRetryable(text, found.event.status)
            }
            report(["id": .string(text), "status": "pending", "replanned": false], "event \(text) is pending again")
            return ExitStatus.success
        }

        func retryAllDead() throws -> Int32 {
            let route = options.value("--route")
            let scope = route.map { "of route '\($0)'" } ?? "of every route"
            guard options.flags.contains("--replan") else {
                StandardStream.error("retrying the dead letters \(scope)…")
                let count = try store.retryAll(status: .dead, route: route)
                report(
                    ["retried": .number(Double(count)), "status": "dead"],
                    "\(count) dead letters \(scope) are pending again")
                return ExitStatus.success
            }
            // Re-planned one at a time: collect the ids first, since each retry takes its event off the dead list.
            var ids: [EventID] = []
            var after: EventID?
            while true {
                let page = try store.list(status: .dead, route: route, limit: 500, after: after)
                ids += page.map(\.id)
                guard let last = page.last, page.count == 500 else { break }
                after = last.id
            }
            let replanner = EventReplanner(routes: rules)
            var retried = 0
            var failures: [JSONValue] = []
            for (index, id) in ids.enumerated() {
                switch try replanner.retry(id, in: store) {
                case .retried: retried += 1
                case .notFound, .notRetryable: break
                case .notPlanned(let outcome):
                    failures.append(["id": .string(id.text), "problem": .string(outcome.problem)])
                case .noSteps: failures.append(["id": .string(id.text), "problem": "no rule matches any more"])
                }
                if (index + 1) % 100 == 0 || index + 1 == ids.count {
                    StandardStream.error("re-planned \(index + 1)/\(ids.count) dead letters \(scope)")
                }
            }
            var lines = ["\(retried) of \(ids.count) dead letters \(scope) re-planned and pending again"]
            for failure in failures {
                lines.append("  \(failure["id"]?.stringValue ?? ""): \(failure["problem"]?.stringValue ?? "")")
            }
            report(
                [
                    "retried": .number(Double(retried)), "status": "dead", "replanned": true,
                    "not_replanned": .array(failures),
                ],
                lines.joined(separator: "\n"))
            return failures.isEmpty ? ExitStatus.success : ExitStatus.failure
        }

        func discard(_ text: String) throws -> Int32 {
            guard try store.discard(try Self.eventID(text)) else { throw QueueFile.Failure.notFound(text) }
            report(["id": .string(text), "discarded": true], "event \(text) discarded")
            return ExitStatus.success
        }

        private func report(_ value: JSONValue, _ text: String) {
            StandardStream.output(json ? value.jsonText : text)
        }

        private static func eventID(_ text: String) throws -> EventID {
            guard let id = EventID(text) else {
                throw QueueFile.Failure.usage("'\(text)' is not an event id (26 characters of Crockford base32)")
            }
            return id
        }

        /// `2026-12-04 16:21:35` (UTC).
        static func time(_ time: Timestamp) -> String {
            String(AdminJSON.text(time).prefix(19)).replacingOccurrences(of: "T", with: " ")
        }

        static func age(_ duration: Duration) -> String {
            let seconds = duration.components.seconds
            switch seconds {
            case ..<120: return "\(seconds)s"
            case ..<7_200: return "\(seconds / 60)m"
            case ..<172_800: return "\(seconds / 3_600)h"
            default: return "\(seconds / 86_400)d"
            }
        }

        static func short(_ text: String) -> String {
            let line = text.split(separator: "\n").first.map(String.init) ?? ""
            return line.count > 60 ? line.prefix(59) + "…" : line
        }
    }
}

/// The queue store a command works on: `--queue PATH`, else the config's `queue.path` (`DEALHOOK_QUEUE`
/// overrides it), opened only if the file exists.
struct QueueFile {
    let store: SQLiteEventStore
    let config: DealhookConfig?

    /// Why a command failed, with its exit status.
    enum Failure: Error {
        case usage(String)
        case failed(String)
        case notFound(String)
        case notRetryable(String, EventStatus)

        /// Writes the message and returns the exit status.
        func report(command: String = "queue") -> Int32 {
            switch self {
            case .usage(let message):
                return command == "queue" ? QueueCommand.usageError(message) : PlanCommand.usageError(message)
            case .failed(let message):
                StandardStream.error("dealhook \(command): \(message)")
            case .notFound(let id):
                StandardStream.error("dealhook \(command): no event \(id)")
            case .notRetryable(let id, let status):
                StandardStream.error(
                    "dealhook \(command): event \(id) is \(status.rawValue): only dead or retrying events are retried")
            }
            return ExitStatus.failure
        }
    }

    init(options: OptionParser, needsRules: Bool, command: String) throws(Failure) {
        let configPath = options.value("--config")
        if needsRules && configPath == nil { throw .usage("--replan needs --config PATH, the rules to plan with") }
        var config: DealhookConfig?
        if let configPath {
            do {
                config = try DealhookConfig.load(file: configPath, environment: ProcessEnvironment.current())
            } catch {
                throw .failed("\(configPath):\n\(error.description)")
            }
        }
        guard let path = options.value("--queue") ?? config?.queue.path else {
            throw .usage("missing --config PATH (or --queue PATH)")
        }
        guard FileManager.default.fileExists(atPath: path) else {
            throw .failed("no queue file at \(path) (queue.path; DEALHOOK_QUEUE and --queue override it)")
        }
        var configuration = SQLiteEventStore.Configuration()
        configuration.skipIntegrityCheck = options.flags.contains("--skip-integrity-check")
        do {
            store = try SQLiteEventStore(path: path, configuration: configuration)
        } catch {
            throw .failed("queue \(path): \(error.message)")
        }
        self.config = config
    }
}

/// Left-aligned columns separated by two spaces.
enum Table {
    static func render(header: [String], rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}

/// One event's story for people, from its `AdminJSON.detail` form.
enum EventText {
    static func render(_ event: JSONValue) -> String {
        func text(_ value: JSONValue?) -> String {
            guard let value, !value.isNull else { return "-" }
            return value.stringValue ?? value.jsonText
        }
        var lines = ["event \(text(event["id"]))"]
        let fields: [(String, String)] = [
            ("route", "route"), ("status", "status"), ("received", "received_at"), ("subject", "subject"),
            ("attempts", "attempts_since_retry"), ("due", "due_at"), ("retried", "retried_at"),
            ("finished", "finished_at"), ("reason", "dead_reason"),
        ]
        let history = event["attempts"]?.arrayValue?.count ?? 0
        for (label, key) in fields where !(event[key]?.isNull ?? true) {
            var value = text(event[key])
            if key == "attempts_since_retry" { value += " since arrival or the last retry (\(history) in all)" }
            lines.append("  " + label.padding(toLength: 10, withPad: " ", startingAt: 0) + value)
        }
        let rules = event["plan"]?["rules"]?.arrayValue?.compactMap(\.stringValue).joined(separator: ", ") ?? ""
        lines.append("plan (rules: \(rules.isEmpty ? "none" : rules))")
        for step in event["steps"]?.arrayValue ?? [] {
            var line = "  \(text(step["index"])) \(text(step["id"])) \(text(step["op"])): \(text(step["status"]))"
            if let completed = step["completed_at"], !completed.isNull { line += " at \(text(completed))" }
            lines.append(line)
            lines.append("      input  \(text(step["input"]))")
            if let result = step["result"], !result.isNull { lines.append("      result \(text(result))") }
        }
        let attempts = event["attempts"]?.arrayValue ?? []
        lines.append("attempts (\(attempts.count))")
        for attempt in attempts {
            var line =
                "  #\(text(attempt["number"])) \(text(attempt["started_at"])) (\(text(attempt["duration_ms"])) ms)"
            if let step = attempt["step_id"], !step.isNull { line += " step \(text(step))" }
            line += ": \(text(attempt["request"]))"
            if let status = attempt["http_status"], !status.isNull { line += " → \(text(status))" }
            if let error = attempt["error_class"], !error.isNull { line += " \(text(error))" }
            lines.append(line)
            if let details = attempt["details"]?.stringValue, !details.isEmpty { lines.append("      \(details)") }
        }
        lines.append("request (\(text(event["request"]?["body_size"]))-byte body)")
        for header in event["request"]?["headers"]?.arrayValue ?? [] {
            lines.append("  \(text(header[0])): \(text(header[1]))")
        }
        if let body = event["request"]?["body"]?.stringValue {
            lines.append("")
            lines.append(body)
        } else if let hex = event["request"]?["body_hex"]?.stringValue {
            lines.append("  body (hex) \(hex)")
        }
        return lines.joined(separator: "\n")
    }
}
