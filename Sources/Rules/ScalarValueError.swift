/// A scalar's text that does not read as the value expected (a duration, a byte size, a rate).
public struct ScalarValueError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text that was given.
    public var text: String
    /// What was expected, with examples: "a duration such as 90s, 5m, 250ms or 1h30m".
    public var expected: String
    /// Why the text does not fit, when more can be said than "expected …" (for instance "too large").
    public var reason: String?

    public init(text: String, expected: String, reason: String? = nil) {
        self.text = text
        self.expected = expected
        self.reason = reason
    }

    public var description: String {
        "expected \(expected), got '\(text)'" + (reason.map { " (\($0))" } ?? "")
    }
}
