/// A mapping of the config file being read into a settings struct: its keys are looked up by name, each
/// value is converted with its key path in errors, and keys no one asked for are reported.
struct ConfigSection {
    /// The dotted path of the section (`server`); nil for the top level.
    let path: String?
    private let pairs: [YAMLNode.Pair]

    /// The section held by `node`; a null or missing node is an empty section. Anything but a mapping adds a
    /// problem and gives nil.
    init?(_ node: YAMLNode?, path: String?, diagnostics: inout ConfigDiagnostics) {
        self.path = path
        guard let node, node.scalar?.isNull != true else {
            pairs = []
            return
        }
        guard case .mapping(let pairs) = node.kind else {
            let name = path.map { "\($0): expected" } ?? "the top level must be"
            diagnostics.append(ConfigError(location: node.location, message: "\(name) a mapping, got \(node.summary)"))
            return nil
        }
        self.pairs = pairs
    }

    /// The value written for `key`, if any.
    subscript(key: String) -> YAMLNode? {
        pairs.first { $0.key == key }?.value
    }

    /// The dotted path of `key` in this section (`server.listen`).
    func path(of key: String) -> String {
        path.map { "\($0).\(key)" } ?? key
    }

    /// The value for `key` converted by `convert`, which is given the node and its key path; nil when the key
    /// is absent or the conversion failed (its problem is added to `diagnostics`).
    func read<Value>(
        _ key: String, diagnostics: inout ConfigDiagnostics,
        _ convert: (YAMLNode, String) throws(ConfigError) -> Value
    ) -> Value? {
        guard let node = self[key] else { return nil }
        return diagnostics.record { () throws(ConfigError) in try convert(node, path(of: key)) }
    }

    /// Reads `key` with `convert` (a method of YAMLNode taking the key path, such as
    /// `YAMLNode.positiveInteger(at:)`) into `field`; an absent key or a failed conversion leaves `field` as it was.
    func read<Value>(
        _ key: String, _ convert: (YAMLNode) -> (String) throws(ConfigError) -> Value, into field: inout Value,
        diagnostics: inout ConfigDiagnostics
    ) {
        if let value = read(key, diagnostics: &diagnostics, { node, path throws(ConfigError) in try convert(node)(path) }) {
            field = value
        }
    }

    /// Like `read(_:_:into:diagnostics:)`, for a field that is nil until set.
    func read<Value>(
        _ key: String, _ convert: (YAMLNode) -> (String) throws(ConfigError) -> Value, into field: inout Value?,
        diagnostics: inout ConfigDiagnostics
    ) {
        if let value = read(key, diagnostics: &diagnostics, { node, path throws(ConfigError) in try convert(node)(path) }) {
            field = value
        }
    }

    /// Adds a problem for each key not in `known`, suggesting the closest known key.
    func reportUnknownKeys(known: [String], diagnostics: inout ConfigDiagnostics) {
        for pair in pairs where !known.contains(pair.key) {
            var message = "unknown key '\(pair.key)' " + (path.map { "in '\($0)'" } ?? "at the top level")
            if let suggestion = KeySuggestion.closest(to: pair.key, among: known) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message += " (known keys: \(known.joined(separator: ", ")))"
            }
            diagnostics.append(ConfigError(location: pair.keyLocation, message: message))
        }
    }
}
