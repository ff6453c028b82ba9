/// A node of a parsed YAML document: a scalar, a sequence or a mapping, each with the position it was
/// written at.
///
/// Aliases are already expanded: a node reached through `*name` is a copy of the anchored node, positions
/// included, so that a problem in it points at the text that holds it.
public struct YAMLNode: Sendable, Equatable {
    /// What the node holds.
    public enum Kind: Sendable, Equatable {
        case scalar(YAMLScalar)
        case sequence([YAMLNode])
        /// Key/value pairs in the order written; keys are unique.
        case mapping([Pair])
    }

    /// One entry of a mapping. Keys are always scalars; their text is not interpolated.
    public struct Pair: Sendable, Equatable {
        public var key: String
        public var keyLocation: SourceLocation
        public var value: YAMLNode

        public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
            self.key = key
            self.keyLocation = keyLocation
            self.value = value
        }
    }

    public var kind: Kind
    /// Where the node starts: the first character of a scalar, `[`/`{` of a flow collection, the first entry
    /// of a block collection.
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The scalar, if this node is one.
    public var scalar: YAMLScalar? {
        guard case .scalar(let scalar) = kind else { return nil }
        return scalar
    }

    /// The value for `key`, if this node is a mapping that holds it.
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = kind else { return nil }
        return pairs.first { $0.key == key }?.value
    }
}
