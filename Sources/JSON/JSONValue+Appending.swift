extension JSONValue {
    /// Appends the value's compact JSON (sorted keys, as `jsonBytes`) to `output`: for types that write their own
    /// JSON form without building a `JSONValue` of it first.
    public func appendJSON(to output: inout [UInt8]) {
        JSONWriter.write(self, into: &output)
    }

    /// Appends `text` as a JSON string, quoted and escaped as `jsonBytes` writes it.
    public static func appendJSONString(_ text: String, to output: inout [UInt8]) {
        JSONWriter.writeString(text, into: &output)
    }

    /// Appends `literal`, JSON text written in code (`{"id":`), as it is. A `StaticString`'s bytes are at hand,
    /// where appending a `String`'s UTF-8 view goes through a generic copy several times as long.
    public static func appendJSONLiteral(_ literal: StaticString, to output: inout [UInt8]) {
        JSONWriter.append(literal, to: &output)
    }
}
