/// A length of time written in a config file: `90s`, `5m`, `72h`, `250ms`, `1h30m`.
///
/// Each part is whole digits and a unit (`h`, `m`, `s`, `ms`), units from largest to smallest, each at most
/// once. A bare number is refused: `30` could mean seconds or milliseconds.
public struct ConfigDuration: Sendable, Hashable, CustomStringConvertible {
    private static let expected = "a duration such as 90s, 5m, 250ms or 1h30m"
    private static let units: [(name: String, milliseconds: Int)] = [
        ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// The duration, whole milliseconds.
    public var duration: Duration

    public init(_ duration: Duration) {
        self.duration = duration
    }

    /// Reads the config form; throws what was expected otherwise.
    public init(parsing text: String) throws(ScalarValueError) {
        var rest = text[...]
        var total = 0
        var nextUnit = 0  // index into `units`: parts must come largest first
        guard !rest.isEmpty else { throw ScalarValueError(text: text, expected: Self.expected) }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
            rest = rest.dropFirst(digits.count)
            let unitName = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unitName.count)
            guard let number = Int(configDigits: digits),
                let index = Self.units.firstIndex(where: { $0.name == unitName })
            else {
                throw ScalarValueError(text: text, expected: Self.expected)
            }
            guard index >= nextUnit else {
                throw ScalarValueError(
                    text: text, expected: Self.expected, reason: "units must go from largest to smallest, once each")
            }
            nextUnit = index + 1
            let (part, overflow1) = number.multipliedReportingOverflow(by: Self.units[index].milliseconds)
            let (sum, overflow2) = total.addingReportingOverflow(part)
            guard !overflow1 && !overflow2 else {
                throw ScalarValueError(text: text, expected: Self.expected, reason: "too large")
            }
            total = sum
        }
        duration = .milliseconds(total)
    }

    /// The shortest config form of the duration (`1h30m`, `250ms`, `0s`).
    public var description: String {
        let (seconds, attoseconds) = duration.components
        var milliseconds = Int(seconds) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
        guard milliseconds != 0 else { return "0s" }
        var text = ""
        for unit in Self.units where milliseconds >= unit.milliseconds {
            text += "\(milliseconds / unit.milliseconds)\(unit.name)"
            milliseconds %= unit.milliseconds
        }
        return text
    }
}
