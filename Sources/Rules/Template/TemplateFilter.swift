/// The filters of the template language, with their signatures.
enum TemplateFilter: String, Sendable, Hashable, CaseIterable {
    case `default`, required
    case lower, upper, trim, split, join, first, last, replace, truncate, length, slug, string
    case number, int, round
    case centsToUnits = "cents_to_units"
    case date
    case addDays = "add_days"
    case addHours = "add_hours"
    case addWorkingDays = "add_working_days"
    case email, json, matches

    /// The kind of value a parameter expects; a literal argument of another kind is a parse error.
    enum ParameterKind {
        case any, number, string
    }

    /// The parameters, in order: name and kind.
    var parameters: [(name: String, kind: ParameterKind)] {
        switch self {
        case .default: [("value", .any)]
        case .required: [("message", .any)]
        case .split: [("separator", .string)]
        case .join: [("separator", .string)]
        case .replace: [("from", .string), ("to", .string)]
        case .truncate: [("length", .number)]
        case .round: [("digits", .number)]
        case .centsToUnits: [("currency", .string)]
        case .date: [("format", .string)]
        case .addDays, .addWorkingDays: [("days", .number)]
        case .addHours: [("hours", .number)]
        case .matches: [("pattern", .string)]
        case .lower, .upper, .trim, .first, .last, .length, .slug, .string, .number, .int, .email, .json: []
        }
    }

    /// How many of the parameters must be given; the others are optional.
    var requiredArgumentCount: Int {
        switch self {
        case .required, .round, .centsToUnits: 0
        default: parameters.count
        }
    }

    /// What is wrong with `count` arguments, or nil when they fit.
    func arityProblem(count: Int) -> String? {
        let maximum = parameters.count
        let minimum = requiredArgumentCount
        guard count < minimum || count > maximum else { return nil }
        let names = parameters.map(\.name).joined(separator: ", ")
        let takes: String
        if maximum == 0 {
            takes = "takes no arguments"
        } else if minimum == maximum {
            takes = "takes \(maximum) argument\(maximum == 1 ? "" : "s") (\(names))"
        } else {
            takes = "takes at most \(maximum) argument\(maximum == 1 ? "" : "s") (\(names))"
        }
        return "filter '\(rawValue)' \(takes), got \(count)"
    }
}
