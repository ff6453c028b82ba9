/// Where an event is in its delivery.
///
/// Pausing a route is not a status: `EventStore.claim` skips the routes it is told are paused, so resuming a
/// route needs no write.
public enum EventStatus: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Accepted, waiting for its first attempt (or put back by an operator's retry).
    case pending
    /// Waiting until its next attempt time after a failed attempt.
    case retrying
    /// Leased by a delivery worker until the lease expires.
    case inFlight = "in_flight"
    /// Delivered: every step of its plan succeeded.
    case done
    /// A dead letter: delivery failed for good; kept with its attempts and a reason until an operator acts.
    case dead

    /// Whether the event still waits for delivery (pending, retrying or in flight).
    public var isUndelivered: Bool {
        switch self {
        case .pending, .retrying, .inFlight: true
        case .done, .dead: false
        }
    }

    public var description: String { rawValue }
}
