/// Percent-encoding of URL components (RFC 3986 §2.1): the unreserved characters stay, every other byte of the
/// UTF-8 text becomes `%XX`.
public enum PercentEncoding {
    /// `text` safe to put in a query value or a path segment.
    public static func encode(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let digits = Array("0123456789ABCDEF".unicodeScalars)
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(digits[Int(byte >> 4)])
                output.unicodeScalars.append(digits[Int(byte & 0xF)])
            }
        }
        return output
    }
}

extension PercentEncoding {
    /// The bytes of `text` with every `%XX` decoded and, when `plusIsSpace` (forms and query strings), `+` as a
    /// space. A `%` that two hex digits do not follow stays as written, as browsers and most servers read query
    /// strings. The bytes are not checked to be UTF-8.
    @inlinable  // specialised in the caller's module: a generic loop over bytes costs several times as much
    public static func decode(_ text: some Collection<UInt8>, plusIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        _ = decode(text, plusIsSpace: plusIsSpace, keepingMalformedEscapes: true, into: &output)
        return output
    }

    /// `decode(_:plusIsSpace:)`, but nil when a `%` is not followed by two hex digits.
    @inlinable
    public static func decodeStrictly(_ text: some Collection<UInt8>, plusIsSpace: Bool) -> [UInt8]? {
        var output: [UInt8] = []
        return decode(text, plusIsSpace: plusIsSpace, keepingMalformedEscapes: false, into: &output) ? output : nil
    }

    /// Decodes `text` into `output`; a malformed escape is kept as written, or stops the decoding (false).
    @inlinable
    static func decode(
        _ text: some Collection<UInt8>, plusIsSpace: Bool, keepingMalformedEscapes: Bool, into output: inout [UInt8]
    ) -> Bool {
        output.reserveCapacity(text.count)
        var index = text.startIndex
        while index != text.endIndex {
            let byte = text[index]
            text.formIndex(after: &index)
            switch byte {
            case UInt8(ascii: "+") where plusIsSpace:
                output.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                if index != text.endIndex, let high = Hex.value(of: text[index]) {
                    let second = text.index(after: index)
                    if second != text.endIndex, let low = Hex.value(of: text[second]) {
                        output.append(high << 4 | low)
                        index = text.index(after: second)
                        continue
                    }
                }
                guard keepingMalformedEscapes else { return false }
                output.append(byte)
            default:
                output.append(byte)
            }
        }
        return true
    }
}
