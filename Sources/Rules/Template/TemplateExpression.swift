import JSON

/// A bare expression, without `{{ }}`: a rule's `when:` condition.
///
/// ```swift
/// let condition = try TemplateExpression(parsing: "form.budget | number >= 1000 and not form.spam", at: location)
/// if try condition.isTruthy(in: context) { … }
/// ```
/// The language is the one of `Template`'s `{{ expr }}` parts.
public struct TemplateExpression: Sendable, Hashable {
    /// The text as written in the config.
    public let text: String
    /// Where the text starts in the config file.
    public let location: SourceLocation
    /// Every `steps.<id>` the expression reads, in the order written.
    public let stepReferences: [TemplateStepReference]
    /// The roots the expression reads.
    public let roots: Set<TemplateRoot>
    private let node: TemplateNode

    /// Parses `text`, which starts at `location` in the config file; throws every problem found.
    public init(parsing text: String, at location: SourceLocation) throws(ConfigDiagnostics) {
        var diagnostics = ConfigDiagnostics()
        guard let expression = TemplateExpression(parsing: text, at: location, diagnostics: &diagnostics) else {
            throw diagnostics.reported()
        }
        self = expression
    }

    /// Parses `text`, adding its problems to `diagnostics`; nil when there was any.
    init?(parsing text: String, at location: SourceLocation, diagnostics: inout ConfigDiagnostics) {
        var source = TemplateSource(text, at: location)
        let node = source.bareExpression()
        guard source.problems.isEmpty, let node else {
            for problem in source.problems { diagnostics.append(problem) }
            return nil
        }
        self.text = text
        self.location = location
        self.node = node
        self.stepReferences = source.stepReferences
        self.roots = source.roots
    }

    /// Adds to `projection` what of the request body the expression reads (`JSONProjection`).
    public func includeBodyPaths(in projection: inout JSONProjection) {
        node.includeBodyPaths(in: &projection)
    }

    /// The expression's value for one event; see `Template.evaluate(in:)`.
    public func evaluate(in context: TemplateContext) throws(TemplateEvaluationError) -> JSONValue {
        try TemplateEvaluator(context: context).value(of: node)
    }

    /// Whether the expression's value is truthy (see `JSONValue.isTruthy`): how a `when:` condition decides.
    public func isTruthy(in context: TemplateContext) throws(TemplateEvaluationError) -> Bool {
        try evaluate(in: context).isTruthy
    }
}
