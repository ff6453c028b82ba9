/// Byte classes of the HTTP grammar (RFC 9110 §5.6), used by the head, trailer and chunk parsers.
extension UInt8 {
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let htab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":")

    /// Whether the byte is a `tchar`, the characters of a token (method, field name).
    var isTokenCharacter: Bool {
        switch self {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
            UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
            UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Whether the byte is optional whitespace (SP or HTAB).
    var isOWS: Bool { self == .space || self == .htab }

    /// Whether the byte may appear in a field value: HTAB, visible ASCII, SP and obs-text (0x80-0xFF).
    var isFieldValueCharacter: Bool { self == .htab || (self >= 0x20 && self != 0x7F) }

    /// Whether the byte is a decimal digit.
    var isDigit: Bool { self >= UInt8(ascii: "0") && self <= UInt8(ascii: "9") }

    /// The value of a hexadecimal digit, or nil.
    var hexDigitValue: UInt64? {
        switch self {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt64(self - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt64(self - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt64(self - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// The byte as it appears in error reasons: `0x0A`.
    var hexDescription: String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "0x" + String(decoding: [digits[Int(self >> 4)], digits[Int(self & 0x0F)]], as: UTF8.self)
    }
}
