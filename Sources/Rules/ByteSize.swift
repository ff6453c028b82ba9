/// An amount of bytes written in a config file: `512`, `64KiB`, `1MiB`, `1GiB`, or decimal `64KB`, `1MB`.
///
/// Binary units (`KiB`, `MiB`, `GiB`, `TiB`) are powers of 1024; decimal ones (`KB`, `MB`, `GB`, `TB`) powers
/// of 1000; `B` or no unit means bytes. A space may stand between number and unit.
public struct ByteSize: Sendable, Hashable, CustomStringConvertible {
    private static let expected = "a size such as 512, 64KiB, 1MiB or 10MB"
    private static let units: [String: Int] = [
        "": 1, "B": 1,
        "KB": 1_000, "MB": 1_000_000, "GB": 1_000_000_000, "TB": 1_000_000_000_000,
        "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40,
    ]

    /// The number of bytes.
    public var bytes: Int

    public init(bytes: Int) {
        self.bytes = bytes
    }

    /// Reads the config form; throws what was expected otherwise.
    public init(parsing text: String) throws(ScalarValueError) {
        let digits = text.prefix { $0.isASCII && ($0.isNumber || $0 == "_") }
        let unit = text.dropFirst(digits.count).drop { $0 == " " }
        guard let number = Int(configDigits: digits), let multiplier = Self.units[String(unit)] else {
            throw ScalarValueError(text: text, expected: Self.expected)
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { throw ScalarValueError(text: text, expected: Self.expected, reason: "too large") }
        self.bytes = bytes
    }

    /// The config form in the largest binary unit that divides the size exactly (`64KiB`, `1000`).
    public var description: String {
        for (unit, size) in [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)]
        where bytes != 0 && bytes % size == 0 {
            return "\(bytes / size)\(unit)"
        }
        return "\(bytes)"
    }
}
