import JSON

/// A field value of an action as written in the config: literal data, a template, or a list or mapping of them.
public indirect enum ActionValue: Sendable, Hashable {
    case literal(JSONValue)
    case template(Template)
    case list([ActionValue])
    case object([String: ActionValue])
}

extension ActionValue {
    /// Converts a YAML node: a scalar holding `{{` becomes a template; plain scalars read as null, booleans and
    /// numbers keep that type; anything quoted is a string.
    static func make(from node: YAMLNode, diagnostics: inout ConfigDiagnostics) -> ActionValue {
        switch node.kind {
        case .scalar(let scalar):
            if scalar.value.contains("{{") {
                return Template(parsing: scalar.value, at: node.location, diagnostics: &diagnostics)
                    .map(ActionValue.template) ?? .literal(.null)
            }
            return .literal(literal(scalar))
        case .sequence(let items):
            return .list(items.map { make(from: $0, diagnostics: &diagnostics) })
        case .mapping(let pairs):
            var members: [String: ActionValue] = [:]
            for pair in pairs { members[pair.key] = make(from: pair.value, diagnostics: &diagnostics) }
            return .object(members)
        }
    }

    private static func literal(_ scalar: YAMLScalar) -> JSONValue {
        guard scalar.isPlain, !scalar.isSecret else { return .string(scalar.value) }
        if scalar.isNull { return .null }
        switch scalar.value {
        case "true": return .bool(true)
        case "false": return .bool(false)
        default: break
        }
        if let number = Double(scalar.value), scalar.value.first.map({ $0.isNumber || $0 == "-" }) == true {
            return .number(number)
        }
        return .string(scalar.value)
    }

    /// Every template inside, depth first.
    var templates: [Template] {
        switch self {
        case .literal: []
        case .template(let template): [template]
        case .list(let items): items.flatMap(\.templates)
        case .object(let members): members.keys.sorted().flatMap { members[$0]!.templates }
        }
    }
}
