/// What the delivery loop calls: claims, step results, attempts, and the ends of a lease.
extension SQLiteEventStore {
    // The claim and next-due queries name their index: in due order, a claim reads only as far as `limit`
    // events, however many wait behind them (without statistics the planner may pick a status index and sort).

    /// Due and claimable: not on a paused route (?2), and no earlier undelivered event of the same subject
    /// (`waiting`, kept by every change of status: `SQLiteEventStore+Waiting.swift`).
    private static let claimableSQL = """
        e.status \(undeliveredSQL) AND e.waiting = 0
            AND e.route NOT IN (SELECT value FROM json_each(?2))
        """

    public func claim(limit: Int, now: Timestamp, leaseFor: Duration, excludingRoutes: Set<String>)
        throws(StoreError) -> [ClaimedEvent]
    {
        guard limit > 0 else { return [] }
        guard leaseFor > .zero else { throw StoreError(.invalid, "claim: leaseFor must be positive") }
        let expiresAt = now + leaseFor
        return try write(wakes: false) { (connection) throws(StoreError) in
            let candidates = try connection.statement(
                """
                SELECT \(Self.eventColumns) FROM events AS e INDEXED BY events_due
                WHERE e.due_at <= ?1 AND \(Self.claimableSQL)
                ORDER BY e.due_at, e.seq LIMIT ?3
                """
            ).query([.time(now), .text(Self.jsonList(excludingRoutes)), .int(limit)], Self.storedEvent)
            let lease = try connection.statement(
                "UPDATE events SET status = 'in_flight', lease = ?2, due_at = ?3 WHERE seq = ?1")
            let steps = try connection.statement(
                "SELECT \(Self.stepColumns) FROM step_results WHERE event_seq = ?1 ORDER BY step")
            var random = SystemRandomNumberGenerator()
            return try candidates.map { (candidate) throws(StoreError) in
                let token = Int64.random(in: 1...Int64.max, using: &random)
                try lease.run([.integer(candidate.seq), .integer(token), .time(expiresAt)])
                var event = candidate.event
                event.status = .inFlight
                event.dueAt = expiresAt
                return ClaimedEvent(
                    event: event, completedSteps: try steps.query([.integer(candidate.seq)], Self.stepResult),
                    lease: Lease(eventID: event.id, token: token, expiresAt: expiresAt))
            }
        }
    }

    public func nextDueAt(excludingRoutes: Set<String>) throws(StoreError) -> Timestamp? {
        try read { (connection) throws(StoreError) in
            try connection.statement(
                """
                SELECT e.due_at FROM events AS e INDEXED BY events_due WHERE \(Self.claimableSQL)
                ORDER BY e.due_at LIMIT 1
                """
            ).query([.null, .text(Self.jsonList(excludingRoutes))]) { $0.time(0) }.first
        }
    }

    public func recordStepResult(_ event: EventID, step: Int, result: [UInt8]) throws(StoreError) {
        try write(wakes: false) { (connection) throws(StoreError) in
            try Self.insertStepResult(event, step: step, result: result, at: configuration.clock(), in: connection)
        }
    }

    /// Stores a step's result unless one is stored already (the first stands).
    private static func insertStepResult(
        _ event: EventID, step: Int, result: [UInt8], at now: Timestamp, in connection: SQLiteConnection
    ) throws(StoreError) {
        try connection.statement(
            """
            INSERT OR IGNORE INTO step_results (event_seq, step, result, completed_at)
            SELECT seq, ?2, ?3, ?4 FROM events WHERE id = ?1
            """
        ).run([.text(event.text), .int(step), .blob(result), .time(now)])
    }

    public func completedSteps(_ event: EventID) throws(StoreError) -> [StepResult] {
        try read { (connection) throws(StoreError) in
            try connection.statement(
                """
                SELECT \(Self.stepColumns) FROM step_results
                WHERE event_seq = (SELECT seq FROM events WHERE id = ?1) ORDER BY step
                """
            ).query([.text(event.text)], Self.stepResult)
        }
    }

    public func recordAttempt(_ event: EventID, _ attempt: Attempt) throws(StoreError) {
        try write(wakes: false) { (connection) throws(StoreError) in
            try connection.statement(
                """
                INSERT INTO attempts (event_seq, number, started_at, finished_at, step, request, http_status,
                    error_class, details)
                SELECT seq, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9 FROM events WHERE id = ?1
                """
            ).run([
                .text(event.text), .int(attempt.number), .time(attempt.startedAt), .time(attempt.finishedAt),
                .optionalInt(attempt.step), .text(attempt.request), .optionalInt(attempt.httpStatus),
                .optionalText(attempt.errorClass), .text(attempt.details),
            ])
            guard connection.changes == 1 else { throw Self.noSuchEvent(event) }
            try connection.statement("UPDATE events SET attempts = attempts + 1 WHERE id = ?1").run([.text(event.text)])
        }
    }

    public func complete(_ lease: Lease, lastStep: FinishedStep?) throws(StoreError) {
        try endLease(
            lease, undeliveredChange: -1, releasesNext: true, storing: lastStep,
            "UPDATE events SET status = 'done', lease = NULL, due_at = NULL, finished_at = ?3",
            [.time(configuration.clock())])
    }

    public func scheduleRetry(_ lease: Lease, at: Timestamp) throws(StoreError) {
        try endLease(
            lease, undeliveredChange: 0, "UPDATE events SET status = 'retrying', lease = NULL, due_at = ?3", [.time(at)]
        )
    }

    public func markDead(_ lease: Lease, reason: String) throws(StoreError) {
        try endLease(
            lease, undeliveredChange: -1, releasesNext: true,
            "UPDATE events SET status = 'dead', lease = NULL, due_at = NULL, finished_at = ?3, dead_reason = ?4",
            [.time(configuration.clock()), .text(reason)])
    }

    public func release(_ lease: Lease) throws(StoreError) {
        try endLease(
            lease, undeliveredChange: 0,
            """
            UPDATE events SET status = CASE WHEN attempts = 0 THEN 'pending' ELSE 'retrying' END, lease = NULL,
                due_at = ?3
            """, [.time(configuration.clock())])
    }

    /// Runs `update` (parameters ?3 on from `values`) on the leased event if the lease still holds; with
    /// `releasesNext` (the event is delivered or dead), the next event of its subject may go. A step result in
    /// `storing` is stored in the same transaction, whether the lease still holds or not, as
    /// `recordStepResult` would have: the call it records was made.
    private func endLease(
        _ lease: Lease, undeliveredChange: Int, releasesNext: Bool = false, storing step: FinishedStep? = nil,
        _ update: String, _ values: [SQLiteValue]
    ) throws(StoreError) {
        let held = try write { (connection) throws(StoreError) -> Bool in
            if let step {
                try Self.insertStepResult(
                    lease.eventID, step: step.step, result: step.result, at: configuration.clock(), in: connection)
            }
            try connection.statement(update + " WHERE id = ?1 AND lease = ?2 AND status = 'in_flight'").run(
                [.text(lease.eventID.text), .integer(lease.token)] + values)
            guard connection.changes == 1 else { return false }
            if releasesNext {
                try Self.releaseNext(after: lease.eventID, in: connection)
            }
            return true
        }
        guard held else {
            throw StoreError(
                .leaseLost,
                "the lease on event \(lease.eventID) ended (it expired and was claimed again, or an operator "
                    + "retried or discarded the event)")
        }
        undelivered.add(undeliveredChange, ordering: .relaxed)
    }

    static func noSuchEvent(_ id: EventID) -> StoreError {
        StoreError(.invalid, "no event \(id) in the queue (discarded or purged?)")
    }
}
