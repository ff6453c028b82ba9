import Dispatch
import Foundation
import Glibc
import JSON

/// Appends waiting for the writer thread: callers add to it, the writer takes a batch per transaction.
struct AppendQueue {
    struct Request {
        var events: [NewEvent]
        /// Each event's headers as the JSON the `headers` column holds, written by the caller: the writer thread
        /// is the one thing all appends wait for, so it does no work that could be done before.
        var encodedHeaders: [String]
        var completion: @Sendable (Result<[EventID], StoreError>) -> Void
    }

    private(set) var requests: [Request] = []
    private var head = 0
    /// Events in the waiting requests.
    private(set) var waitingEvents = 0
    /// Whether the writer thread is (or is about to be) draining; if not, an append must wake it.
    var writerAwake = false
    var closed = false

    var isEmpty: Bool { head == requests.count }

    var waitingRequests: Int { requests.count - head }

    mutating func add(_ request: Request) {
        requests.append(request)
        waitingEvents += request.events.count
    }

    /// Takes requests in order while their events fit in `maxEvents`, and always at least one.
    mutating func takeBatch(maxEvents: Int) -> [Request] {
        var batch: [Request] = []
        var events = 0
        while head < requests.count {
            let next = requests[head]
            if !batch.isEmpty && events + next.events.count > maxEvents { break }
            batch.append(next)
            events += next.events.count
            head += 1
        }
        waitingEvents -= events
        if head == requests.count {
            requests.removeAll(keepingCapacity: requests.capacity <= 1_024)
            head = 0
        }
        return batch
    }
}

extension SQLiteEventStore {
    public func append(_ events: [NewEvent], completion: @escaping @Sendable (Result<[EventID], StoreError>) -> Void) {
        guard !events.isEmpty else { return completion(.success([])) }
        let limit = configuration.maxWaitingEvents
        let request = AppendQueue.Request(
            events: events, encodedHeaders: events.map { Self.encode($0.headers) }, completion: completion)
        let refusal: StoreError? = appends.withLock { queue in
            if queue.closed { return Self.closedError }
            // One request larger than the limit is let in when nothing waits, so it is not refused forever.
            if queue.waitingEvents > 0 && queue.waitingEvents + events.count > limit {
                return StoreError(
                    .overloaded,
                    "\(queue.waitingEvents) events are already waiting to be written to the queue (limit "
                        + "\(limit)); try again shortly")
            }
            queue.add(request)
            if queue.writerAwake { return nil }
            queue.writerAwake = true
            writerSignal.signal()
            return nil
        }
        if let refusal { completion(.failure(refusal)) }
    }

    /// The writer thread: sleeps until appends arrive or a checkpoint is due, commits waiting appends in batches,
    /// and on close commits what is left and stops.
    func runWriter() {
        var lastCheckpoint = ContinuousClock.now
        while true {
            _ = writerSignal.wait(
                timeout: .now() + .milliseconds(Int(configuration.checkpointInterval.wholeMilliseconds)))
            var lastBatch = 0
            repeat {
                // Under load (the last batch held more than one append), the writer lets the threads that are ready
                // to run go first, once, before it takes the next batch: on a machine with no more cores than busy
                // threads, event loops holding accepted requests then append them to this batch instead of the
                // next, and each commit (an fsync, ~150 µs of CPU) serves more events. With no thread ready, the
                // yield returns at once; a lone append does not yield. See docs/queue.md, "Group commit".
                if lastBatch > 1 { sched_yield() }
                lastBatch = commitBatch()
            } while lastBatch > 0
            if ContinuousClock.now - lastCheckpoint >= configuration.checkpointInterval {
                checkpoint()
                lastCheckpoint = .now
            }
            if appends.withLock({ $0.closed && $0.isEmpty }) { break }
        }
        writerStopped.signal()
    }

    /// Commits one batch of waiting appends in one transaction and answers its callers; returns how many appends
    /// it held (0 if none waited).
    private func commitBatch() -> Int {
        var batch: [AppendQueue.Request] = []
        var inserted = 0
        let outcome: Result<[[EventID]], StoreError> = writer.withOptionalConnection { connection in
            // Taking the batch under the writer lock lets appends that arrive while another write runs join it.
            batch = appends.withLock { queue in
                let batch = queue.takeBatch(maxEvents: configuration.maxBatchEvents)
                if batch.isEmpty { queue.writerAwake = false }
                return batch
            }
            guard !batch.isEmpty else { return .success([]) }
            guard let connection else { return .failure(Self.closedError) }
            return Result(catching: { () throws(StoreError) in
                try connection.transaction { () throws(StoreError) in
                    let statements = try AppendStatements(connection)
                    return try batch.map { (request) throws(StoreError) in
                        try insert(request, with: statements, inserted: &inserted)
                    }
                }
            })
        }
        guard !batch.isEmpty else { return 0 }
        switch outcome {
        case .success(let ids):
            let events = inserted
            undelivered.add(events, ordering: .relaxed)
            appendCommits.add(1, ordering: .relaxed)
            appendCalls.add(batch.count, ordering: .relaxed)
            appendedEvents.add(events, ordering: .relaxed)
            wakeUp.signal()
            // Answered here: the appends that arrive meanwhile make the next batch larger, and a commit (an fsync)
            // is what the writer spends most on. Answering from another thread made batches smaller and intake
            // slower (docs/queue.md, "Group commit").
            for (request, ids) in zip(batch, ids) { request.completion(.success(ids)) }
        case .failure(let error):
            logger?.error(
                "queue append failed",
                ["queue.path": .string(path), "error": .string(error.message), "events": .int(batch.count)])
            for request in batch { request.completion(.failure(error)) }
        }
        return batch.count
    }

    /// Inserts the events of `request` (a repeat of a dedupe key gives the first event's id and stores nothing);
    /// `inserted` counts the rows really added.
    private func insert(_ request: AppendQueue.Request, with statements: AppendStatements, inserted: inout Int)
        throws(StoreError) -> [EventID]
    {
        let now = configuration.clock()
        var ids: [EventID] = []
        ids.reserveCapacity(request.events.count)
        for (event, headers) in zip(request.events, request.encodedHeaders) {
            let id = event.id ?? self.ids.next(at: now)
            try statements.insertEvent.run([
                .text(id.text), .text(event.route), .time(event.receivedAt), .optionalText(event.subject),
                .text(headers), .blob(event.body), .blob(event.plan), .optionalText(event.dedupeKey),
            ])
            if let key = event.dedupeKey, !statements.inserted {
                guard let first = try statements.event(route: event.route, dedupeKey: key) else {
                    throw StoreError(
                        .corrupt,
                        "dedupe key '\(key)' of route '\(event.route)' is held by a row whose event id cannot be read")
                }
                ids.append(first)
                continue
            }
            inserted += 1
            ids.append(id)
        }
        return ids
    }

    /// Runs a WAL checkpoint that truncates the WAL file, or a passive one if a reader is in the way; not while
    /// the checkpointer thread is copying (it would wait for it), and it cannot start meanwhile: only commits on
    /// the writer connection, which this holds, start it.
    func checkpoint() {
        writer.withOptionalConnection { connection in
            guard let connection, !checkpointer.isRunning else { return }
            // A reader in the way makes TRUNCATE give up after a short wait; PASSIVE then copies what it can.
            if !connection.truncatingCheckpoint(wait: .milliseconds(100)) {
                logger?.debug("queue checkpoint deferred by a reader", ["queue.path": .string(path)])
                _ = connection.passiveCheckpoint()
            }
            checkpoints.add(1, ordering: .relaxed)
        }
    }

    /// `headers` as the JSON the `headers` column holds, `[["name","value"],…]`, written straight from them.
    static func encode(_ headers: [Header]) -> String {
        var json = JSONOutput(capacity: headers.count * 64 + 2)
        json.append(UInt8(ascii: "["))
        for (index, header) in headers.enumerated() {
            json.append(literal: index == 0 ? "[" : ",[")
            json.append(string: header.name)
            json.append(UInt8(ascii: ","))
            json.append(string: header.value)
            json.append(UInt8(ascii: "]"))
        }
        json.append(UInt8(ascii: "]"))
        return json.text()
    }
}

/// The statements of one append transaction, looked up in the connection's cache once per batch.
struct AppendStatements {
    /// Inserts an event, or nothing when its route already holds its dedupe key (`?8`): a new key, the usual case,
    /// costs its index entry and nothing more.
    static let insertEventSQL = """
        INSERT INTO events (id, route, received_at, subject, headers, body, plan, status, due_at, waiting, dedupe_key)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'pending', ?3, \(SQLiteEventStore.waitingOnAppendSQL), ?8)
        ON CONFLICT (route, dedupe_key) WHERE dedupe_key IS NOT NULL DO NOTHING
        """

    let insertEvent: SQLiteStatement
    private let connection: SQLiteConnection
    private let lookUp: SQLiteStatement

    init(_ connection: SQLiteConnection) throws(StoreError) {
        self.connection = connection
        insertEvent = try connection.statement(Self.insertEventSQL)
        lookUp = try connection.statement("SELECT id FROM events WHERE route = ?1 AND dedupe_key = ?2")
    }

    /// Whether the last run of `insertEvent` stored its event (false: its dedupe key was taken).
    var inserted: Bool { connection.changes == 1 }

    /// The event of `route` that holds `dedupeKey`.
    func event(route: String, dedupeKey: String) throws(StoreError) -> EventID? {
        let ids = try lookUp.query([.text(route), .text(dedupeKey)]) { row throws(StoreError) in row.text(0) }
        return ids.first?.flatMap(EventID.init)
    }
}
