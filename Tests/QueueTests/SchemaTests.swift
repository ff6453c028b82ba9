import Testing

@testable import Queue

/// The schema's shape where it decides the writer's cost, and the migration that gave it that shape.
@Suite struct SchemaTests {
    /// SQLite evaluates `IN` with a constant list of more than two values through a temporary b-tree built each
    /// time a statement runs; in a CHECK or a partial index's WHERE, that is once per row written. No statement of
    /// an append, nor a change of status, may need one (schema version 5).
    @Test func appendsAndStatusChangesBuildNoTemporaryBTree() throws {
        try withStore { store, _ throws in
            let connection = try SQLiteConnection(path: store.path, create: false)
            for sql in [
                AppendStatements.insertEventSQL,
                "UPDATE events SET status = 'done', finished_at = ?2, due_at = NULL WHERE seq = ?1",
                "UPDATE events SET status = 'retrying', due_at = ?2 WHERE seq = ?1",
            ] {
                let opcodes = try connection.statement("EXPLAIN " + sql).query([]) { $0.text(1) ?? "" }
                #expect(opcodes.contains("Insert") || opcodes.contains("IdxInsert"), "\(sql)")
                #expect(!opcodes.contains("OpenEphemeral"), "\(sql) builds a temporary b-tree per run")
            }
        }
    }

    /// A version-4 queue (IN lists in its CHECK and partial indexes) is rebuilt on open with every event as it
    /// was, its indexes, its unique ids and its CHECK.
    @Test func aVersionFourQueueIsRebuiltWithEveryEvent() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let columns =
            "seq, id, route, received_at, subject, headers, body, plan, status, due_at, lease, attempts, retried_at, "
            + "finished_at, dead_reason, waiting"
        let rows = "SELECT \(columns) FROM events ORDER BY seq"
        let ids = (0..<7).map { EventID.Generator().next(at: Timestamp(millisecondsSinceEpoch: 1_000 + Int64($0))).text }
        var before: [String] = []
        do {
            let connection = try SQLiteConnection(path: directory.queuePath)
            for version in 0..<4 { try connection.execute(SQLiteSchema.migrations[version]) }
            try connection.execute("PRAGMA user_version = 4; PRAGMA application_id = \(SQLiteSchema.applicationID)")
            try connection.execute(
                """
                INSERT INTO events (id, route, received_at, subject, headers, body, plan, status, due_at, lease,
                    attempts, retried_at, finished_at, dead_reason, waiting) VALUES
                ('\(ids[0])', 'contact', 1000, 'ana', '[["X-A","1"]]', x'6162', x'7b7d', 'pending', 1000, NULL, 0, NULL,
                    NULL, NULL, 0),
                ('\(ids[1])', 'contact', 1001, 'ana', '[]', x'', x'7b7d', 'pending', 1001, NULL, 0, NULL, NULL, NULL, 1),
                ('\(ids[2])', 'stripe', 1002, NULL, '[]', x'63', x'7b7d', 'retrying', 9000, NULL, 3, 1500, NULL, NULL, 0),
                ('\(ids[3])', 'stripe', 1003, 'bo', '[]', x'64', x'7b7d', 'in_flight', 7000, 42, 1, NULL, NULL, NULL, 0),
                ('\(ids[4])', 'contact', 1004, 'cy', '[]', x'65', x'7b7d', 'done', NULL, NULL, 1, NULL, 2000, NULL, 0),
                ('\(ids[5])', 'contact', 1005, NULL, '[]', x'66', x'7b7d', 'dead', NULL, NULL, 24, NULL, 3000, 'gone', 0);
                INSERT INTO step_results (event_seq, step, result, completed_at) VALUES (4, 0, x'7b7d', 1900);
                """)
            before = try connection.statement(rows).query([]) { row in
                (0..<16).map { row.isNull($0) ? "NULL" : row.text($0) ?? "" }.joined(separator: "|")
            }
        }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        let connection = try SQLiteConnection(path: directory.queuePath, create: false)
        #expect(try connection.integer("PRAGMA user_version") == SQLiteSchema.currentVersion)
        let after = try connection.statement(rows).query([]) { row in
            (0..<16).map { row.isNull($0) ? "NULL" : row.text($0) ?? "" }.joined(separator: "|")
        }
        #expect(after == before)
        #expect(try connection.integer("SELECT count(*) FROM step_results WHERE event_seq = 4") == 1)
        let indexes = try connection.texts(
            "SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'events' ORDER BY name")
        #expect(
            indexes == [
                "events_dedupe", "events_done", "events_due", "events_status_route", "events_subject",
                "sqlite_autoindex_events_1",
            ])
        #expect(try connection.texts("PRAGMA integrity_check") == ["ok"])
        #expect(store.pendingCount() == 4)
        let claimed = try store.claim(limit: 10, now: Timestamp(millisecondsSinceEpoch: 8_000), leaseFor: .seconds(30))
        // Due at 8 s: the first of "ana" (the second waits behind it) and the in-flight event whose lease ended;
        // the retrying one is due at 9 s.
        #expect(claimed.map(\.event.id.text) == [ids[0], ids[3]])
        do {
            try store.writer.withConnection { (writer) throws(StoreError) in
                try writer.execute(
                    """
                    INSERT INTO events (id, route, received_at, headers, body, plan, status)
                    VALUES ('\(ids[6])', 'contact', 1, '[]', x'', x'', 'lost')
                    """)
            }
            Issue.record("the rebuilt table took a status its CHECK forbids")
        } catch {
            #expect(error.message.contains("CHECK"))
        }
    }

    /// A version-5 queue keeps its deduplication keys in `dedupe`; version 6 moves each one whose event is still
    /// stored into that event's row, so a repeat is still answered with the first id, and drops the others.
    @Test func aVersionFiveQueueKeepsTheKeysOfItsStoredEvents() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let generator = EventID.Generator()
        let ids = (0..<3).map { generator.next(at: Timestamp(millisecondsSinceEpoch: 1_000 + Int64($0))).text }
        do {
            let connection = try SQLiteConnection(path: directory.queuePath)
            for version in 0..<5 { try connection.execute(SQLiteSchema.migrations[version]) }
            try connection.execute("PRAGMA user_version = 5; PRAGMA application_id = \(SQLiteSchema.applicationID)")
            // ids[2]'s event was discarded: its key outlived it in `dedupe`.
            try connection.execute(
                """
                INSERT INTO events (id, route, received_at, subject, headers, body, plan, status, due_at) VALUES
                ('\(ids[0])', 'stripe', 1000, NULL, '[]', x'61', x'7b7d', 'pending', 1000),
                ('\(ids[1])', 'paddle', 1001, NULL, '[]', x'62', x'7b7d', 'done', NULL);
                INSERT INTO dedupe (route, key, event_id, created_at) VALUES
                ('stripe', 'evt_1', '\(ids[0])', 1000), ('paddle', 'evt_1', '\(ids[1])', 1001),
                ('stripe', 'evt_2', '\(ids[2])', 1002);
                """)
        }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        func append(_ key: String, route: String = "stripe") throws -> EventID {
            try store.append([NewEvent(route: route, receivedAt: .now(), body: [], plan: [], dedupeKey: key)])[0]
        }
        #expect(try append("evt_1").text == ids[0])
        #expect(try append("evt_1", route: "paddle").text == ids[1])
        #expect(try append("evt_2").text != ids[2], "the key of an event no longer stored is free")
        let connection = try SQLiteConnection(path: directory.queuePath, create: false)
        #expect(try connection.integer("SELECT count(*) FROM sqlite_schema WHERE name = 'dedupe'") == 0)
        #expect(try connection.texts("PRAGMA integrity_check") == ["ok"])
    }
}
