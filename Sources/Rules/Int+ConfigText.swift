extension Int {
    /// Reads unsigned decimal digits, allowing `_` between digits (`10_000`); nil for anything else or on
    /// overflow.
    init?(configDigits text: Substring) {
        guard let first = text.utf8.first, Self.isDigit(first), let last = text.utf8.last, Self.isDigit(last) else {
            return nil
        }
        var value = 0
        var previousWasSeparator = false
        for byte in text.utf8 {
            if byte == UInt8(ascii: "_") {
                guard !previousWasSeparator else { return nil }
                previousWasSeparator = true
                continue
            }
            guard Self.isDigit(byte) else { return nil }
            previousWasSeparator = false
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(Int(byte - UInt8(ascii: "0")))
            guard !overflow1 && !overflow2 else { return nil }
            value = sum
        }
        self = value
    }

    /// Reads an optionally signed config integer (`-5`, `+5`, `10_000`); nil for anything else or on overflow.
    init?(configInteger text: Substring) {
        if text.hasPrefix("-") {
            guard let magnitude = Int(configDigits: text.dropFirst()) else { return nil }
            self = -magnitude
        } else {
            guard let value = Int(configDigits: text.hasPrefix("+") ? text.dropFirst() : text) else { return nil }
            self = value
        }
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }
}
