import JSON

/// An action's field value made ready to plan, once when the config is loaded: whether it holds a step reference
/// is decided by the config alone, so planning builds each value in its final form (plain JSON, or a `PlanValue`
/// with references) at once, and walks members in a list rather than a dictionary.
indirect enum PlannedValue: Sendable {
    /// A value with no step reference inside: it renders as plain JSON.
    case plain(PlainValue)
    /// A bare `{{ steps.<id>.<path…> }}`, kept as a reference until delivery.
    case reference(step: String, path: [String])
    /// A list with a reference somewhere inside.
    case list([PlannedValue])
    /// A mapping with a reference somewhere inside.
    case object([Member<PlannedValue>])

    /// A member of a mapping.
    struct Member<Value: Sendable>: Sendable {
        var key: String
        var value: Value
    }

    /// A field value without step references.
    indirect enum PlainValue: Sendable {
        case literal(JSONValue)
        case template(Template)
        case list([PlainValue])
        case object([Member<PlainValue>])
    }

    init(_ value: ActionValue) {
        switch value {
        case .literal(let json):
            self = .plain(.literal(json))
        case .template(let template):
            if let reference = template.stepReference {
                self = .reference(step: reference.step, path: reference.path)
            } else {
                self = .plain(.template(template))
            }
        case .list(let items):
            let planned = items.map(PlannedValue.init)
            let plain = planned.compactMap(\.plainValue)
            self = plain.count == planned.count ? .plain(.list(plain)) : .list(planned)
        case .object(let members):
            // In key order: planning visits (and reports errors in) a stable order, and the rendered object's
            // members arrive in the order it keeps them.
            let planned = members.sorted { $0.key < $1.key }.map { Member(key: $0.key, value: PlannedValue($0.value)) }
            let plain = planned.compactMap { member in
                member.value.plainValue.map { Member(key: member.key, value: $0) }
            }
            self = plain.count == planned.count ? .plain(.object(plain)) : .object(planned)
        }
    }

    private var plainValue: PlainValue? {
        if case .plain(let value) = self { return value }
        return nil
    }
}
