/// An operator's retry with a new plan (`retry --replan`): the event is re-planned with the current rules and
/// delivered from the first step that changed.
extension SQLiteEventStore {
    public func retry(_ id: EventID, replacingPlan plan: [UInt8], subject: String?, keepingSteps kept: Int)
        throws(StoreError) -> Bool
    {
        guard kept >= 0 else { throw StoreError(.invalid, "retry: keepingSteps must not be negative, got \(kept)") }
        let now = configuration.clock()
        let wasDead = try write { (connection) throws(StoreError) -> Bool? in
            guard
                let found = try connection.statement("SELECT seq, status, subject FROM events WHERE id = ?1").query(
                    [.text(id.text)], { ($0.int64(0), $0.text(1), $0.text(2)) }
                ).first,
                found.1 == "dead" || found.1 == "retrying"
            else { return nil }
            // Results of the steps after the unchanged ones belong to the old plan: delivery redoes them.
            try connection.statement("DELETE FROM step_results WHERE event_seq = ?1 AND step >= ?2").run([
                .integer(found.0), .int(kept),
            ])
            try connection.statement(
                """
                UPDATE events SET plan = ?1, subject = ?2, status = 'pending', due_at = ?3, attempts = 0,
                    retried_at = ?3, lease = NULL, finished_at = NULL, dead_reason = NULL
                WHERE seq = ?4
                """
            ).run([.blob(plan), .optionalText(subject), .time(now), .integer(found.0)])
            // Its subject may have changed: both the old one's events and the new one's may move.
            try Self.recomputeWaiting(ofSubject: found.2, in: connection)
            if subject != found.2 { try Self.recomputeWaiting(ofSubject: subject, in: connection) }
            return found.1 == "dead"
        }
        guard let wasDead else { return false }
        if wasDead { undelivered.add(1, ordering: .relaxed) }
        return true
    }
}
