import JSON

/// A value in a plan: data, or a reference to a field of an earlier step's result, resolved at delivery.
///
/// In JSON a reference is `{"$step": "contact", "path": ["id"]}`; a subtree without references is plain JSON.
public indirect enum PlanValue: Sendable, Hashable {
    case json(JSONValue)
    /// `steps.<step>.<path…>`.
    case reference(step: String, path: [String])
    case array([PlanValue])
    case object(PlanObject)

    /// The key that marks a reference in JSON.
    public static let referenceKey = "$step"

    /// Builds an array of `elements` made into values by `value`, plain JSON when no element holds a reference
    /// (so that a value has one form).
    static func makeArray<Element>(_ elements: [Element], _ value: (Element) -> PlanValue) -> PlanValue {
        var plain: [JSONValue] = []
        plain.reserveCapacity(elements.count)
        var mixed: [PlanValue]?
        for element in elements {
            let made = value(element)
            if mixed == nil, case .json(let json) = made {
                plain.append(json)
            } else {
                if mixed == nil { mixed = plain.map(PlanValue.json) }
                mixed!.append(made)
            }
        }
        return mixed.map(PlanValue.array) ?? .json(.array(plain))
    }

    /// Builds an object of `members` made into values by `value`, plain JSON when no member holds a reference.
    static func makeObject<Member>(
        _ members: some Sequence<(key: String, value: Member)>, _ value: (Member) -> PlanValue
    ) -> PlanValue {
        var plain = JSONObject()
        var mixed: [PlanObject.Member]?
        for (key, member) in members {
            let made = value(member)
            if mixed == nil, case .json(let json) = made {
                plain[key] = json
            } else {
                if mixed == nil { mixed = plain.map { PlanObject.Member(key: $0.key, value: .json($0.value)) } }
                mixed!.append(PlanObject.Member(key: key, value: made))
            }
        }
        return mixed.map { .object(PlanObject($0.lazy.map { (key: $0.key, value: $0.value) })) }
            ?? .json(.object(plain))
    }

    /// The value as JSON when it holds no reference.
    public var plainJSON: JSONValue? {
        if case .json(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object value.
    public subscript(key: String) -> PlanValue? {
        switch self {
        case .json(let value): value[key].map(PlanValue.json)
        case .object(let members): members[key]
        default: nil
        }
    }

    /// The value with every reference replaced by `resolve(step, path)`.
    public func resolved(_ resolve: (String, [String]) -> JSONValue) -> JSONValue {
        switch self {
        case .json(let value): value
        case .reference(let step, let path): resolve(step, path)
        case .array(let elements): .array(elements.map { $0.resolved(resolve) })
        case .object(let members): .object(JSONObject(members.mapValues { $0.resolved(resolve) }))
        }
    }

    /// The value's JSON form, references included.
    public var jsonValue: JSONValue {
        switch self {
        case .json(let value): value
        case .reference(let step, let path):
            [Self.referenceKey: .string(step), "path": .array(path.map(JSONValue.string))]
        case .array(let elements): .array(elements.map(\.jsonValue))
        case .object(let members): .object(JSONObject(members.mapValues(\.jsonValue)))
        }
    }

    /// Writes `jsonValue`'s JSON (sorted keys) without building it.
    func write(to output: inout JSONOutput) {
        switch self {
        case .json(let value):
            output.append(json: value)
        case .reference(let step, let path):
            // "$step" sorts before "path".
            output.append(literal: #"{"$step":"#)
            output.append(string: step)
            output.append(literal: #","path":["#)
            for (index, key) in path.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(string: key)
            }
            output.append(literal: "]}")
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                element.write(to: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let members):
            output.append(UInt8(ascii: "{"))
            for (index, member) in members.members.enumerated() {
                if index > 0 { output.append(UInt8(ascii: ",")) }
                output.append(string: member.key)
                output.append(UInt8(ascii: ":"))
                member.value.write(to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    /// Reads the JSON form back.
    public init(json: JSONValue) {
        switch json {
        case .object(let members):
            if let step = members[Self.referenceKey]?.stringValue, members.count == 2,
                let path = members["path"]?.arrayValue?.compactMap(\.stringValue)
            {
                self = .reference(step: step, path: path)
            } else {
                self = Self.makeObject(members, PlanValue.init(json:))
            }
        case .array(let elements):
            self = Self.makeArray(elements, PlanValue.init(json:))
        default:
            self = .json(json)
        }
    }
}
