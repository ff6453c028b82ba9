extension ServerSettings {
    /// The environment variable that replaces `server.listen` when set.
    static let listenVariable = "DEALHOOK_LISTEN"

    private static let keys = [
        "listen", "max_connections", "header_timeout", "idle_timeout", "body_timeout", "shutdown_timeout",
        "max_body_size", "max_inflated_body_size", "max_request_line", "max_header_size", "max_header_count",
    ]

    /// The settings written in section `node` (nil: none), defaults for the rest; each problem is added to
    /// `diagnostics` and leaves that field at its default.
    init(node: YAMLNode?, environment: [String: String], diagnostics: inout ConfigDiagnostics) {
        self.init()
        if let section = ConfigSection(node, path: "server", diagnostics: &diagnostics) {
            readKeys(of: section, diagnostics: &diagnostics)
        }
        if let override = environment[Self.listenVariable] {
            let addresses = override.split(separator: ",").map { String($0.trimmingSpaces) }.filter { !$0.isEmpty }
            guard !addresses.isEmpty else {
                diagnostics.append(
                    ConfigError(location: nil, message: "\(Self.listenVariable) is set but names no address"))
                return
            }
            listen = addresses
        }
    }

    private mutating func readKeys(of section: ConfigSection, diagnostics: inout ConfigDiagnostics) {
        section.reportUnknownKeys(known: Self.keys, diagnostics: &diagnostics)
        func read<Value>(
            _ key: String, _ convert: (YAMLNode) -> (String) throws(ConfigError) -> Value, into field: inout Value
        ) {
            section.read(key, convert, into: &field, diagnostics: &diagnostics)
        }
        read("listen", YAMLNode.strings(at:), into: &listen)
        read("max_connections", YAMLNode.positiveInteger(at:), into: &maxConnections)
        read("header_timeout", YAMLNode.positiveDuration(at:), into: &headerTimeout)
        read("idle_timeout", YAMLNode.positiveDuration(at:), into: &idleTimeout)
        read("body_timeout", YAMLNode.positiveDuration(at:), into: &bodyTimeout)
        read("shutdown_timeout", YAMLNode.positiveDuration(at:), into: &shutdownTimeout)
        read("max_body_size", YAMLNode.positiveByteSize(at:), into: &maxBodySize)
        read("max_inflated_body_size", YAMLNode.positiveByteSize(at:), into: &maxInflatedBodySize)
        read("max_request_line", YAMLNode.positiveByteSize(at:), into: &maxRequestLine)
        read("max_header_size", YAMLNode.positiveByteSize(at:), into: &maxHeaderSize)
        read("max_header_count", YAMLNode.positiveInteger(at:), into: &maxHeaderCount)
    }
}

extension Substring {
    /// The text without leading and trailing spaces and tabs.
    fileprivate var trimmingSpaces: Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        let start = drop(while: isSpace)
        guard let last = start.lastIndex(where: { !isSpace($0) }) else { return "" }
        return start[...last]
    }
}
