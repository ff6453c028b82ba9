import JSON
import Rules

/// Collects a form's fields in order as they are decoded, holding them to the route's limits: a name given
/// more than once becomes a list of its values.
struct FormFields {
    let limits: FormSettings.Limits
    private var values: [String: JSONValue]
    /// Fields taken so far, every value of a repeated name counted.
    private(set) var count = 0

    /// Fields held to `limits`; `expectedCount`, when the caller can tell, makes room for that many names at
    /// once rather than growing (and rehashing) name by name.
    init(limits: FormSettings.Limits, expectedCount: Int = 0) {
        self.limits = limits
        values = Dictionary(minimumCapacity: min(expectedCount, limits.maxFields))
    }

    /// The fields as an object of strings, or lists of strings for repeated names.
    var object: JSONValue { .object(values) }

    /// Counts one more field (a dropped file counts too, so that a flood of parts is bounded).
    mutating func count(name: String) throws(RequestContent.DecodingError) {
        guard count < limits.maxFields else {
            throw RequestContent.DecodingError(
                .tooLarge, "the form has more than \(limits.maxFields) fields (max_fields)", field: name)
        }
        count += 1
    }

    /// Checks a value's size in bytes against `max_field_size`.
    func checkSize(_ size: Int, name: String) throws(RequestContent.DecodingError) {
        guard size <= limits.maxFieldSize else {
            throw RequestContent.DecodingError(
                .tooLarge, "field '\(name)' is larger than \(limits.maxFieldSize) bytes (max_field_size)", field: name)
        }
    }

    /// Adds a field whose value's size was checked.
    mutating func append(name: String, value: String) throws(RequestContent.DecodingError) {
        try count(name: name)
        // Changed where it lies: one lookup of the name, not one to read and another to write.
        values[name, default: .null].addFormValue(value)
    }
}

extension JSONValue {
    /// Adds a value of a form field to the field: the value itself at first (in place of null), then a list of
    /// every value in order.
    fileprivate mutating func addFormValue(_ value: String) {
        switch self {
        case .null:
            self = .string(value)
        case .array(var list):
            self = .null  // so that the list is not copied on append
            list.append(.string(value))
            self = .array(list)
        default:
            self = .array([self, .string(value)])
        }
    }
}
