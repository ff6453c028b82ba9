/// Every problem found while loading a config file, thrown as one error.
///
/// A load does not stop at the first problem: it reports all it can find, so that one edit fixes them all.
/// Its description is one line per problem, in file order.
public struct ConfigDiagnostics: Error, Sendable, CustomStringConvertible {
    /// The problems, in file order once thrown.
    public private(set) var errors: [ConfigError]

    public init(_ errors: [ConfigError] = []) {
        self.errors = errors
    }

    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }

    /// Whether no problem was found.
    var isEmpty: Bool { errors.isEmpty }

    mutating func append(_ error: ConfigError) {
        errors.append(error)
    }

    /// Runs `body` and records its error, if any; returns its value on success.
    mutating func record<Value>(_ body: () throws(ConfigError) -> Value) -> Value? {
        do {
            return try body()
        } catch {
            errors.append(error)
            return nil
        }
    }

    /// The problems as reported: sorted by position, repeats removed.
    ///
    /// A node reached through several aliases is checked once per use; its problem is reported once.
    func reported() -> ConfigDiagnostics {
        var unique: [ConfigError] = []
        for error in errors where !unique.contains(error) {
            unique.append(error)
        }
        // Errors without a position concern the whole file: they go first.
        unique.sort { lhs, rhs in
            switch (lhs.location, rhs.location) {
            case (nil, .some): true
            case (.some(let left), .some(let right)): left < right
            default: false
            }
        }
        return ConfigDiagnostics(unique)
    }
}
