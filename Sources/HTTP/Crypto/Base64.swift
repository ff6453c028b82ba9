/// Base64 (RFC 4648 §4, the standard alphabet with `+` and `/`).
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let padding = UInt8(ascii: "=")

    /// Padded base64 text of `bytes`.
    public static func encode(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let remaining = bytes.count - index
            let b0 = UInt32(bytes[index])
            let b1 = remaining > 1 ? UInt32(bytes[index + 1]) : 0
            let b2 = remaining > 2 ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            text.append(alphabet[Int(group >> 18 & 0x3F)])
            text.append(alphabet[Int(group >> 12 & 0x3F)])
            text.append(remaining > 1 ? alphabet[Int(group >> 6 & 0x3F)] : padding)
            text.append(remaining > 2 ? alphabet[Int(group & 0x3F)] : padding)
            index += 3
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of base64 text; nil for a character outside the alphabet, misplaced padding, or a length that
    /// cannot be base64.
    ///
    /// Padding may be left out (`dGVzdA` decodes like `dGVzdA==`), as some providers print secrets without it;
    /// bits left over in the last character must be zero, so that each text has one meaning.
    public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        var utf8 = Array(text.utf8)
        var padded = 0
        while utf8.last == padding, padded < 2 {
            utf8.removeLast()
            padded += 1
        }
        guard padded == 0 || (utf8.count + padded) % 4 == 0, utf8.count % 4 != 1 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in utf8 {
            guard let value = value(of: character) else { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        guard accumulator == 0 else { return nil }
        return bytes
    }

    private static func value(of character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
