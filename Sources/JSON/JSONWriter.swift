extension JSONValue {
    /// Compact JSON text with sorted object keys.
    public var jsonText: String { written().text() }

    /// Compact JSON as UTF-8 bytes with sorted object keys.
    public var jsonBytes: [UInt8] { written().bytes() }

    /// The value's JSON, in an output with room for a typical webhook body or plan, so that it seldom grows.
    private func written() -> JSONOutput {
        let capacity: Int
        switch self {
        case .array, .object: capacity = 1024
        case .null, .bool, .number, .string: capacity = 64
        }
        var output = JSONOutput(capacity: capacity)
        JSONWriter.write(self, into: &output)
        return output
    }
}

/// Serialises `JSONValue`s as compact UTF-8.
enum JSONWriter {
    static func write(_ value: JSONValue, into output: inout JSONOutput) {
        switch value {
        case .null: output.append(literal: "null")
        case .bool(let flag): output.append(literal: flag ? "true" : "false")
        case .number(let number): writeNumber(number, into: &output)
        case .string(let text): writeString(text, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            // Members are kept in key order (`String`'s own ordering), the order the text is written in.
            for (position, member) in members.members.enumerated() {
                if position > 0 { output.append(UInt8(ascii: ",")) }
                writeString(member.key, into: &output)
                output.append(UInt8(ascii: ":"))
                write(member.value, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Integral values up to 2^53 without a fraction; other finite numbers as Swift's shortest round-tripping
    /// `description`; non-finite numbers (which JSON cannot hold) as `null`.
    static func writeNumber(_ number: Double, into output: inout JSONOutput) {
        guard number.isFinite else { return output.append(literal: "null") }
        // Up to 2^53 every integer is exact, so it is written as one, as `JSONValue` promises.
        guard number.rounded() == number, abs(number) <= 9_007_199_254_740_992 else {
            return writeUTF8(of: number.description, into: &output)
        }
        if number < 0 { output.append(UInt8(ascii: "-")) }
        // The digits of the integer (at most 16), least significant first into the end of a buffer. -0 gives "0".
        var magnitude = Int64(number).magnitude
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { digits in
            var first = digits.count
            repeat {
                first -= 1
                digits[first] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(UnsafeBufferPointer(rebasing: digits[first...]))
        }
    }

    /// Appends `text`'s UTF-8 as it is.
    private static func writeUTF8(of text: String, into output: inout JSONOutput) {
        var text = text
        text.withUTF8 { output.append($0) }
    }

    static func writeString(_ text: String, into output: inout JSONOutput) {
        // A native string gives its UTF-8 in place (a small one from a copy on the stack).
        var text = text
        text.withUTF8 { writeString(utf8: $0, into: &output) }
    }

    private static func writeString(utf8: UnsafeBufferPointer<UInt8>, into output: inout JSONOutput) {
        output.append(UInt8(ascii: "\""))
        // Bytes that need no escape are copied a run at a time; most strings are a single run.
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            output.append(UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            writeEscape(of: byte, into: &output)
            runStart = index + 1
        }
        output.append(UnsafeBufferPointer(rebasing: utf8[runStart...]))
        output.append(UInt8(ascii: "\""))
    }

    /// The escape for a quote, a backslash or a control character: a short form where JSON has one that we use,
    /// `\u00XX` (lowercase hex) otherwise.
    private static func writeEscape(of byte: UInt8, into output: inout JSONOutput) {
        output.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): output.append(byte)
        case 0x0A: output.append(UInt8(ascii: "n"))
        case 0x0D: output.append(UInt8(ascii: "r"))
        case 0x09: output.append(UInt8(ascii: "t"))
        default:
            let hexDigits: StaticString = "0123456789abcdef"
            output.append(literal: "u00")
            output.append(hexDigits.utf8Start[Int(byte >> 4)])
            output.append(hexDigits.utf8Start[Int(byte & 0xF)])
        }
    }
}
