/// A `Content-Type` value read into its media type and parameters (RFC 9110 §8.3.1).
struct MediaType: Equatable {
    /// `type/subtype`, lower-cased.
    var name: String
    /// Parameters in order, names lower-cased, quoted values unquoted.
    var parameters: [(name: String, value: String)]

    /// Reads `value`; a parameter that is not `name=value` is skipped (the type still decides what is done).
    init(_ value: String) {
        let bytes = Array(value.utf8)
        var index = 0
        func skipWhitespace() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }
        skipWhitespace()
        let start = index
        while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
        name = Self.trimmedLowercased(bytes[start..<index])
        parameters = []
        while index < bytes.count {
            index += 1  // the ';'
            skipWhitespace()
            let nameStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") {
                index += 1
            }
            let parameterName = Self.trimmedLowercased(bytes[nameStart..<index])
            guard index < bytes.count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            var parameterValue: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < bytes.count { index += 1 }
                    parameterValue.append(bytes[index])
                    index += 1
                }
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            } else {
                while index < bytes.count, bytes[index] != UInt8(ascii: ";") {
                    parameterValue.append(bytes[index])
                    index += 1
                }
                while parameterValue.last == 0x20 || parameterValue.last == 0x09 { parameterValue.removeLast() }
            }
            if !parameterName.isEmpty {
                parameters.append((parameterName, String(decoding: parameterValue, as: UTF8.self)))
            }
        }
    }

    /// `bytes` as text without leading and trailing spaces and tabs, lower-cased.
    private static func trimmedLowercased(_ bytes: ArraySlice<UInt8>) -> String {
        guard bytes.allSatisfy({ $0 < 0x80 }) else {
            return String(decoding: bytes, as: UTF8.self).trimmingSpaces().lowercased()
        }
        // In ASCII, as media types are, every byte is a character: trimming bytes is trimming characters, and
        // much cheaper than looking at `Character`s.
        var text = bytes
        while text.first == 0x20 || text.first == 0x09 { text = text.dropFirst() }
        while text.last == 0x20 || text.last == 0x09 { text = text.dropLast() }
        return String(decoding: text, as: UTF8.self).lowercased()
    }

    /// The value of the first parameter called `name` (lower-case).
    func parameter(_ name: String) -> String? {
        parameters.first { $0.name == name }?.value
    }

    /// Whether the type is JSON: `application/json` or any `+json` type.
    var isJSON: Bool { name == "application/json" || name.hasSuffix("+json") }

    static func == (lhs: MediaType, rhs: MediaType) -> Bool {
        lhs.name == rhs.name && lhs.parameters.elementsEqual(rhs.parameters) { $0 == $1 }
    }
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    func trimmingSpaces() -> String {
        var text = self[...]
        while text.first == " " || text.first == "\t" { text = text.dropFirst() }
        while text.last == " " || text.last == "\t" { text = text.dropLast() }
        return String(text)
    }
}
