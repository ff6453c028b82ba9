extension RuleConfig {
    private static let keys = ["name", "when", "actions"]

    /// Reads a route's `rules`: a list of rules with unique names and action ids unique across the route.
    static func loadRules(_ node: YAMLNode?, route: String, path: String, diagnostics: inout ConfigDiagnostics) -> [RuleConfig] {
        guard let node, case .sequence(let items) = node.kind, !items.isEmpty else {
            diagnostics.append(
                ConfigError(location: node?.location, message: "\(path): expected a list of at least one rule"))
            return []
        }
        var rules: [RuleConfig] = []
        var ids: [String: SourceLocation] = [:]
        for (index, item) in items.enumerated() {
            guard let rule = RuleConfig(node: item, path: "\(path)[\(index)]", diagnostics: &diagnostics) else { continue }
            if rules.contains(where: { $0.name == rule.name }) {
                diagnostics.append(
                    ConfigError(location: rule.location, message: "rule name '\(rule.name)' is used twice in route '\(route)'"))
            }
            for action in rule.actions {
                if let first = ids[action.id] {
                    diagnostics.append(
                        ConfigError(location: action.location, message: "step id '\(action.id)' is already used at \(first)"))
                }
                ids[action.id] = action.location
            }
            rules.append(rule)
        }
        return rules
    }

    init?(node: YAMLNode, path keyPath: String, diagnostics: inout ConfigDiagnostics) {
        guard let section = ConfigSection(node, path: keyPath, diagnostics: &diagnostics) else { return nil }
        section.reportUnknownKeys(known: Self.keys, diagnostics: &diagnostics)
        var name: String?
        section.read("name", YAMLNode.identifier(at:), into: &name, diagnostics: &diagnostics)
        guard let name else {
            if section["name"] == nil {
                diagnostics.append(ConfigError(location: node.location, message: "\(keyPath): missing 'name'"))
            }
            return nil
        }
        self.name = name
        location = node.location
        when = section.read("when", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.string(at: path)
        }.flatMap { text in TemplateExpression(parsing: text, at: section["when"]!.location, diagnostics: &diagnostics) }
        for reference in when?.stepReferences ?? [] {
            diagnostics.append(
                ConfigError(
                    location: reference.location,
                    message: "a rule's 'when' cannot use steps.\(reference.step): conditions are decided before any step runs"))
        }
        actions = []
        guard let list = section["actions"], case .sequence(let items) = list.kind, !items.isEmpty else {
            diagnostics.append(
                ConfigError(location: section["actions"]?.location ?? node.location, message: "\(keyPath).actions: expected a list of at least one action"))
            return
        }
        for (index, item) in items.enumerated() {
            if let action = ActionConfig(
                node: item, path: "\(keyPath).actions[\(index)]", defaultID: "\(name).\(index + 1)", diagnostics: &diagnostics)
            {
                actions.append(action)
            }
        }
    }
}
