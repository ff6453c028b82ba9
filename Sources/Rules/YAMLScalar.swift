/// The text of a YAML scalar, with what a reader needs to interpret it.
public struct YAMLScalar: Sendable, Equatable {
    /// The scalar's text after YAML unquoting and folding, and after `${…}` interpolation.
    public var value: String
    /// Whether the scalar was written without quotes and without a `!!str` tag, so that it may be read as
    /// null, a boolean or a number. A quoted `"true"` is plain text.
    public var isPlain: Bool
    /// Whether the value came (in part) from the environment or a file through `${…}`: such a value may be a
    /// secret, and output meant for people (`dealhook check`, error messages) does not show it.
    public var isSecret: Bool

    public init(value: String, isPlain: Bool, isSecret: Bool = false) {
        self.value = value
        self.isPlain = isPlain
        self.isSecret = isSecret
    }

    /// Whether this is YAML's null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        isPlain && ["", "~", "null", "Null", "NULL"].contains(value)
    }
}
