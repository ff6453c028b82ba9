import JSON

/// Evaluates parsed expressions against one context. Pure: no I/O, no clock, no randomness.
struct TemplateEvaluator {
    let context: TemplateContext

    func value(of node: TemplateNode) throws(TemplateEvaluationError) -> JSONValue {
        switch node.kind {
        case .literal(let value):
            return value
        case .list(let elements):
            var values: [JSONValue] = []
            for element in elements { values.append(try value(of: element)) }
            return .array(values)
        case .root(let root):
            return context.value(of: root)
        case .member(let base, let key):
            let container = try value(of: base)
            // Most keys are written as names (`body.data`): their value is at hand, with no evaluation to start.
            var key = if case .literal(let name) = key.kind { name } else { try value(of: key) }
            if case .root(.headers) = base.kind, case .string(let name) = key {
                key = .string(name.lowercased())
            }
            return Self.member(of: container, key)
        case .negate(let operand):
            guard case .number(let number) = try value(of: operand) else { return .null }
            return .number(-number)
        case .not(let operand):
            return .bool(!(try value(of: operand).isTruthy))
        case .binary(.and, let left, let right):
            guard try value(of: left).isTruthy else { return .bool(false) }
            return .bool(try value(of: right).isTruthy)
        case .binary(.or, let left, let right):
            guard try !value(of: left).isTruthy else { return .bool(true) }
            return .bool(try value(of: right).isTruthy)
        case .binary(let operation, let left, let right):
            return try Self.apply(operation, try value(of: left), try value(of: right), at: node.location)
        case .conditional(let condition, let then, let otherwise):
            let branch = try value(of: condition).isTruthy ? then : otherwise
            return try value(of: branch)
        case .filter(let call):
            return try apply(call, at: node.location)
        }
    }

    /// `container[key]`: an object's member by name, a list's element by index (negative counts from the end);
    /// null for anything else.
    static func member(of container: JSONValue, _ key: JSONValue) -> JSONValue {
        switch (container, key) {
        case (.object(let members), .string(let name)):
            return members[name] ?? .null
        case (.array(let elements), .number):
            guard var index = key.intValue else { return .null }
            if index < 0 { index += elements.count }
            return elements.indices.contains(index) ? elements[index] : .null
        default:
            return .null
        }
    }

    static func apply(
        _ operation: TemplateBinaryOperator, _ left: JSONValue, _ right: JSONValue, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        switch operation {
        case .equal: return .bool(left == right)
        case .notEqual: return .bool(left != right)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let order = compare(left, right) else { return .null }
            switch operation {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .in: return .bool(contains(right, left))
        case .notIn: return .bool(!contains(right, left))
        case .add: return try add(left, right, at: location)
        case .subtract, .multiply, .divide:
            guard case .number(let a) = left, case .number(let b) = right else { return .null }
            let result =
                switch operation {
                case .subtract: a - b
                case .multiply: a * b
                default: b == 0 ? Double.nan : a / b
                }
            return result.isFinite ? .number(result) : .null
        case .and, .or:
            return .bool(operation == .and ? left.isTruthy && right.isTruthy : left.isTruthy || right.isTruthy)
        }
    }

    /// -1, 0 or 1 for two numbers or two strings; nil for any other pair.
    private static func compare(_ left: JSONValue, _ right: JSONValue) -> Int? {
        switch (left, right) {
        case (.number(let a), .number(let b)): a < b ? -1 : (a == b ? 0 : 1)
        case (.string(let a), .string(let b)): a < b ? -1 : (a == b ? 0 : 1)
        default: nil
        }
    }

    /// `needle in haystack`: an element of a list, a substring of a string, a key of an object.
    private static func contains(_ haystack: JSONValue, _ needle: JSONValue) -> Bool {
        switch (haystack, needle) {
        case (.array(let elements), _): elements.contains(needle)
        case (.string(let text), .string(let part)): part.isEmpty || text.contains(part)
        case (.object(let members), .string(let key)): members[key] != nil
        default: false
        }
    }

    /// Numbers add; lists concatenate; a string and a string, number or boolean concatenate as text; null and
    /// any other pair give null.
    private static func add(
        _ left: JSONValue, _ right: JSONValue, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        switch (left, right) {
        case (.number(let a), .number(let b)):
            return (a + b).isFinite ? .number(a + b) : .null
        case (.array(let a), .array(let b)):
            guard a.count + b.count <= TemplateLimits.maximumListCount else { throw listLimitError(at: location) }
            return .array(a + b)
        case (.string, .string), (.string, .number), (.string, .bool), (.number, .string), (.bool, .string):
            let (a, b) = (left.templateText, right.templateText)
            guard a.utf8.count + b.utf8.count <= TemplateLimits.maximumTextLength else {
                throw textLimitError(at: location)
            }
            return .string(a + b)
        default:
            return .null
        }
    }

    static func textLimitError(at location: SourceLocation) -> TemplateEvaluationError {
        TemplateEvaluationError(
            code: .limitExceeded,
            message: "the text built here would be longer than \(TemplateLimits.maximumTextLength) bytes",
            location: location)
    }

    static func listLimitError(at location: SourceLocation) -> TemplateEvaluationError {
        TemplateEvaluationError(
            code: .limitExceeded,
            message: "the list built here would hold more than \(TemplateLimits.maximumListCount) elements",
            location: location)
    }
}
