import JSON
import Queue
import Rules

/// The JSON forms of the queue shared by the admin API and `dealhook queue --json`: one event's line, its whole
/// story, and the queue's stats. Times are RFC 3339 UTC with milliseconds.
public enum AdminJSON {
    /// An event's line in a list.
    public static func summary(_ event: EventSummary) -> JSONValue {
        [
            "id": .string(event.id.text), "route": .string(event.route), "status": .string(event.status.rawValue),
            "received_at": time(event.receivedAt), "subject": event.subject.map(JSONValue.string) ?? .null,
            "attempts": .number(Double(event.attempts)), "due_at": time(event.dueAt),
            "finished_at": time(event.finishedAt), "dead_reason": event.deadReason.map(JSONValue.string) ?? .null,
            "body_size": .number(Double(event.bodySize)),
        ]
    }

    /// A page of a list, with the cursor of the next page (`after=`), null on the last.
    public static func page(_ events: [EventSummary], next: EventID?) -> JSONValue {
        ["events": .array(events.map(summary)), "next": next.map { .string($0.text) } ?? .null]
    }

    /// One event with its plan, each step with its result, each attempt, and the request as stored.
    public static func detail(_ detail: EventDetail, paused: Bool = false) -> JSONValue {
        let event = detail.event
        let storedPlan = try? JSONValue(parsing: event.plan)
        let planSteps = storedPlan?["steps"]?.arrayValue ?? []
        let results = Dictionary(detail.steps.map { ($0.step, $0) }, uniquingKeysWith: { first, _ in first })
        let steps: [JSONValue] = planSteps.enumerated().map { index, step in
            let result = results[index]
            return [
                "index": .number(Double(index)), "id": step["id"] ?? .null, "rule": step["rule"] ?? .null,
                "op": step["op"] ?? .null, "input": step["input"] ?? .null,
                "status": result == nil ? "pending" : "done",
                "result": result.map { (try? JSONValue(parsing: $0.result)) ?? .string(text($0.result)) } ?? .null,
                "completed_at": time(result?.completedAt),
            ]
        }
        let attempts: [JSONValue] = detail.attempts.map { attempt in
            [
                "number": .number(Double(attempt.number)), "started_at": time(attempt.startedAt),
                "finished_at": time(attempt.finishedAt),
                "duration_ms": .number(
                    Double(attempt.finishedAt.millisecondsSinceEpoch - attempt.startedAt.millisecondsSinceEpoch)),
                "step": attempt.step.map { .number(Double($0)) } ?? .null,
                "step_id": attempt.step.flatMap { planSteps.indices.contains($0) ? planSteps[$0]["id"] : nil } ?? .null,
                "request": .string(attempt.request),
                "http_status": attempt.httpStatus.map { .number(Double($0)) } ?? .null,
                "error_class": attempt.errorClass.map(JSONValue.string) ?? .null, "details": .string(attempt.details),
            ]
        }
        let body: JSONValue = String(validating: event.body, as: UTF8.self).map(JSONValue.string) ?? .null
        var request: JSONValue = [
            "headers": .array(event.headers.map { [.string($0.name), .string($0.value)] }), "body": body,
            "body_size": .number(Double(event.body.count)),
        ]
        if body.isNull, case .object(var members) = request {
            members["body_hex"] = .string(
                event.body.map { byte in
                    let digits = String(byte, radix: 16)
                    return digits.count == 1 ? "0" + digits : digits
                }.joined())
            request = .object(members)
        }
        return [
            "id": .string(event.id.text), "route": .string(event.route), "status": .string(event.status.rawValue),
            "paused": .bool(paused), "received_at": time(event.receivedAt),
            "subject": event.subject.map(JSONValue.string) ?? .null,
            "attempts_since_retry": .number(Double(event.attempts)),
            "due_at": time(event.dueAt), "retried_at": time(event.retriedAt), "finished_at": time(event.finishedAt),
            "dead_reason": event.deadReason.map(JSONValue.string) ?? .null,
            "plan": storedPlan ?? .string(text(event.plan)), "steps": .array(steps), "attempts": .array(attempts),
            "request": request,
        ]
    }

    /// Counts by status, the age of the oldest undelivered event, and the paused routes.
    public static func stats(_ stats: QueueStats, paused: Set<String>? = nil) -> JSONValue {
        var object: [String: JSONValue] = [
            "counts": .object(
                Dictionary(
                    uniqueKeysWithValues: EventStatus.allCases.map {
                        ($0.rawValue, JSONValue.number(Double(stats.counts[$0] ?? 0)))
                    })),
            "undelivered": .number(Double(stats.undelivered)),
            "oldest_pending_age_seconds": seconds(stats.oldestUndeliveredAge),
            "max_overdue_seconds": seconds(stats.maxOverdue),
        ]
        if let paused { object["paused_routes"] = .array(paused.sorted().map(JSONValue.string)) }
        return .object(object)
    }

    /// `2026-12-04T16:21:35.123Z`, or null.
    public static func time(_ time: Timestamp?) -> JSONValue {
        guard let time else { return .null }
        return .string(text(time))
    }

    /// `2026-12-04T16:21:35.123Z`.
    public static func text(_ time: Timestamp) -> String {
        let milliseconds = time.millisecondsSinceEpoch
        let seconds = milliseconds >= 0 ? milliseconds / 1_000 : (milliseconds - 999) / 1_000
        let fraction = String(milliseconds - seconds * 1_000)
        guard let whole = TemplateTime.format(unixSeconds: seconds) else { return "\(milliseconds) ms" }
        return whole.dropLast() + "." + String(repeating: "0", count: 3 - fraction.count) + fraction + "Z"
    }

    private static func seconds(_ duration: Duration?) -> JSONValue {
        guard let duration else { return .null }
        let (whole, attoseconds) = duration.components
        return .number((Double(whole) + Double(attoseconds / 1_000_000_000_000_000) / 1_000))
    }

    private static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
}
