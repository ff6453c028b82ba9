/// A name a path of the template language starts with.
public enum TemplateRoot: String, Sendable, Hashable, CaseIterable {
    /// The decoded form fields of a form route.
    case form
    /// The request body parsed as JSON.
    case body
    /// The query parameters of the request URL.
    case query
    /// The request headers; their names are looked up case-insensitively.
    case headers
    /// The event: `id`, `received_at`, `route`.
    case event
    /// The results of earlier steps of the plan: `steps.<id>.<path…>`.
    case steps
    /// The time of evaluation as an RFC 3339 UTC string; the planner sets it to the event's arrival.
    case now
}
