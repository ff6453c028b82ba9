/// A rate written in a config file: a count per unit of time, `10/min`, `20/s`, `100/h`, `1000/day`.
///
/// Units: `s` (`sec`, `second`), `min` (`minute`), `h` (`hour`), `d` (`day`). The count is at least 1.
public struct Rate: Sendable, Hashable, CustomStringConvertible {
    private static let expected = "a rate such as 10/min, 20/s or 100/h"
    private static let units: [(names: [String], seconds: Int64)] = [
        (["s", "sec", "second"], 1), (["min", "minute"], 60), (["h", "hour"], 3_600), (["d", "day"], 86_400),
    ]

    /// How many per `interval`.
    public var count: Int
    /// The interval the count applies to.
    public var interval: Duration

    public init(count: Int, interval: Duration) {
        self.count = count
        self.interval = interval
    }

    /// Reads the config form; throws what was expected otherwise.
    public init(parsing text: String) throws(ScalarValueError) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, let count = Int(configDigits: parts[0]),
            let unit = Self.units.first(where: { $0.names.contains(String(parts[1])) })
        else {
            throw ScalarValueError(text: text, expected: Self.expected)
        }
        guard count > 0 else {
            throw ScalarValueError(text: text, expected: Self.expected, reason: "a rate of zero admits nothing")
        }
        self.count = count
        interval = .seconds(unit.seconds)
    }

    /// The config form, with the unit's short name (`10/min`).
    public var description: String {
        let unit = Self.units.first { Duration.seconds($0.seconds) == interval }?.names[0]
        return "\(count)/\(unit ?? "\(interval)")"
    }
}
