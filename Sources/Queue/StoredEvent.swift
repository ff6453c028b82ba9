/// An event as stored: what was appended plus where its delivery stands.
public struct StoredEvent: Sendable, Equatable {
    public var id: EventID
    public var route: String
    public var receivedAt: Timestamp
    public var body: [UInt8]
    public var headers: [Header]
    public var subject: String?
    public var plan: [UInt8]
    public var status: EventStatus
    /// Attempts recorded since the event arrived or since an operator last retried it: the retry policy's count.
    public var attempts: Int
    /// Pending: since when; retrying: the next attempt time; in flight: when the lease expires; else nil.
    public var dueAt: Timestamp?
    /// When an operator last put the event back to pending (the retry policy's age may count from here).
    public var retriedAt: Timestamp?
    /// When it became done or dead.
    public var finishedAt: Timestamp?
    /// Why it is a dead letter.
    public var deadReason: String?
}

/// An event leased to a delivery worker by `EventStore.claim`.
public struct ClaimedEvent: Sendable, Equatable {
    public var event: StoredEvent
    /// The steps that already succeeded, by index: delivery resumes at the first step not among them.
    public var completedSteps: [StepResult]
    /// Proof of the lease; the calls that end it (`complete`, `scheduleRetry`, `markDead`, `release`) take it.
    public var lease: Lease
}

/// A delivery worker's hold on one event until `expiresAt`.
///
/// After the lease expires the event may be claimed again (a crashed worker's events come back). The token
/// changes with each claim, so a late worker whose lease was taken over gets `StoreError.Code.leaseLost` instead
/// of overwriting the new holder's outcome.
public struct Lease: Sendable, Hashable {
    public var eventID: EventID
    public var token: Int64
    public var expiresAt: Timestamp
}

/// A succeeded step's result: the bytes the delivery loop stored (the store does not read them).
public struct StepResult: Sendable, Equatable {
    /// The step's position in the plan, from 0.
    public var step: Int
    public var result: [UInt8]
    public var completedAt: Timestamp

    public init(step: Int, result: [UInt8], completedAt: Timestamp) {
        self.step = step
        self.result = result
        self.completedAt = completedAt
    }
}

/// The story of one delivery attempt, kept for operators and dead letters.
public struct Attempt: Sendable, Equatable {
    /// 1 for the first attempt (counting restarts after an operator's retry).
    public var number: Int
    public var startedAt: Timestamp
    public var finishedAt: Timestamp
    /// The step that was running when the attempt ended, if any.
    public var step: Int?
    /// What was sent, for people: `POST /v1/deals`, say (no secrets).
    public var request: String
    /// The HTTP status of the answer, if one came.
    public var httpStatus: Int?
    /// The failure's class as the delivery loop names it (`transient`, `permanent`, `timeout`, …); nil on success.
    public var errorClass: String?
    /// Free text: the error message, an excerpt of the answer.
    public var details: String

    public init(
        number: Int, startedAt: Timestamp, finishedAt: Timestamp, step: Int? = nil, request: String = "",
        httpStatus: Int? = nil, errorClass: String? = nil, details: String = ""
    ) {
        self.number = number
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.step = step
        self.request = request
        self.httpStatus = httpStatus
        self.errorClass = errorClass
        self.details = details
    }
}

/// An event with its step results and every attempt, for the operator's view of one event or dead letter.
public struct EventDetail: Sendable, Equatable {
    public var event: StoredEvent
    public var steps: [StepResult]
    /// Oldest first.
    public var attempts: [Attempt]
}

/// The queue at a glance.
public struct QueueStats: Sendable, Equatable {
    /// Events per status (every status present, zero included).
    public var counts: [EventStatus: Int]
    /// Age of the oldest undelivered event (pending, retrying or in flight), from its arrival.
    public var oldestUndeliveredAge: Duration?
    /// How far the most overdue event is behind its due time (pending since, next attempt, lease expiry): a
    /// growing value means delivery is not keeping up or is stopped.
    public var maxOverdue: Duration?

    /// Pending, retrying and in-flight events together.
    public var undelivered: Int { (counts[.pending] ?? 0) + (counts[.retrying] ?? 0) + (counts[.inFlight] ?? 0) }
}

/// An event's line in an operator's list: its delivery state without the body, headers and plan.
public struct EventSummary: Sendable, Equatable {
    public var id: EventID
    public var route: String
    public var receivedAt: Timestamp
    public var subject: String?
    public var status: EventStatus
    public var attempts: Int
    public var dueAt: Timestamp?
    public var finishedAt: Timestamp?
    public var deadReason: String?
    /// The body's size in bytes.
    public var bodySize: Int
}

/// A step that succeeded and whose result is still to be stored: `step`'s position in the plan, and the result.
public struct FinishedStep: Sendable, Equatable {
    public var step: Int
    public var result: [UInt8]

    public init(step: Int, result: [UInt8]) {
        self.step = step
        self.result = result
    }
}

/// Totals of intake's commits in this process: each commit is one transaction and one sync to disk, and concurrent
/// appends share it, so `events / commits` is how many events a sync served (the group commit's batch size).
public struct CommitTotals: Sendable, Equatable {
    /// Transactions of appends (one that only repeated dedupe keys stores nothing, and still counts).
    public var commits: Int
    /// Events they stored (a repeat of a dedupe key is not stored again, and not counted).
    public var events: Int

    public init(commits: Int, events: Int) {
        self.commits = commits
        self.events = events
    }
}
