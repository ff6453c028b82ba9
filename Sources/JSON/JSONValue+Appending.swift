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
}
