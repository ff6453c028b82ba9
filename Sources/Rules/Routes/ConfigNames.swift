/// A workspace name that a rule's action writes literally: a pipeline, a stage of a pipeline, a dynamic field
/// of an entity, or an assignee (a member's e-mail). `dealhook check --online` looks each one up.
public struct ConfigName: Sendable, Hashable {
    /// What the name names.
    public enum Kind: Sendable, Hashable {
        case pipeline(String)
        case stage(String, pipeline: String)
        /// `entity` is `deal`, `contact` or `organization`.
        case field(String, entity: String)
        /// A member, by e-mail.
        case assignee(String)
    }

    public var kind: Kind
    /// Where the name is written (for a dynamic field, its key).
    public var location: SourceLocation
    /// The route, the step and the field path (`create.stage`, `fields.Source`) that use it.
    public var route: String
    public var step: String
    public var field: String
}

/// A name field written as a template: its value is known only when an event arrives, so it cannot be checked
/// beforehand.
public struct UncheckedName: Sendable, Hashable {
    public var location: SourceLocation
    public var route: String
    public var step: String
    public var field: String
    /// Why it is not checked, e.g. `written as a template`.
    public var reason: String
}

/// The names a config's actions use, in file order.
public struct ConfigNames: Sendable {
    public var names: [ConfigName] = []
    public var unchecked: [UncheckedName] = []
}

extension DealhookConfig {
    /// Every pipeline, stage, dynamic field and assignee written literally in the routes' actions, and the name
    /// fields that are templates.
    public var names: ConfigNames {
        var all = ConfigNames()
        for route in routes {
            let names = route.names
            all.names += names.names
            all.unchecked += names.unchecked
        }
        return all
    }
}

extension RouteConfig {
    /// The names this route's actions use; see `DealhookConfig.names`.
    public var names: ConfigNames {
        var collector = ConfigNameCollector(route: name)
        for rule in rules {
            for action in rule.actions { collector.collect(action) }
        }
        collector.found.names.sort { $0.location < $1.location }
        collector.found.unchecked.sort { $0.location < $1.location }
        return collector.found
    }
}

/// Walks one route's actions for the fields that hold workspace names.
private struct ConfigNameCollector {
    let route: String
    var found = ConfigNames()

    init(route: String) {
        self.route = route
    }

    mutating func collect(_ action: ActionConfig) {
        let entity =
            switch action.operation {
            case .contactUpsert: "contact"
            case .organizationFindOrCreate: "organization"
            default: "deal"
            }
        collect(action.input, prefix: "", entity: entity, in: action)
        if case .object(let create) = action.input["create"] {
            // deal.find creates the deal in its own pipeline and stage unless `create` names others.
            collect(create, prefix: "create.", entity: entity, in: action, inheriting: action.input)
        }
        if case .object(let match) = action.input["field"], let value = match["name"],
            let field = name(value, field: "field.name", in: action)
        {
            add(.field(field, entity: entity), field: "field.name", in: action)
        }
    }

    /// The names among one mapping of an action's fields: `pipeline`, `stage`, `assignee` and `fields`.
    /// `inherited` holds the fields a nested `create` falls back to.
    private mutating func collect(
        _ input: [String: ActionValue], prefix: String, entity: String, in action: ActionConfig,
        inheriting inherited: [String: ActionValue] = [:]
    ) {
        let ownPipeline = input["pipeline"]
        let pipelineValue = ownPipeline ?? inherited["pipeline"]
        let pipeline =
            ownPipeline.flatMap { name($0, field: prefix + "pipeline", in: action) }
            ?? inherited["pipeline"].flatMap(Self.literalName)
        if ownPipeline != nil, let pipeline {
            add(.pipeline(pipeline), field: prefix + "pipeline", in: action)
        }
        // A stage inherited with its own pipeline was checked there already.
        let stageField = input["stage"] != nil ? prefix + "stage" : "stage"
        if let stageValue = input["stage"] ?? (ownPipeline != nil ? inherited["stage"] : nil),
            let stage = name(stageValue, field: stageField, in: action)
        {
            if let pipeline {
                add(.stage(stage, pipeline: pipeline), field: stageField, in: action)
            } else if case .template = pipelineValue {
                skip(stageField, in: action, reason: "its pipeline is a template")
            } else {
                skip(stageField, in: action, reason: "no pipeline is given beside it")
            }
        }
        if let value = input["assignee"], let member = name(value, field: prefix + "assignee", in: action) {
            add(.assignee(member), field: prefix + "assignee", in: action)
        }
        if case .object(let fields) = input["fields"] {
            for name in fields.keys {
                add(.field(name, entity: entity), field: "\(prefix)fields.\(name)", in: action)
            }
        }
    }

    /// The name a value writes literally; nil for null, and for a template or a collection (recorded as
    /// unchecked).
    private mutating func name(_ value: ActionValue, field: String, in action: ActionConfig) -> String? {
        switch value {
        case .template:
            skip(field, in: action, reason: "written as a template")
        case .list, .object:
            skip(field, in: action, reason: "not a single name")
        case .literal:
            break
        }
        return Self.literalName(value)
    }

    private static func literalName(_ value: ActionValue) -> String? {
        guard case .literal(let literal) = value, !literal.isNull else { return nil }
        return literal.stringValue ?? literal.jsonText
    }

    private mutating func add(_ kind: ConfigName.Kind, field: String, in action: ActionConfig) {
        found.names.append(
            ConfigName(
                kind: kind, location: location(of: field, in: action), route: route, step: action.id, field: field))
    }

    private mutating func skip(_ field: String, in action: ActionConfig, reason: String) {
        found.unchecked.append(
            UncheckedName(
                location: location(of: field, in: action), route: route, step: action.id, field: field, reason: reason))
    }

    private func location(of field: String, in action: ActionConfig) -> SourceLocation {
        action.fieldLocations[field] ?? action.location
    }
}
