extension ActionConfig {
    init?(node: YAMLNode, path keyPath: String, defaultID: String, diagnostics: inout ConfigDiagnostics) {
        guard let section = ConfigSection(node, path: keyPath, diagnostics: &diagnostics),
            case .mapping(let pairs) = node.kind
        else { return nil }
        var id = defaultID
        section.read("id", YAMLNode.identifier(at:), into: &id, diagnostics: &diagnostics)
        let operationPairs = pairs.filter { $0.key != "id" }
        let names = Operation.allCases.map(\.rawValue)
        guard operationPairs.count == 1, let pair = operationPairs.first else {
            let message =
                operationPairs.isEmpty
                ? "\(keyPath): an action names one operation (\(names.joined(separator: ", ")))"
                : "\(keyPath): an action names one operation, found \(operationPairs.map(\.key).joined(separator: ", "))"
            diagnostics.append(ConfigError(location: node.location, message: message))
            return nil
        }
        guard let operation = Operation(rawValue: pair.key) else {
            let suggestion = KeySuggestion.closest(to: pair.key, among: names)
            diagnostics.append(
                ConfigError(
                    location: pair.keyLocation,
                    message: "unknown operation '\(pair.key)'"
                        + (suggestion.map { " (did you mean '\($0)'?)" } ?? " (operations: \(names.joined(separator: ", ")))")))
            return nil
        }
        self.id = id
        self.operation = operation
        location = pair.keyLocation
        let fieldsPath = "\(keyPath).\(pair.key)"
        var fieldLocations: [String: SourceLocation] = [:]
        input = Self.readFields(
            pair.value, fields: operation.fields, path: fieldsPath, locations: &fieldLocations, diagnostics: &diagnostics)
        plannedInput = PlannedValue(.object(input))
        self.fieldLocations = fieldLocations
        let onMissing: String? = if case .literal(.string(let word)) = input["on_missing"] { word } else { nil }
        for problem in operation.checkCombination(of: Set(input.keys), onMissing: onMissing) {
            diagnostics.append(ConfigError(location: pair.keyLocation, message: problem))
        }
    }

    /// Reads a mapping of an operation's fields, checking each against its kind; records where each is written
    /// in `locations`, by field path under `prefix`.
    private static func readFields(
        _ node: YAMLNode, fields: [OperationField], path: String, prefix: String = "",
        locations: inout [String: SourceLocation], diagnostics: inout ConfigDiagnostics
    ) -> [String: ActionValue] {
        guard let section = ConfigSection(node, path: path, diagnostics: &diagnostics) else { return [:] }
        section.reportUnknownKeys(known: fields.map(\.name), diagnostics: &diagnostics)
        var input: [String: ActionValue] = [:]
        for field in fields {
            guard let value = section[field.name] else {
                if field.required {
                    diagnostics.append(ConfigError(location: node.location, message: "\(path): missing '\(field.name)'"))
                }
                continue
            }
            let fieldPath = section.path(of: field.name)
            locations[prefix + field.name] = value.location
            switch field.kind {
            case .value, .name:
                input[field.name] = ActionValue.make(from: value, diagnostics: &diagnostics)
            case .choice(let words):
                if let word = diagnostics.record({ () throws(ConfigError) in try value.string(at: fieldPath) }) {
                    if words.contains(word) {
                        input[field.name] = .literal(.string(word))
                    } else {
                        diagnostics.append(
                            ConfigError(
                                location: value.location,
                                message: "\(fieldPath): expected one of \(words.joined(separator: ", ")), got '\(word)'"))
                    }
                }
            case .fieldValues:
                guard case .mapping = value.kind else {
                    diagnostics.append(
                        ConfigError(location: value.location, message: "\(fieldPath): expected a mapping of dynamic field names to values"))
                    continue
                }
                if case .mapping(let pairs) = value.kind {
                    for pair in pairs { locations["\(prefix)\(field.name).\(pair.key)"] = pair.keyLocation }
                }
                input[field.name] = ActionValue.make(from: value, diagnostics: &diagnostics)
            case .fieldMatch:
                let match = readFields(
                    value, fields: [.init("name", kind: .name, required: true), .init("value", required: true)],
                    path: fieldPath, prefix: "\(prefix)\(field.name).", locations: &locations, diagnostics: &diagnostics)
                input[field.name] = .object(match)
            case .nested(let nestedFields):
                input[field.name] = .object(
                    readFields(
                        value, fields: nestedFields, path: fieldPath, prefix: "\(prefix)\(field.name).",
                        locations: &locations, diagnostics: &diagnostics))
            }
        }
        return input
    }
}
