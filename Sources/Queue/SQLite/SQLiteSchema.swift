/// The queue file's tables, versioned with `PRAGMA user_version` and migrated forward at open.
///
/// Times are integers (milliseconds since the Unix epoch); statuses are the `EventStatus` raw values, so the
/// file reads well in the `sqlite3` shell. To change the schema, append a migration; never edit a shipped one.
enum SQLiteSchema {
    /// Written to `PRAGMA application_id` so a file of another application is refused rather than altered
    /// ("DHKQ").
    static let applicationID: Int64 = 0x4448_4B51

    /// Migration `n` takes the file from version `n` to `n + 1`; the current version is their count.
    static let migrations: [String] = [
        // 0 → 1: events, step results, attempts.
        """
        CREATE TABLE events (
            seq INTEGER PRIMARY KEY,                -- arrival order
            id TEXT NOT NULL UNIQUE,                -- EventID, time-ordered
            route TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            subject TEXT,                           -- events of one subject are delivered in order
            headers TEXT NOT NULL,                  -- JSON array of [name, value]
            body BLOB NOT NULL,
            plan BLOB NOT NULL,                     -- the planner's JSON, never read by the store
            status TEXT NOT NULL
                CHECK (status IN ('pending', 'retrying', 'in_flight', 'done', 'dead')),
            due_at INTEGER,                         -- pending: since; retrying: next attempt; in_flight: lease end
            lease INTEGER,                          -- the lease token while in_flight
            attempts INTEGER NOT NULL DEFAULT 0,    -- attempts since arrival or the last operator retry
            retried_at INTEGER,                     -- last operator retry
            finished_at INTEGER,                    -- done or dead since
            dead_reason TEXT
        );
        CREATE INDEX events_due ON events (due_at, seq)
            WHERE status IN ('pending', 'retrying', 'in_flight');
        CREATE INDEX events_subject ON events (subject, seq)
            WHERE subject IS NOT NULL AND status IN ('pending', 'retrying', 'in_flight');
        CREATE INDEX events_status_route ON events (status, route, seq);
        CREATE INDEX events_done ON events (finished_at, seq) WHERE status = 'done';
        CREATE TABLE step_results (
            event_seq INTEGER NOT NULL,             -- events.seq
            step INTEGER NOT NULL,                  -- position in the plan, from 0
            result BLOB NOT NULL,
            completed_at INTEGER NOT NULL,
            PRIMARY KEY (event_seq, step)
        ) WITHOUT ROWID;
        CREATE TABLE attempts (
            event_seq INTEGER NOT NULL,             -- events.seq
            number INTEGER NOT NULL,
            started_at INTEGER NOT NULL,
            finished_at INTEGER NOT NULL,
            step INTEGER,
            request TEXT NOT NULL,
            http_status INTEGER,
            error_class TEXT,
            details TEXT NOT NULL
        );
        CREATE INDEX attempts_event ON attempts (event_seq);
        """,
        // 2: deduplication keys (a provider's event id), so that a repeat is answered like the first.
        """
        CREATE TABLE dedupe (
            route TEXT NOT NULL,
            key TEXT NOT NULL,
            event_id TEXT NOT NULL,                 -- the event the first request became
            created_at INTEGER NOT NULL,
            PRIMARY KEY (route, key)
        ) WITHOUT ROWID;
        CREATE INDEX dedupe_created ON dedupe (created_at);
        """,
        // 3: `waiting` marks undelivered events behind an earlier undelivered one of their subject, and the due
        // index holds only the others, so that a claim reads the events it may take and stops at the first not
        // yet due, instead of stepping over every event held behind a retrying one.
        """
        ALTER TABLE events ADD COLUMN waiting INTEGER NOT NULL DEFAULT 0;
        UPDATE events SET waiting = 1
        WHERE subject IS NOT NULL AND status IN ('pending', 'retrying', 'in_flight') AND EXISTS (
            SELECT 1 FROM events AS earlier
            WHERE earlier.subject = events.subject AND earlier.seq < events.seq
                AND earlier.status IN ('pending', 'retrying', 'in_flight'));
        DROP INDEX events_due;
        CREATE INDEX events_due ON events (due_at, seq)
            WHERE status IN ('pending', 'retrying', 'in_flight') AND waiting = 0;
        """,
        // 4: routes an operator paused, so that a pause outlasts a restart.
        """
        CREATE TABLE paused_routes (
            route TEXT PRIMARY KEY,
            paused_at INTEGER NOT NULL
        ) WITHOUT ROWID;
        """,
        // 5: no `IN` with a constant list of more than two values where SQLite evaluates it for each row written
        // (the status CHECK, the partial indexes' WHERE): it builds a temporary b-tree for such a list each time a
        // statement runs, three per appended event, which was most of the writer's work. The CHECK cannot be
        // altered in place, so the table is rebuilt (SQLite's documented way); the indexes come back with it.
        """
        CREATE TABLE events_v5 (
            seq INTEGER PRIMARY KEY,                -- arrival order
            id TEXT NOT NULL UNIQUE,                -- EventID, time-ordered
            route TEXT NOT NULL,
            received_at INTEGER NOT NULL,
            subject TEXT,                           -- events of one subject are delivered in order
            headers TEXT NOT NULL,                  -- JSON array of [name, value]
            body BLOB NOT NULL,
            plan BLOB NOT NULL,                     -- the planner's JSON, never read by the store
            status TEXT NOT NULL CHECK (
                status = 'pending' OR status = 'retrying' OR status = 'in_flight' OR status = 'done'
                OR status = 'dead'),
            due_at INTEGER,                         -- pending: since; retrying: next attempt; in_flight: lease end
            lease INTEGER,                          -- the lease token while in_flight
            attempts INTEGER NOT NULL DEFAULT 0,    -- attempts since arrival or the last operator retry
            retried_at INTEGER,                     -- last operator retry
            finished_at INTEGER,                    -- done or dead since
            dead_reason TEXT,
            waiting INTEGER NOT NULL DEFAULT 0      -- held behind an earlier undelivered event of its subject
        );
        INSERT INTO events_v5 (
            seq, id, route, received_at, subject, headers, body, plan, status, due_at, lease, attempts,
            retried_at, finished_at, dead_reason, waiting)
        SELECT seq, id, route, received_at, subject, headers, body, plan, status, due_at, lease, attempts,
            retried_at, finished_at, dead_reason, waiting
        FROM events;
        DROP TABLE events;
        ALTER TABLE events_v5 RENAME TO events;
        CREATE INDEX events_due ON events (due_at, seq) WHERE status NOT IN ('done', 'dead') AND waiting = 0;
        CREATE INDEX events_subject ON events (subject, seq)
            WHERE subject IS NOT NULL AND status NOT IN ('done', 'dead');
        CREATE INDEX events_status_route ON events (status, route, seq);
        CREATE INDEX events_done ON events (finished_at, seq) WHERE status = 'done';
        """,
        // 6: an event's deduplication key is a column of its row, unique per route, rather than a row of its own
        // in `dedupe`: an append writes one row and its indexes in one statement instead of two, and a key lives
        // exactly as long as its event (purged with it, or freed when an operator discards it). Keys whose events
        // are gone are dropped with the table.
        """
        ALTER TABLE events ADD COLUMN dedupe_key TEXT;  -- what identifies the request at its source
        UPDATE events SET dedupe_key = dedupe.key
        FROM dedupe WHERE dedupe.event_id = events.id AND dedupe.route = events.route;
        DROP TABLE dedupe;
        CREATE UNIQUE INDEX events_dedupe ON events (route, dedupe_key) WHERE dedupe_key IS NOT NULL;
        """,
    ]

    static var currentVersion: Int64 { Int64(migrations.count) }

    /// Checks that `connection`'s file is a queue this build can use and migrates it to the current version.
    /// Returns the version found before migrating.
    @discardableResult
    static func prepare(_ connection: SQLiteConnection) throws(StoreError) -> Int64 {
        let found = try connection.integer("PRAGMA user_version")
        let application = try connection.integer("PRAGMA application_id")
        let path = connection.path
        if application != 0 && application != applicationID {
            throw StoreError(
                .notAQueue,
                "\(path) is a SQLite database of another application (application_id \(application)), not a "
                    + "Dealhook queue: point queue.path at a new file")
        }
        if found > currentVersion {
            throw StoreError(
                .newerSchema,
                "queue file \(path) has schema version \(found), written by a newer Dealhook; this build knows "
                    + "versions up to \(currentVersion): run the newer Dealhook, or restore a backup taken before "
                    + "the upgrade")
        }
        if found == 0 && application == 0 {
            let tables = try connection.integer("SELECT count(*) FROM sqlite_schema")
            if tables > 0 {
                throw StoreError(
                    .notAQueue,
                    "\(path) holds tables but is not a Dealhook queue: point queue.path at a new file")
            }
        }
        for version in Int(found)..<migrations.count {
            try connection.transaction { () throws(StoreError) in
                try connection.execute(migrations[version])
                try connection.execute("PRAGMA user_version = \(version + 1)")
                try connection.execute("PRAGMA application_id = \(applicationID)")
            }
        }
        return found
    }

    /// Runs `PRAGMA integrity_check`; throws `corrupt` with SQLite's first findings unless it answers "ok".
    static func checkIntegrity(_ connection: SQLiteConnection) throws(StoreError) {
        let findings = try connection.texts("PRAGMA integrity_check(10)")
        guard findings != ["ok"] else { return }
        let path = connection.path
        throw StoreError(
            .corrupt,
            "queue file \(path) is damaged (integrity check: \(findings.prefix(3).joined(separator: "; "))): "
                + "restore it from a backup, or move it aside to start with an empty queue (`sqlite3 \(path) "
                + ".recover` may salvage its events); --skip-integrity-check opens it anyway")
    }
}
