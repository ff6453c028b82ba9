import Synchronization

/// An event's identifier: 26 characters of Crockford base32 holding a 48-bit millisecond timestamp and 80 random
/// bits (the ULID layout), so ids sort as text in the order they were made.
///
/// ```swift
/// let generator = EventID.Generator()
/// let id = generator.next(at: .now())   // "01J9Z3K8W2…"
/// ```
public struct EventID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 26-character text form.
    public let text: String

    /// An id from its text form, or nil unless `text` is 26 Crockford base32 characters (upper case).
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, bytes.allSatisfy({ Self.digitValue[Int($0)] != 0xFF }),
            Self.digitValue[Int(bytes[0])] <= 7  // 130 bits of text for 128 of id: the first digit holds 3
        else { return nil }
        self.text = text
    }

    init(timestamp: UInt64, random high: UInt16, _ low: UInt64) {
        // 128 bits = 48 (time) + 16 + 64 (random), written 5 bits at a time from the most significant end.
        var value = (high: timestamp << 16 | UInt64(high), low: low)
        var digits = [UInt8](repeating: 0, count: 26)
        for index in stride(from: 25, through: 0, by: -1) {
            digits[index] = Self.alphabet[Int(value.low & 0x1F)]
            value.low = value.low >> 5 | value.high << 59
            value.high >>= 5
        }
        text = String(decoding: digits, as: UTF8.self)
    }

    /// The millisecond timestamp in the id's first 48 bits.
    public var timestamp: Timestamp {
        var value: UInt64 = 0
        for byte in text.utf8.prefix(10) { value = value << 5 | UInt64(Self.digitValue[Int(byte)]) }
        return Timestamp(millisecondsSinceEpoch: Int64(value))
    }

    public static func < (lhs: EventID, rhs: EventID) -> Bool { lhs.text < rhs.text }

    public var description: String { text }

    private static let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)
    private static let digitValue: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, digit) in alphabet.enumerated() { table[Int(digit)] = UInt8(value) }
        return table
    }()
}

extension EventID {
    /// Makes ids that increase strictly, also within one millisecond and when the clock steps back: the
    /// timestamp never goes below the last one used, and within one millisecond the random part counts up.
    public final class Generator: Sendable {
        private struct Last {
            var timestamp: UInt64 = 0
            var high: UInt16 = 0
            var low: UInt64 = 0
        }
        private let last = Mutex(Last())

        public init() {}

        /// The next id, stamped with `time` (or the last timestamp used, if that is later).
        public func next(at time: Timestamp) -> EventID {
            let millis = UInt64(max(0, min(time.millisecondsSinceEpoch, Int64(1) << 48 - 1)))
            let parts = last.withLock { last in
                if millis > last.timestamp {
                    var random = SystemRandomNumberGenerator()
                    // The top random bit starts clear so the count-up within a millisecond cannot overflow.
                    last = Last(timestamp: millis, high: random.next() & 0x7FFF, low: random.next())
                } else {
                    let (low, carry) = last.low.addingReportingOverflow(1)
                    last.low = low
                    if carry { last.high &+= 1 }
                }
                return last
            }
            return EventID(timestamp: parts.timestamp, random: parts.high, parts.low)
        }
    }
}
