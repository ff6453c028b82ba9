/// A value that must never be shown: an API key, a token, a signing secret.
///
/// Its `description` is a redacted form, so that interpolating it into a log line or `dealhook check` output
/// cannot leak it; the value itself is read only through `value`, where it is sent.
public struct Secret: Sendable, Hashable, CustomStringConvertible {
    /// The secret itself.
    public let value: String

    public init(_ value: String) {
        self.value = value
    }

    /// `<redacted, N characters>`: enough to tell an empty or truncated key from a whole one.
    public var description: String { "<redacted, \(value.count) characters>" }
}

extension YAMLNode {
    /// A non-empty string kept as a `Secret`.
    func secret(at path: String) throws(ConfigError) -> Secret {
        let text = try string(at: path)
        guard !text.isEmpty else {
            throw ConfigError(location: location, message: "\(path): must not be empty")
        }
        return Secret(text)
    }
}
