import Glibc
import Synchronization

/// Request ids: the client's `X-Request-Id` when it is sensible, otherwise a new time-ordered one.
enum RequestID {
    /// The longest client-sent id that is echoed; a longer or odd one is replaced.
    static let maxLength = 128

    private static let counter = Atomic<UInt64>(0)
    private static let processTag = UInt64(UInt32.random(in: .min ... .max))

    /// The id for a request whose `X-Request-Id` header is `sent` (nil when absent).
    static func resolve(sent: String?) -> String {
        if let sent, isAcceptable(sent) { return sent }
        return generate()
    }

    /// A new id: milliseconds since the epoch, a per-process random tag and a counter, in hex (sorts by time).
    static func generate() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let millis = UInt64(now.tv_sec) * 1000 + UInt64(now.tv_nsec) / 1_000_000
        let sequence = counter.add(1, ordering: .relaxed).newValue
        // Written straight into the string's storage: one allocation per request instead of one per part.
        return String(unsafeUninitializedCapacity: 28) { buffer in
            writeHex(millis, width: 12, into: buffer, at: 0)
            writeHex(processTag, width: 8, into: buffer, at: 12)
            writeHex(sequence & 0xFFFF_FFFF, width: 8, into: buffer, at: 20)
            return 28
        }
    }

    /// Visible ASCII only (no spaces, quotes or backslashes), at most `maxLength` characters.
    static func isAcceptable(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= maxLength else { return false }
        return id.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }
    }

    /// Writes the low `width` hex digits of `value`, zero-padded, at `offset`.
    private static func writeHex(
        _ value: UInt64, width: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int
    ) {
        var rest = value
        for index in stride(from: offset + width - 1, through: offset, by: -1) {
            buffer[index] = hexDigits[Int(rest & 0xF)]
            rest >>= 4
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
