import Testing

@testable import Queue

/// The `waiting` flag behind per-subject order: after every change of status or subject, exactly the undelivered
/// events with an earlier undelivered event of their subject wait, and a claim hands out only the others.
@Suite struct WaitingTests {
    /// Events whose flag disagrees with what their subject's undelivered events say it should be.
    static func wrongFlags(_ store: SQLiteEventStore) throws -> Int64 {
        let connection = try SQLiteConnection(path: store.path, create: false)
        return try connection.integer(
            """
            SELECT count(*) FROM events
            WHERE status \(SQLiteEventStore.undeliveredSQL) AND waiting != (subject IS NOT NULL AND EXISTS (
                SELECT 1 FROM events AS earlier
                WHERE earlier.subject = events.subject AND earlier.seq < events.seq
                    AND earlier.status \(SQLiteEventStore.undeliveredSQL)))
            """)
    }

    static func claimAll(_ store: SQLiteEventStore, _ clock: TestClock) throws -> [ClaimedEvent] {
        try store.claim(limit: 100, now: clock.now, leaseFor: .seconds(30))
    }

    @Test func onlyTheFirstUndeliveredEventOfASubjectIsClaimed() throws {
        try withStore { store, clock throws in
            let ids = try store.append([
                sampleEvent(subject: "ana", at: clock.now), sampleEvent(subject: "ana", at: clock.now),
                sampleEvent(subject: "bo", at: clock.now), sampleEvent(subject: "ana", at: clock.now),
                sampleEvent(at: clock.now),
            ])
            #expect(try Self.wrongFlags(store) == 0)
            let first = try Self.claimAll(store, clock)
            #expect(first.map(\.event.id) == [ids[0], ids[2], ids[4]])

            try store.complete(first[0].lease)
            #expect(try Self.wrongFlags(store) == 0)
            let second = try Self.claimAll(store, clock)
            #expect(second.map(\.event.id) == [ids[1]])

            try store.markDead(second[0].lease, reason: "refused")
            #expect(try Self.wrongFlags(store) == 0)
            #expect(try Self.claimAll(store, clock).map(\.event.id) == [ids[3]])
        }
    }

    @Test func anOperatorRetryPutsAnOlderEventBackInFront() throws {
        try withStore { store, clock throws in
            let ids = try store.append((0..<3).map { _ in sampleEvent(subject: "ana", at: clock.now) })
            let head = try Self.claimAll(store, clock)
            try store.markDead(head[0].lease, reason: "refused")
            #expect(try Self.claimAll(store, clock).map(\.event.id) == [ids[1]])
            // ids[1] is in flight; the dead ids[0] comes back before it and before ids[2]: the first of its subject
            // again, it may go (as an earlier event always could), and ids[2] waits behind both.
            #expect(try store.retry(ids[0]))
            #expect(try Self.wrongFlags(store) == 0)
            #expect(try Self.claimAll(store, clock).map(\.event.id) == [ids[0]])
        }
    }

    @Test func discardingOrReplanningKeepsTheFlagsRight() throws {
        try withStore { store, clock throws in
            let ids = try store.append((0..<4).map { _ in sampleEvent(subject: "ana", at: clock.now) })
            #expect(try store.discard(ids[0]))
            #expect(try Self.wrongFlags(store) == 0)
            let claimed = try Self.claimAll(store, clock)
            #expect(claimed.map(\.event.id) == [ids[1]])
            try store.scheduleRetry(claimed[0].lease, at: clock.now + .seconds(60))
            // Replanned onto another subject, ids[1] stops holding ids[2] back.
            #expect(try store.retry(ids[1], replacingPlan: Array(#"{"steps":[]}"#.utf8), subject: "bo", keepingSteps: 0))
            #expect(try Self.wrongFlags(store) == 0)
            #expect(Set(try Self.claimAll(store, clock).map(\.event.id)) == [ids[1], ids[2]])
        }
    }

    @Test func aBulkRetryOfDeadLettersRestoresTheOrder() throws {
        try withStore { store, clock throws in
            let ids = try store.append((0..<3).map { _ in sampleEvent(subject: "ana", at: clock.now) })
            for _ in 0..<2 {
                let claimed = try Self.claimAll(store, clock)
                try store.markDead(claimed[0].lease, reason: "refused")
            }
            #expect(try store.retryAll(status: .dead, route: nil) == 2)
            #expect(try Self.wrongFlags(store) == 0)
            #expect(try Self.claimAll(store, clock).map(\.event.id) == [ids[0]])
        }
    }

    /// A queue of schema version 2 (before the flag) gets it on open, right for the events it holds.
    @Test func aVersionTwoQueueIsMigrated() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        do {
            let connection = try SQLiteConnection(path: directory.queuePath)
            for version in 0..<2 {
                try connection.execute(SQLiteSchema.migrations[version])
            }
            try connection.execute("PRAGMA user_version = 2; PRAGMA application_id = \(SQLiteSchema.applicationID)")
            for (index, subject) in ["ana", "ana", "bo", "ana"].enumerated() {
                try connection.execute(
                    """
                    INSERT INTO events (id, route, received_at, subject, headers, body, plan, status, due_at)
                    VALUES ('\(EventID.Generator().next(at: Timestamp(millisecondsSinceEpoch: 1_000 + Int64(index))).text)',
                        'contact', \(1_000 + index), '\(subject)', '[]', x'', x'', 'pending', \(1_000 + index))
                    """)
            }
        }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        #expect(try Self.wrongFlags(store) == 0)
        let claimed = try store.claim(limit: 10, now: Timestamp(millisecondsSinceEpoch: 5_000), leaseFor: .seconds(30))
        #expect(claimed.map { $0.event.subject } == ["ana", "bo"])
    }
}
