/// What operators call (admin API, `dealhook queue`): lists, one event's story, retries, discards, stats, purges.
extension SQLiteEventStore {
    public func list(status: EventStatus?, route: String?, limit: Int, after: EventID?) throws(StoreError)
        -> [EventSummary]
    {
        guard limit > 0 else { return [] }
        // One cached statement per combination of filters, so each can use the (status, route, seq) index.
        var conditions: [String] = []
        var values: [SQLiteValue] = []
        if let status {
            values.append(.text(status.rawValue))
            conditions.append("status = ?\(values.count)")
        }
        if let route {
            values.append(.text(route))
            conditions.append("route = ?\(values.count)")
        }
        if let after {
            values.append(.text(after.text))
            conditions.append("seq > (SELECT seq FROM events WHERE id = ?\(values.count))")
        }
        values.append(.int(limit))
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(Self.summaryColumns) FROM events \(filter) ORDER BY seq LIMIT ?\(values.count)"
        return try read { (connection) throws(StoreError) in
            try connection.statement(sql).query(values, Self.summary)
        }
    }

    public func event(_ id: EventID) throws(StoreError) -> EventDetail? {
        try read { (connection) throws(StoreError) -> EventDetail? in
            // One read transaction, so the event, its steps and its attempts agree.
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            guard
                let found = try connection.statement("SELECT \(Self.eventColumns) FROM events WHERE id = ?1").query(
                    [.text(id.text)], Self.storedEvent
                ).first
            else { return nil }
            let steps = try connection.statement(
                "SELECT \(Self.stepColumns) FROM step_results WHERE event_seq = ?1 ORDER BY step"
            ).query([.integer(found.seq)], Self.stepResult)
            let attempts = try connection.statement(
                "SELECT \(Self.attemptColumns) FROM attempts WHERE event_seq = ?1 ORDER BY rowid"
            ).query([.integer(found.seq)], Self.attempt)
            return EventDetail(event: found.event, steps: steps, attempts: attempts)
        }
    }

    /// Back to pending, due now, with a fresh attempt count; the lease (of a retrying event there is none) ends.
    private static let retrySQL = """
        UPDATE events SET status = 'pending', due_at = ?1, attempts = 0, retried_at = ?1, lease = NULL,
            finished_at = NULL, dead_reason = NULL
        """

    public func retry(_ id: EventID) throws(StoreError) -> Bool {
        let now = configuration.clock()
        let wasDead = try write { (connection) throws(StoreError) -> Bool? in
            let status = try connection.statement("SELECT status FROM events WHERE id = ?1").query([.text(id.text)]) {
                $0.text(0)
            }.first
            guard let status, status == "dead" || status == "retrying" else { return nil }
            try connection.statement(Self.retrySQL + " WHERE id = ?2").run([.time(now), .text(id.text)])
            // Back before later events of its subject (they wait again), or behind earlier ones.
            try Self.recomputeWaiting(ofSubject: Self.subject(ofEvent: id, in: connection), in: connection)
            return status == "dead"
        }
        guard let wasDead else { return false }
        if wasDead { undelivered.add(1, ordering: .relaxed) }
        return true
    }

    public func retryAll(status: EventStatus, route: String?) throws(StoreError) -> Int {
        guard status == .dead || status == .retrying else {
            throw StoreError(.invalid, "retryAll: only dead or retrying events can be retried, not \(status)")
        }
        let now = configuration.clock()
        let count = try write { (connection) throws(StoreError) -> Int in
            try connection.statement(Self.retrySQL + " WHERE status = ?2 AND (?3 IS NULL OR route = ?3)").run([
                .time(now), .text(status.rawValue), .optionalText(route),
            ])
            let changed = connection.changes
            if changed > 0 { try Self.recomputeAllWaiting(in: connection) }
            return changed
        }
        if status == .dead { undelivered.add(count, ordering: .relaxed) }
        return count
    }

    public func discard(_ id: EventID) throws(StoreError) -> Bool {
        let removed = try write { (connection) throws(StoreError) -> EventStatus? in
            guard
                let found = try connection.statement("SELECT seq, status, subject FROM events WHERE id = ?1").query(
                    [.text(id.text)], { ($0.int64(0), EventStatus(rawValue: $0.text(1) ?? ""), $0.text(2)) }
                ).first
            else { return nil }
            for table in ["step_results", "attempts"] {
                try connection.statement("DELETE FROM \(table) WHERE event_seq = ?1").run([.integer(found.0)])
            }
            try connection.statement("DELETE FROM events WHERE seq = ?1").run([.integer(found.0)])
            try Self.recomputeWaiting(ofSubject: found.2, in: connection)
            return found.1 ?? .dead
        }
        guard let removed else { return false }
        if removed.isUndelivered { undelivered.add(-1, ordering: .relaxed) }
        return true
    }

    public func pausedRoutes() throws(StoreError) -> Set<String> {
        try read { (connection) throws(StoreError) in
            Set(try connection.texts("SELECT route FROM paused_routes"))
        }
    }

    public func setRoute(_ route: String, paused: Bool) throws(StoreError) {
        try write(wakes: !paused) { (connection) throws(StoreError) in
            if paused {
                try connection.statement("INSERT OR IGNORE INTO paused_routes (route, paused_at) VALUES (?1, ?2)")
                    .run([.text(route), .time(configuration.clock())])
            } else {
                try connection.statement("DELETE FROM paused_routes WHERE route = ?1").run([.text(route)])
            }
        }
    }

    public func stats() throws(StoreError) -> QueueStats {
        let now = configuration.clock()
        return try read { (connection) throws(StoreError) in
            try connection.execute("BEGIN")
            defer { try? connection.execute("COMMIT") }
            var counts = Dictionary(uniqueKeysWithValues: EventStatus.allCases.map { ($0, 0) })
            for (status, count) in try connection.statement("SELECT status, count(*) FROM events GROUP BY status")
                .query([], { ($0.text(0) ?? "", $0.int(1)) })
            {
                if let status = EventStatus(rawValue: status) { counts[status] = count }
            }
            let ages = try connection.statement(
                """
                SELECT min(received_at), min(due_at) FROM events INDEXED BY events_due
                WHERE status \(Self.undeliveredSQL) AND waiting = 0
                """
            ).query([]) { ($0.optionalTime(0), $0.optionalTime(1)) }.first
            let overdue = ages?.1.map { max(.zero, now - $0) }
            return QueueStats(
                counts: counts, oldestUndeliveredAge: ages?.0.map { now - $0 },
                maxOverdue: overdue == .zero ? nil : overdue)
        }
    }

    public func purgeDelivered(olderThan cutoff: Timestamp) throws(StoreError) -> Int {
        let chosen = """
            (SELECT seq FROM events INDEXED BY events_done WHERE status = 'done' AND finished_at < ?1 ORDER BY finished_at, seq LIMIT ?2)
            """
        var total = 0
        while true {
            // One bounded transaction per batch, releasing the writer between them so appends go on.
            let deleted = try write(wakes: false) { (connection) throws(StoreError) -> Int in
                let values: [SQLiteValue] = [.time(cutoff), .int(configuration.purgeBatchEvents)]
                try connection.statement("DELETE FROM step_results WHERE event_seq IN \(chosen)").run(values)
                try connection.statement("DELETE FROM attempts WHERE event_seq IN \(chosen)").run(values)
                try connection.statement("DELETE FROM events WHERE seq IN \(chosen)").run(values)
                return connection.changes
            }
            total += deleted
            // Deduplication keys go with their events.
            if deleted < configuration.purgeBatchEvents { return total }
        }
    }
}
