import JSON

/// Requests counted by route template and outcome: a status code, `reset` (connection reset after commit) or
/// `hang` (held without an answer). Labels are templates, never raw paths, so the map stays small.
struct SandboxStats: Sendable {
    /// The label of requests that matched no route.
    static let unmatched = "(unmatched)"

    private(set) var requests: [String: [String: Int]] = [:]

    mutating func record(_ route: String, _ outcome: String) {
        requests[route, default: [:]][outcome, default: 0] += 1
    }

    var json: JSONValue {
        .object(requests.mapValues { outcomes in .object(outcomes.mapValues { .number(Double($0)) }) })
    }
}
