/// Builds a `YAMLNode` tree from libyaml events: expands aliases within a bound, refuses duplicate keys,
/// unknown tags, merge keys and a second document.
///
/// Problems that leave the tree usable (a duplicate key, an unknown tag) are collected and building goes on;
/// problems that do not (a syntax error, the expansion bound) end it.
struct YAMLTreeBuilder: ~Copyable {
    /// The most nodes a document may hold once aliases are expanded; defeats "billion laughs" documents,
    /// whose few lines of nested aliases expand to billions of nodes.
    static let maximumNodeCount = 100_000
    /// The deepest nesting of sequences and mappings accepted; keeps the recursive build off the stack's end.
    static let maximumDepth = 256

    private static let standardTagPrefix = "tag:yaml.org,2002:"

    private var events: YAMLEventStream
    private var anchors: [String: (node: YAMLNode, count: Int)] = [:]
    private var nodeCount = 0
    private let file: String

    init(bytes: [UInt8], file: String) {
        events = YAMLEventStream(bytes: bytes, file: file)
        self.file = file
    }

    /// The document's root node, or nil after a problem that ends the build; problems go to `diagnostics`.
    ///
    /// An empty file (or one holding only comments) is an empty mapping.
    mutating func build(diagnostics: inout ConfigDiagnostics) -> YAMLNode? {
        do throws(ConfigError) {
            return try buildStream(diagnostics: &diagnostics)
        } catch {
            diagnostics.append(error)
            return nil
        }
    }

    private mutating func buildStream(diagnostics: inout ConfigDiagnostics) throws(ConfigError) -> YAMLNode {
        _ = try events.next()  // stream start
        guard case .documentStart = try events.next() else {
            return YAMLNode(.mapping([]), at: SourceLocation(file: file, line: 1, column: 1))
        }
        let root = try node(from: events.next(), depth: 0, diagnostics: &diagnostics).node
        _ = try events.next()  // document end
        if case .documentStart(let location) = try events.next() {
            throw ConfigError(
                location: location, message: "a second YAML document; a config file holds exactly one")
        }
        return root
    }

    private mutating func node(
        from event: YAMLEvent, depth: Int, diagnostics: inout ConfigDiagnostics
    ) throws(ConfigError) -> (node: YAMLNode, count: Int) {
        switch event {
        case .scalar(let value, let isPlain, let properties):
            let tag = checkTag(properties, allowed: ["str", "int", "float", "bool", "null"], &diagnostics)
            let scalar = YAMLScalar(value: value, isPlain: isPlain && tag != "str")
            return try add(YAMLNode(.scalar(scalar), at: properties.location), count: 1, properties)
        case .sequenceStart(let properties):
            _ = checkTag(properties, allowed: ["seq"], &diagnostics)
            try checkDepth(depth, properties.location)
            var items: [YAMLNode] = []
            var count = 1
            while true {
                let next = try events.next()
                if case .sequenceEnd = next { break }
                let item = try node(from: next, depth: depth + 1, diagnostics: &diagnostics)
                items.append(item.node)
                count += item.count
            }
            return try add(YAMLNode(.sequence(items), at: properties.location), count: count, properties)
        case .mappingStart(let properties):
            _ = checkTag(properties, allowed: ["map"], &diagnostics)
            try checkDepth(depth, properties.location)
            var pairs: [YAMLNode.Pair] = []
            var seen: [String: SourceLocation] = [:]
            var count = 1
            while true {
                let next = try events.next()
                if case .mappingEnd = next { break }
                let key = try node(from: next, depth: depth + 1, diagnostics: &diagnostics)
                let value = try node(from: events.next(), depth: depth + 1, diagnostics: &diagnostics)
                count += key.count + value.count
                if let error = problem(withKey: key.node, seen: seen) {
                    diagnostics.append(error)
                } else if let name = key.node.scalar?.value {
                    seen[name] = key.node.location
                    pairs.append(YAMLNode.Pair(key: name, keyLocation: key.node.location, value: value.node))
                }
            }
            return try add(YAMLNode(.mapping(pairs), at: properties.location), count: count, properties)
        case .alias(let name, let location):
            guard let anchored = anchors[name] else {
                diagnostics.append(
                    ConfigError(location: location, message: "alias '*\(name)' names no anchor before it"))
                return try add(YAMLNode(.scalar(YAMLScalar(value: "", isPlain: true)), at: location), count: 1, nil)
            }
            return try add(anchored.node, count: anchored.count, nil, aliasLocation: location)
        case .streamStart, .streamEnd, .documentStart, .documentEnd, .sequenceEnd, .mappingEnd:
            // libyaml guarantees a node event where a node is due.
            throw ConfigError(location: nil, message: "\(file): libyaml sent an event out of order")
        }
    }

    /// Counts a finished node against the expansion bound and records its anchor.
    private mutating func add(
        _ node: YAMLNode, count: Int, _ properties: YAMLEvent.Properties?, aliasLocation: SourceLocation? = nil
    ) throws(ConfigError) -> (node: YAMLNode, count: Int) {
        // A collection's own count includes its children, already added: add only the node itself.
        nodeCount += aliasLocation == nil ? 1 : count
        guard nodeCount <= Self.maximumNodeCount else {
            throw ConfigError(
                location: aliasLocation ?? node.location,
                message: "the document expands to more than \(Self.maximumNodeCount) nodes through aliases")
        }
        if let anchor = properties?.anchor {
            anchors[anchor] = (node, count)
        }
        return (node, count)
    }

    private func checkDepth(_ depth: Int, _ location: SourceLocation) throws(ConfigError) {
        guard depth < Self.maximumDepth else {
            throw ConfigError(location: location, message: "nesting deeper than \(Self.maximumDepth) levels")
        }
    }

    /// The short name of a standard tag (`str` for `!!str`), after refusing any tag not in `allowed`.
    private func checkTag(
        _ properties: YAMLEvent.Properties, allowed: Set<String>, _ diagnostics: inout ConfigDiagnostics
    ) -> String? {
        // "!" is the non-specific tag: the node keeps its plain meaning.
        guard let tag = properties.tag, tag != "!" else { return nil }
        if tag.hasPrefix(Self.standardTagPrefix) {
            let name = String(tag.dropFirst(Self.standardTagPrefix.count))
            if allowed.contains(name) { return name }
            diagnostics.append(
                ConfigError(location: properties.location, message: "tag '!!\(name)' does not fit this node"))
        } else {
            let message = "unsupported tag '\(tag)'; only the standard tags (!!str, !!int, !!map, …) are understood"
            diagnostics.append(ConfigError(location: properties.location, message: message))
        }
        return nil
    }

    private func problem(withKey key: YAMLNode, seen: [String: SourceLocation]) -> ConfigError? {
        guard let scalar = key.scalar else {
            return ConfigError(location: key.location, message: "a mapping key must be a scalar, not a collection")
        }
        if scalar.isPlain && scalar.value == "<<" {
            return ConfigError(
                location: key.location, message: "merge keys ('<<') are not supported; write the keys out")
        }
        if let first = seen[scalar.value] {
            return ConfigError(
                location: key.location,
                message: "duplicate key '\(scalar.value)' (first at line \(first.line), column \(first.column))")
        }
        return nil
    }
}
