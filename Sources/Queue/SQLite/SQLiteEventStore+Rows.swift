import JSON

/// How events, steps and attempts are read back from their rows.
extension SQLiteEventStore {
    /// The columns `storedEvent(_:)` reads, in its order.
    static let eventColumns = """
        seq, id, route, received_at, subject, headers, body, plan, status, attempts, due_at, retried_at, finished_at,
        dead_reason, lease
        """

    /// The event in a row of `eventColumns`, with its row's `seq` and lease token.
    static func storedEvent(_ row: SQLiteRow) throws(StoreError) -> (seq: Int64, event: StoredEvent, lease: Int64?) {
        let event = StoredEvent(
            id: try eventID(row.text(1)), route: row.text(2) ?? "", receivedAt: row.time(3), body: row.blob(6),
            headers: try decodeHeaders(row.text(5) ?? ""), subject: row.text(4), plan: row.blob(7),
            status: try status(row.text(8)), attempts: row.int(9), dueAt: row.optionalTime(10),
            retriedAt: row.optionalTime(11), finishedAt: row.optionalTime(12), deadReason: row.text(13))
        return (row.int64(0), event, row.isNull(14) ? nil : row.int64(14))
    }

    static let summaryColumns = """
        id, route, received_at, subject, status, attempts, due_at, finished_at, dead_reason, length(body)
        """

    static func summary(_ row: SQLiteRow) throws(StoreError) -> EventSummary {
        EventSummary(
            id: try eventID(row.text(0)), route: row.text(1) ?? "", receivedAt: row.time(2), subject: row.text(3),
            status: try status(row.text(4)), attempts: row.int(5), dueAt: row.optionalTime(6),
            finishedAt: row.optionalTime(7), deadReason: row.text(8), bodySize: row.int(9))
    }

    static let stepColumns = "step, result, completed_at"

    static func stepResult(_ row: SQLiteRow) -> StepResult {
        StepResult(step: row.int(0), result: row.blob(1), completedAt: row.time(2))
    }

    static let attemptColumns = "number, started_at, finished_at, step, request, http_status, error_class, details"

    static func attempt(_ row: SQLiteRow) -> Attempt {
        Attempt(
            number: row.int(0), startedAt: row.time(1), finishedAt: row.time(2), step: row.optionalInt(3),
            request: row.text(4) ?? "", httpStatus: row.optionalInt(5), errorClass: row.text(6),
            details: row.text(7) ?? "")
    }

    private static func eventID(_ text: String?) throws(StoreError) -> EventID {
        guard let text, let id = EventID(text) else { throw damaged("event id \(text ?? "NULL")") }
        return id
    }

    private static func status(_ text: String?) throws(StoreError) -> EventStatus {
        guard let text, let status = EventStatus(rawValue: text) else { throw damaged("status \(text ?? "NULL")") }
        return status
    }

    static func decodeHeaders(_ text: String) throws(StoreError) -> [Header] {
        guard let value = try? JSONValue(parsing: text), let pairs = value.arrayValue else {
            throw damaged("headers \(text.prefix(40))")
        }
        var headers: [Header] = []
        for pair in pairs {
            guard let name = pair[0]?.stringValue, let value = pair[1]?.stringValue else {
                throw damaged("headers \(text.prefix(40))")
            }
            headers.append(Header(name: name, value: value))
        }
        return headers
    }

    private static func damaged(_ what: String) -> StoreError {
        StoreError(.corrupt, "the queue file holds an unreadable \(what): was it edited by hand?")
    }

    /// A JSON array of `routes`, for `route NOT IN (SELECT value FROM json_each(?))`: one cached statement
    /// whatever the number of paused routes.
    static func jsonList(_ routes: Set<String>) -> String {
        JSONValue.array(routes.sorted().map(JSONValue.string)).jsonText
    }

    /// The condition on `status` of an undelivered event (pending, retrying or in flight), as SQL to follow the
    /// column: not one of the two final statuses. Written so because SQLite evaluates `IN` with a constant list of
    /// more than two values through a temporary b-tree, built anew each time a statement runs: once per inserted
    /// or updated row when the condition is a partial index's (schema version 5). It must read exactly as in those
    /// indexes' `WHERE`, or the planner does not use them.
    static let undeliveredSQL = "NOT IN ('done', 'dead')"
}
