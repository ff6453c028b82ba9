/// The `waiting` flag: 1 exactly for an undelivered event that an earlier undelivered event of its subject holds
/// back. The due index (`events_due`) leaves such events out, so a claim reads only events it may take. Every
/// change of an event's status or subject keeps the flag right, inside the same transaction.
extension SQLiteEventStore {
    /// The flag of an event being appended with subject `?4`: whether its subject has an undelivered event.
    static let waitingOnAppendSQL = """
        ?4 IS NOT NULL AND EXISTS (SELECT 1 FROM events AS earlier
            WHERE earlier.subject = ?4 AND earlier.status \(undeliveredSQL))
        """

    /// Frees the next undelivered event of event `id`'s subject, after `id` is done or dead: the usual case, one
    /// statement and one index lookup however many events wait (an event without a subject frees nothing).
    static func releaseNext(after id: EventID, in connection: SQLiteConnection) throws(StoreError) {
        try connection.statement(
            """
            UPDATE events SET waiting = 0
            WHERE seq = (
                SELECT min(seq) FROM events
                WHERE subject = (SELECT subject FROM events WHERE id = ?1) AND status \(undeliveredSQL))
                AND waiting = 1
            """
        ).run([.text(id.text)])
    }

    /// Sets the flag of every undelivered event of `subject` anew: after an operator's retry, a replan or a
    /// discard, which can put an event back before others of its subject or take one out of the middle.
    static func recomputeWaiting(ofSubject subject: String?, in connection: SQLiteConnection) throws(StoreError) {
        guard let subject else { return }
        try connection.statement(
            """
            UPDATE events
            SET waiting = seq > (SELECT min(seq) FROM events WHERE subject = ?1 AND status \(undeliveredSQL))
            WHERE subject = ?1 AND status \(undeliveredSQL)
            """
        ).run([.text(subject)])
    }

    /// `recomputeWaiting` for every subject: after a bulk retry.
    static func recomputeAllWaiting(in connection: SQLiteConnection) throws(StoreError) {
        try connection.statement(
            """
            UPDATE events SET waiting = subject IS NOT NULL AND EXISTS (
                SELECT 1 FROM events AS earlier
                WHERE earlier.subject = events.subject AND earlier.seq < events.seq
                    AND earlier.status \(undeliveredSQL))
            WHERE status \(undeliveredSQL)
            """
        ).run()
    }

    /// The subject of event `id`, nil when it has none (or is gone).
    static func subject(ofEvent id: EventID, in connection: SQLiteConnection) throws(StoreError) -> String? {
        try connection.statement("SELECT subject FROM events WHERE id = ?1").query([.text(id.text)]) { $0.text(0) }
            .first ?? nil
    }
}
