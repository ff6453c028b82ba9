extension YAMLNode {
    /// The node in a few words for an error message: `'lots'`, `null`, `a list`. An interpolated value is not
    /// shown, as it may be a secret.
    var summary: String {
        switch kind {
        case .scalar(let scalar) where scalar.isNull: "null"
        case .scalar(let scalar) where scalar.isSecret: "an interpolated value (not shown)"
        case .scalar(let scalar): "'\(scalar.value)'"
        case .sequence: "a list"
        case .mapping: "a mapping"
        }
    }

    /// The text of a non-null scalar; anything else is an error that says what was `expected` at `path`.
    func text(at path: String, expected: String) throws(ConfigError) -> String {
        guard let scalar, !scalar.isNull else { throw mismatch(at: path, expected: expected) }
        return scalar.value
    }

    /// A string (any non-null scalar: `8080` is the string "8080").
    func string(at path: String) throws(ConfigError) -> String {
        try text(at: path, expected: "a string")
    }

    /// A string, or a list of strings; at least one.
    func strings(at path: String) throws(ConfigError) -> [String] {
        let expected = "a string or a list of strings"
        guard case .sequence(let items) = kind else { return [try text(at: path, expected: expected)] }
        guard !items.isEmpty else {
            throw ConfigError(location: location, message: "\(path): expected at least one string, got an empty list")
        }
        var strings: [String] = []
        for item in items {
            strings.append(try item.text(at: path, expected: expected))
        }
        return strings
    }

    /// `true` or `false`, exactly; `yes`, `on` and `1` are refused.
    func boolean(at path: String) throws(ConfigError) -> Bool {
        switch try text(at: path, expected: "true or false") {
        case "true": return true
        case "false": return false
        default: throw mismatch(at: path, expected: "true or false")
        }
    }

    /// A decimal integer, optionally signed, `_` allowed between digits.
    func integer(at path: String) throws(ConfigError) -> Int {
        guard let value = Int(configInteger: try text(at: path, expected: "an integer")[...]) else {
            throw mismatch(at: path, expected: "an integer")
        }
        return value
    }

    /// An integer greater than zero.
    func positiveInteger(at path: String) throws(ConfigError) -> Int {
        let value = try integer(at: path)
        try requirePositive(value > 0, "\(value)", at: path)
        return value
    }

    /// A duration greater than zero (see `ConfigDuration`).
    func positiveDuration(at path: String) throws(ConfigError) -> Duration {
        let duration = try parse(at: path, expected: "a duration", ConfigDuration.init(parsing:))
        try requirePositive(duration.duration > .zero, duration.description, at: path)
        return duration.duration
    }

    /// A byte size greater than zero (see `ByteSize`).
    func positiveByteSize(at path: String) throws(ConfigError) -> Int {
        let size = try parse(at: path, expected: "a size", ByteSize.init(parsing:))
        try requirePositive(size.bytes > 0, size.description, at: path)
        return size.bytes
    }

    /// A rate (see `Rate`).
    func rate(at path: String) throws(ConfigError) -> Rate {
        try parse(at: path, expected: "a rate", Rate.init(parsing:))
    }

    private func parse<Value>(
        at path: String, expected: String, _ parser: (String) throws(ScalarValueError) -> Value
    ) throws(ConfigError) -> Value {
        let text = try text(at: path, expected: expected)
        do throws(ScalarValueError) {
            return try parser(text)
        } catch {
            guard scalar?.isSecret != true else { throw mismatch(at: path, expected: error.expected) }
            throw ConfigError(location: location, message: "\(path): \(error)")
        }
    }

    private func requirePositive(_ isPositive: Bool, _ shown: String, at path: String) throws(ConfigError) {
        guard !isPositive else { return }
        let got = scalar?.isSecret == true ? summary : shown
        throw ConfigError(location: location, message: "\(path): must be greater than zero, got \(got)")
    }

    private func mismatch(at path: String, expected: String) -> ConfigError {
        ConfigError(location: location, message: "\(path): expected \(expected), got \(summary)")
    }
}
