extension YAMLNode {
    /// Reads and parses a YAML (or JSON) file.
    ///
    /// Every node carries its position in `path`. Refused, with every problem found: syntax errors, a
    /// duplicate key, a second document, a tag other than the standard ones, merge keys (`<<`), aliases that
    /// expand beyond `YAMLTreeBuilder.maximumNodeCount` nodes. An empty file is an empty mapping.
    /// Scalars are returned as written: `${…}` interpolation is a separate step.
    public static func load(file path: String) throws(ConfigDiagnostics) -> YAMLNode {
        var diagnostics = ConfigDiagnostics()
        let root = load(file: path, diagnostics: &diagnostics)
        guard let root, diagnostics.isEmpty else { throw diagnostics.reported() }
        return root
    }

    /// Parses YAML (or JSON) text; `file` names it in positions and errors. See `load(file:)`.
    public static func parse(_ text: String, file: String) throws(ConfigDiagnostics) -> YAMLNode {
        var diagnostics = ConfigDiagnostics()
        var builder = YAMLTreeBuilder(bytes: Array(text.utf8), file: file)
        let root = builder.build(diagnostics: &diagnostics)
        guard let root, diagnostics.isEmpty else { throw diagnostics.reported() }
        return root
    }

    /// Reads and parses a file, collecting problems; nil when it could not be read or parsed to the end.
    static func load(file path: String, diagnostics: inout ConfigDiagnostics) -> YAMLNode? {
        guard let bytes = diagnostics.record({ () throws(ConfigError) in try TextFile.read(path: path) }) else {
            return nil
        }
        var builder = YAMLTreeBuilder(bytes: bytes, file: path)
        return builder.build(diagnostics: &diagnostics)
    }
}
