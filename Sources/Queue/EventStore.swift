import Dispatch
import Synchronization

/// Where accepted events wait for delivery: the durable queue behind Dealhook's promise that an event that got a
/// 2xx is never lost.
///
/// Implementations (SQLite now, PostgreSQL later) keep the same semantics:
/// - **Durable appends.** When `append` reports ids, the events and their plans are on disk (fsynced).
/// - **Claims are leases.** `claim` hands out due events — pending, retrying whose next attempt time has come, or
///   in flight with an expired lease (a crashed worker's) — and leases them until `leaseFor` has passed.
/// - **One event per subject at a time.** Only the oldest undelivered event of a subject is claimable; a later one
///   waits while an earlier one is pending, retrying or in flight. A dead letter does not block its subject: once
///   an event is given up on, the subject's later events go ahead (an operator's retry of the dead letter then
///   delivers it after them; a subject held up for days behind one bad event would be worse).
/// - **Steps resume.** A succeeded step's result is stored (`recordStepResult`) and handed back with the next
///   claim, so a retry resumes at the first unfinished step.
///
/// Times are passed in where they decide what happens (`claim(now:)`, `scheduleRetry(at:)`), so the delivery loop
/// can be tested with a fake clock.
public protocol EventStore: Sendable {
    /// Stores `events` in one transaction and reports their ids (in order) once they are on disk, or the error;
    /// either way nothing partial is stored. Returns at once: `completion` runs on the store's writer thread after
    /// the commit, and must be short (hand the answer to another thread).
    func append(_ events: [NewEvent], completion: @escaping @Sendable (Result<[EventID], StoreError>) -> Void)

    /// Leases up to `limit` due events, oldest first, skipping routes in `excludingRoutes` (paused routes).
    func claim(limit: Int, now: Timestamp, leaseFor: Duration, excludingRoutes: Set<String>) throws(StoreError)
        -> [ClaimedEvent]
    /// The earliest time at which `claim` would find an event not yet due, if there is one; the delivery loop waits
    /// until then or until `wakeUp` signals.
    func nextDueAt(excludingRoutes: Set<String>) throws(StoreError) -> Timestamp?
    /// Signalled after each commit that may make an event claimable.
    var wakeUp: DeliveryWakeUp { get }

    /// Stores a succeeded step's result. The first result stored for a step stands; a later one is ignored.
    func recordStepResult(_ event: EventID, step: Int, result: [UInt8]) throws(StoreError)
    /// The succeeded steps of `event`, by step index.
    func completedSteps(_ event: EventID) throws(StoreError) -> [StepResult]
    /// Adds an attempt to the event's history and counts it in `StoredEvent.attempts`.
    func recordAttempt(_ event: EventID, _ attempt: Attempt) throws(StoreError)

    /// Marks the leased event delivered, storing `lastStep` (the result of the step that finished it, when the
    /// run has not stored it) in the same transaction: one commit where two were.
    func complete(_ lease: Lease, lastStep: FinishedStep?) throws(StoreError)
    /// Ends the lease and makes the event due again at `at`.
    func scheduleRetry(_ lease: Lease, at: Timestamp) throws(StoreError)
    /// Makes the leased event a dead letter, with `reason` for the operator.
    func markDead(_ lease: Lease, reason: String) throws(StoreError)
    /// Gives the lease back without an attempt (shutdown): the event is due again at once, as it was.
    func release(_ lease: Lease) throws(StoreError)

    /// Events with `status` (any if nil) and `route` (any if nil), oldest first, after the event `after` (the last
    /// id of the previous page).
    func list(status: EventStatus?, route: String?, limit: Int, after: EventID?) throws(StoreError) -> [EventSummary]
    /// One event with its step results and attempts, or nil if there is no such event.
    func event(_ id: EventID) throws(StoreError) -> EventDetail?
    /// Puts a dead or retrying event back to pending, due now, with a fresh attempt count (its history stays);
    /// returns false if there is no such event or it is pending, in flight or done.
    func retry(_ id: EventID) throws(StoreError) -> Bool
    /// `retry` with a new plan (an operator's re-plan with the current rules): stores `plan` and `subject` in
    /// place of the old ones and keeps the results of the first `keepingSteps` steps only (those the new plan
    /// shares with the old one), so delivery resumes at the first changed step. Returns false as `retry` does.
    func retry(_ id: EventID, replacingPlan plan: [UInt8], subject: String?, keepingSteps: Int) throws(StoreError)
        -> Bool
    /// `retry` for every event with `status` (dead or retrying) on `route` (all routes if nil); returns how many.
    func retryAll(status: EventStatus, route: String?) throws(StoreError) -> Int
    /// Deletes an event with its steps and attempts, whatever its status; returns false if there was none. A
    /// worker holding it gets `leaseLost` when it reports.
    func discard(_ id: EventID) throws(StoreError) -> Bool
    /// Counts by status and the age of the oldest undelivered and most overdue events.
    func stats() throws(StoreError) -> QueueStats
    /// The routes an operator paused (their events are held), as stored: a pause outlasts a restart.
    func pausedRoutes() throws(StoreError) -> Set<String>
    /// Records that `route` is paused, or no longer.
    func setRoute(_ route: String, paused: Bool) throws(StoreError)
    /// Deletes done events that finished before `olderThan`, with their steps and attempts; returns how many.
    func purgeDelivered(olderThan: Timestamp) throws(StoreError) -> Int
    /// Pending, retrying and in-flight events: intake compares it with `queue.max_pending` (back-pressure), so it
    /// is cheap.
    func pendingCount() -> Int
    /// Intake's commits since the store opened: how many append transactions committed, and how many events they
    /// stored. Cheap (kept in memory).
    var commitTotals: CommitTotals { get }

    /// Finishes waiting appends, stops the writer, and closes the store; later calls fail with `closed`.
    func close()
}

extension EventStore {
    /// Stores `events` and returns their ids once they are on disk. Blocks the calling thread until the commit
    /// (sharing it with concurrent appends); do not call it on an event-loop thread.
    public func append(_ events: [NewEvent]) throws(StoreError) -> [EventID] {
        let outcome = Mutex<Result<[EventID], StoreError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        append(events) { result in
            outcome.withLock { $0 = result }
            done.signal()
        }
        done.wait()
        return try outcome.withLock { $0! }.get()
    }

    /// Marks the leased event delivered; every step's result is stored already.
    public func complete(_ lease: Lease) throws(StoreError) {
        try complete(lease, lastStep: nil)
    }

    /// `claim` with no paused routes.
    public func claim(limit: Int, now: Timestamp, leaseFor: Duration) throws(StoreError) -> [ClaimedEvent] {
        try claim(limit: limit, now: now, leaseFor: leaseFor, excludingRoutes: [])
    }
}
