import Rules

/// What became of a form post: what `FormResponder` answers.
public enum FormOutcome: Sendable, Equatable {
    /// Stored with its plan (the 2xx promise holds): `eventID` is the event's id.
    case accepted(eventID: String)
    /// Caught by a spam guard and not stored: answered exactly as `accepted`, so that a bot learns nothing.
    /// `decoyID` should look like an event id (make one the same way, and store nothing under it).
    case spam(decoyID: String)
    /// The plan found invalid fields (`PlanningErrors.errors`): the visitor is told which and why.
    case invalid([PlanningError])
    /// The body could not be decoded (400, 413, 415).
    case refused(RequestContent.DecodingError)
    /// A check the post needs could not be made (the CAPTCHA verifier is unreachable): not stored, and the
    /// visitor is asked to try again (503).
    case unavailable(retryAfter: Duration)
}
