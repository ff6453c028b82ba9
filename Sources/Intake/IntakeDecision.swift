import HTTP
import Rules

/// What the intake decided about one request: answer it now, or store the event and then answer.
public enum IntakeDecision: Sendable {
    /// Answer with this response; nothing is stored.
    case respond(HTTPResponse, outcome: IntakeOutcome)
    /// Store the event durably, then answer with `event.answer.response(eventID:)`.
    case accept(AcceptedEvent)
}

/// Why a request was answered the way it was: the label of `dealhook_intake_requests_total`.
public enum IntakeOutcome: Sendable, Equatable {
    /// Planned and stored.
    case accepted
    /// Verified and decoded, but no rule matched: answered 200 so that the provider stops retrying.
    case ignored
    /// Caught by a spam guard (or a guard that could not check): never stored.
    case spam(SpamReason)
    /// A bad or missing signature: 401, nothing stored.
    case unauthorized
    /// A body the route cannot take (400, 413, 415), a form that fails validation (422), a foreign origin.
    case refused
    /// The route is disabled (its secret is not set): 503.
    case disabled
    /// A provider's handshake, or a CORS preflight, answered as it needs.
    case handshake

    /// The metric label: `accepted`, `spam_honeypot`, `unauthorized`, ….
    public var label: String {
        switch self {
        case .accepted: "accepted"
        case .ignored: "ignored"
        case .spam(let reason): "spam_\(reason.label)"
        case .unauthorized: "unauthorized"
        case .refused: "refused"
        case .disabled: "disabled"
        case .handshake: "handshake"
        }
    }
}

/// A request that passed its route's intake: the plan to store, and how to answer once it is stored.
public struct AcceptedEvent: Sendable {
    public var plan: Plan
    /// The request headers worth keeping with the event (content type, user agent, the provider's ids).
    public var headers: [(name: String, value: String)]
    /// What identifies the request at its source (the route's `dedupe`, or the provider's event id).
    public var dedupeKey: String?
    /// How to answer once the event is stored. Apart from the plan, so that what waits for the commit need not
    /// keep the plan alive: the thread that commits then does not spend its time freeing it.
    public let answer: AcceptedAnswer

    init(
        plan: Plan, headers: [(name: String, value: String)], dedupeKey: String?,
        answer: @escaping @Sendable (String) -> HTTPResponse
    ) {
        self.plan = plan
        self.headers = headers
        self.dedupeKey = dedupeKey
        self.answer = AcceptedAnswer(make: answer)
    }
}

/// The response to an accepted event, given the id it was stored under.
public struct AcceptedAnswer: Sendable {
    fileprivate let make: @Sendable (String) -> HTTPResponse

    /// The response once the event is stored under `eventID`.
    public func response(eventID: String) -> HTTPResponse {
        make(eventID)
    }
}
