import JSON
import Rules

/// `application/x-www-form-urlencoded` bodies and query strings (WHATWG URL standard): `+` is a space,
/// `%XX` a byte, fields in order; a name given more than once becomes a list of its values.
public enum FormURLEncoded {
    /// Decodes `bytes` into an object of strings (or lists of strings for repeated names), within `limits`.
    ///
    /// Throws `.malformed` for a bad `%` escape or text that is not UTF-8, `.tooLarge` past a limit.
    public static func decode(
        _ bytes: some Collection<UInt8>, limits: FormSettings.Limits = .unlimited
    ) throws(RequestContent.DecodingError) -> JSONValue {
        var fields = FormFields(limits: limits)
        for pair in bytes.split(separator: UInt8(ascii: "&"), omittingEmptySubsequences: true) {
            let parts = pair.split(separator: UInt8(ascii: "="), maxSplits: 1, omittingEmptySubsequences: false)
            let name = try percentDecode(parts[0])
            let value = parts.count > 1 ? try percentDecode(parts[1]) : ""
            try fields.checkSize(value.utf8.count, name: name)
            try fields.append(name: name, value: value)
        }
        return fields.object
    }

    private static func percentDecode(_ bytes: some Collection<UInt8>) throws(RequestContent.DecodingError) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                output.append(0x20)
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    throw RequestContent.DecodingError(.malformed, "a '%' must be followed by two hex digits")
                }
                output.append(high << 4 | low)
            default:
                output.append(byte)
            }
        }
        // ASCII needs no validation, and `String(validating:)` costs far more than the check.
        if !output.contains(where: { $0 >= 0x80 }) { return String(decoding: output, as: UTF8.self) }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw RequestContent.DecodingError(.malformed, "form fields must be UTF-8")
        }
        return text
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - 0x30
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - 0x57
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - 0x37
        default: nil
        }
    }
}
