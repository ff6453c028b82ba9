/// Base 16 text of bytes, as signatures are often sent.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lowercase hex, two digits a byte.
    public static func encode(_ bytes: [UInt8]) -> String {
        var text = [UInt8]()
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The bytes of hex text, upper or lower case; nil for an odd length or a character that is not a hex digit.
    public static func decode<Text: StringProtocol>(_ text: Text) -> [UInt8]? {
        // In place when the text is stored contiguously (native strings and their substrings): copying it out
        // through the generic `utf8` view cost more than the decoding (a webhook signature, per request).
        if let decoded = text.utf8.withContiguousStorageIfAvailable({ decode(utf8: $0) }) { return decoded }
        return Array(text.utf8).withUnsafeBufferPointer { decode(utf8: $0) }
    }

    /// The bytes of hex text given as its UTF-8 bytes; nil as for `decode(_:)`.
    public static func decode(utf8: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard utf8.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = value(of: utf8[index]), let low = value(of: utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    /// The value of one hex digit (an ASCII byte), upper or lower case; nil for any other byte.
    public static func value(of digit: UInt8) -> UInt8? {
        // Comparisons rather than range patterns, which compiled to a generic `contains` call per digit (a
        // webhook signature has 64 of them).
        if digit >= UInt8(ascii: "0") && digit <= UInt8(ascii: "9") { return digit - UInt8(ascii: "0") }
        // Setting bit 5 lowercases A to F, the only other bytes it brings into a to f.
        let letter = digit | 0x20
        if letter >= UInt8(ascii: "a") && letter <= UInt8(ascii: "f") { return letter - UInt8(ascii: "a") + 10 }
        return nil
    }
}
