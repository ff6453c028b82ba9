import JSON

extension JSONValue {
    /// How a condition reads a value: null, false, 0, "", [] and {} are false; anything else is true.
    public var isTruthy: Bool {
        switch self {
        case .null: false
        case .bool(let flag): flag
        case .number(let number): number != 0
        case .string(let text): !text.isEmpty
        case .array(let elements): !elements.isEmpty
        case .object(let members): !members.isEmpty
        }
    }

    /// How a value reads as text in a template: null is empty, a string is itself, an integral number has no
    /// fraction (`3`, not `3.0`), booleans are `true`/`false`, lists and objects are compact JSON.
    public var templateText: String {
        switch self {
        case .null: ""
        case .string(let text): text
        case .bool, .number, .array, .object: jsonText
        }
    }
}
