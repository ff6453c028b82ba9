import HTTP
import JSON
import Rules

/// `application/x-www-form-urlencoded` bodies and query strings (WHATWG URL standard): `+` is a space,
/// `%XX` a byte, fields in order; a name given more than once becomes a list of its values.
public enum FormURLEncoded {
    /// Decodes `bytes` into an object of strings (or lists of strings for repeated names), within `limits`.
    ///
    /// Throws `.malformed` for a bad `%` escape or text that is not UTF-8, `.tooLarge` past a limit.
    public static func decode(
        _ bytes: [UInt8], limits: FormSettings.Limits = .unlimited
    ) throws(RequestContent.DecodingError) -> JSONValue {
        var fields = FormFields(limits: limits, expectedCount: bytes.count { $0 == UInt8(ascii: "&") } + 1)
        var pairStart = 0
        while pairStart < bytes.count {
            let pairEnd = bytes[pairStart...].firstIndex(of: UInt8(ascii: "&")) ?? bytes.count
            defer { pairStart = pairEnd + 1 }
            guard pairEnd > pairStart else { continue }
            let pair = bytes[pairStart..<pairEnd]
            let equals = pair.firstIndex(of: UInt8(ascii: "="))
            let name = try percentDecode(pair[..<(equals ?? pairEnd)])
            let value = try equals.map { (equals) throws(RequestContent.DecodingError) in
                try percentDecode(pair[(equals + 1)...])
            } ?? ""
            try fields.checkSize(value.utf8.count, name: name)
            try fields.append(name: name, value: value)
        }
        return fields.object
    }

    private static func percentDecode(_ bytes: ArraySlice<UInt8>) throws(RequestContent.DecodingError) -> String {
        // Plain ASCII with nothing to decode is the usual field: it needs neither a copy nor UTF-8 validation.
        if !bytes.contains(where: { $0 >= 0x80 || $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        guard let output = PercentEncoding.decodeStrictly(bytes, plusIsSpace: true) else {
            throw RequestContent.DecodingError(.malformed, "a '%' must be followed by two hex digits")
        }
        // ASCII needs no validation, and `String(validating:)` costs far more than the check.
        if !output.contains(where: { $0 >= 0x80 }) { return String(decoding: output, as: UTF8.self) }
        guard let text = String(validating: output, as: UTF8.self) else {
            throw RequestContent.DecodingError(.malformed, "form fields must be UTF-8")
        }
        return text
    }
}
