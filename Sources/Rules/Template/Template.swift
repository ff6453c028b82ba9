import JSON

/// A config string with `{{ expr }}` parts, parsed once when the config is loaded and evaluated per event.
///
/// ```swift
/// let title = try Template(parsing: "Website lead: {{ form.name | trim | default('unknown') }}", at: location)
/// let value = try title.evaluate(in: context)  // .string("Website lead: Ada")
/// ```
/// A string that is exactly one `{{ expr }}` keeps the expression's type (`"{{ form.amount | number }}"` is a
/// number); any other string concatenates its parts as text. The language is described in `docs/templates.md`.
public struct Template: Sendable, Hashable {
    /// The text as written in the config.
    public var text: String { parsed.text }
    /// Where the text starts in the config file.
    public var location: SourceLocation { parsed.location }
    /// Every `steps.<id>` the template reads, in the order written.
    public var stepReferences: [TemplateStepReference] { parsed.stepReferences }
    /// The roots the template reads (`form`, `steps`, …).
    public var roots: Set<TemplateRoot> { parsed.roots }
    private var segments: [TemplateSource.Segment] { parsed.segments }
    private var bareStep: BareStep? { parsed.bareStep }

    /// What parsing made, behind one reference: planning takes templates out of the config for every event, and
    /// a copy then retains one object rather than each of these.
    private final class Parsed: Sendable {
        let text: String
        let location: SourceLocation
        let stepReferences: [TemplateStepReference]
        let roots: Set<TemplateRoot>
        let segments: [TemplateSource.Segment]
        let bareStep: BareStep?

        init(source: TemplateSource, text: String, location: SourceLocation, segments: [TemplateSource.Segment]) {
            self.text = text
            self.location = location
            self.segments = segments
            self.stepReferences = source.stepReferences
            self.roots = source.roots
            self.bareStep = BareStep(segments)
        }
    }

    private let parsed: Parsed

    /// Parses `text`, which starts at `location` in the config file.
    ///
    /// Throws every problem found, each at its own line and column: syntax errors, unknown roots and filters
    /// (with a suggestion), wrong argument counts or types, invalid `matches` patterns, too deep nesting.
    public init(parsing text: String, at location: SourceLocation) throws(ConfigDiagnostics) {
        var diagnostics = ConfigDiagnostics()
        guard let template = Template(parsing: text, at: location, diagnostics: &diagnostics) else {
            throw diagnostics.reported()
        }
        self = template
    }

    /// Parses `text`, adding its problems to `diagnostics`; nil when there was any.
    init?(parsing text: String, at location: SourceLocation, diagnostics: inout ConfigDiagnostics) {
        var source = TemplateSource(text, at: location)
        let segments = source.templateSegments()
        guard source.problems.isEmpty else {
            for problem in source.problems { diagnostics.append(problem) }
            return nil
        }
        parsed = Parsed(source: source, text: text, location: location, segments: segments)
    }

    /// Templates are equal when written alike at the same place: everything else is parsed from that.
    public static func == (lhs: Template, rhs: Template) -> Bool {
        lhs.parsed === rhs.parsed || (lhs.text == rhs.text && lhs.location == rhs.location)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(location)
    }

    /// Whether the template is exactly one `{{ expr }}`, so that its value keeps the expression's type.
    public var isSingleExpression: Bool {
        guard segments.count == 1, case .expression = segments[0] else { return false }
        return true
    }

    /// When the whole template is a bare `{{ steps.<id>.<path…> }}`: the step id and the path below its result.
    ///
    /// An index is given as its decimal digits (`steps.search.items[0].id` → `["items", "0", "id"]`). Plans keep
    /// such a value as a reference until the step has run.
    public var stepReference: (step: String, path: [String])? {
        bareStep.map { ($0.step, $0.path) }
    }

    /// `stepReference`, worked out once at parse time: the planner asks for it for every template of every event.
    private struct BareStep: Sendable, Hashable {
        var step: String
        var path: [String]

        init?(_ segments: [TemplateSource.Segment]) {
            guard segments.count == 1, case .expression(let node) = segments[0], let path = node.simplePath,
                path.root == .steps, let step = path.keys.first?.stringValue
            else { return nil }
            var components: [String] = []
            for key in path.keys.dropFirst() {
                if let name = key.stringValue {
                    components.append(name)
                } else if let index = key.intValue {
                    components.append(String(index))
                } else {
                    return nil
                }
            }
            self.step = step
            self.path = components
        }
    }

    /// Adds to `projection` what of the request body the template reads (`JSONProjection`).
    public func includeBodyPaths(in projection: inout JSONProjection) {
        for case .expression(let node) in segments { node.includeBodyPaths(in: &projection) }
    }

    /// The template's value for one event.
    ///
    /// Missing paths are null, never an error. Throws only when a `required` or `email` filter refuses its
    /// input, or when a value grows past `TemplateLimits`.
    public func evaluate(in context: TemplateContext) throws(TemplateEvaluationError) -> JSONValue {
        let evaluator = TemplateEvaluator(context: context)
        if segments.count == 1, case .expression(let node) = segments[0] {
            return try evaluator.value(of: node)
        }
        var output = ""
        for segment in segments {
            switch segment {
            case .text(let text): output += text
            case .expression(let node): output += try evaluator.value(of: node).templateText
            }
            guard output.utf8.count <= TemplateLimits.maximumTextLength else {
                throw TemplateEvaluator.textLimitError(at: location)
            }
        }
        return .string(output)
    }
}
