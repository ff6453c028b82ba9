/// Parses `--name value` and `--name=value` options and `--flag` switches of one subcommand.
struct OptionParser {
    /// A usage mistake, reported with the command's usage and exit status 2.
    struct UsageError: Error {
        var message: String
    }

    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []

    /// Parses `arguments` given the options that take a value and the flags; anything else is a usage error.
    init(_ arguments: [String], valued: Set<String>, flags allowedFlags: Set<String>) throws(UsageError) {
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--") else { throw UsageError(message: "unexpected argument '\(argument)'") }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if allowedFlags.contains(name), inlineValue == nil {
                flags.insert(name)
            } else if valued.contains(name) {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < arguments.count else { throw UsageError(message: "\(name) needs a value") }
                    values[name, default: []].append(arguments[index])
                    index += 1
                }
            } else {
                throw UsageError(message: "unknown option '\(name)'")
            }
        }
    }

    /// The last value given for `name`.
    func value(_ name: String) -> String? { values[name]?.last }
}
