/// One problem found in a config file: where it is and what is wrong, in words meant for the operator.
///
/// Prints as `config/dealhook.yaml:14:9: unknown key 'listn' in 'server' (did you mean 'listen'?)`.
public struct ConfigError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Where the problem is; nil when it concerns no position in the file (an unreadable file, an
    /// environment variable that overrides a setting).
    public var location: SourceLocation?
    /// What is wrong and, where it can be said, what would be right.
    public var message: String

    public init(location: SourceLocation?, message: String) {
        self.location = location
        self.message = message
    }

    public var description: String {
        guard let location else { return message }
        return "\(location): \(message)"
    }
}
