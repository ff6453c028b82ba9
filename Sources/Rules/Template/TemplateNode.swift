import JSON

/// One node of a parsed expression, with where it was written and how deep its subtree is.
struct TemplateNode: Sendable, Hashable {
    indirect enum Kind: Sendable, Hashable {
        case literal(JSONValue)
        case list([TemplateNode])
        case root(TemplateRoot)
        /// `base.name`, `base["key"]` or `base[index]`.
        case member(TemplateNode, key: TemplateNode)
        case negate(TemplateNode)
        case not(TemplateNode)
        case binary(TemplateBinaryOperator, TemplateNode, TemplateNode)
        case conditional(TemplateNode, then: TemplateNode, else: TemplateNode)
        case filter(TemplateFilterCall)
    }

    var kind: Kind
    var location: SourceLocation
    /// 1 for a leaf; one more than the highest child otherwise.
    var height: Int

    init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
        let children: [TemplateNode]
        switch kind {
        case .literal, .root: children = []
        case .list(let elements): children = elements
        case .member(let base, let key): children = [base, key]
        case .negate(let operand), .not(let operand): children = [operand]
        case .binary(_, let left, let right): children = [left, right]
        case .conditional(let condition, let then, let otherwise): children = [condition, then, otherwise]
        case .filter(let call): children = [call.input] + call.arguments
        }
        height = 1 + (children.map(\.height).max() ?? 0)
    }

    /// Adds to `projection` what of the request body this node reads: the value at the end of each plain path
    /// under `body`, whole (up to its first index: an array is kept whole), and the whole body when a key into
    /// it is computed.
    func includeBodyPaths(in projection: inout JSONProjection) {
        if let path = simplePath { return Self.include(path, in: &projection) }
        switch kind {
        case .literal, .root:
            break
        case .list(let elements):
            for element in elements { element.includeBodyPaths(in: &projection) }
        case .member(let base, let key):
            // A computed key: everything under the base may be read.
            if let path = base.simplePath {
                Self.include(path, in: &projection)
            } else {
                base.includeBodyPaths(in: &projection)
            }
            key.includeBodyPaths(in: &projection)
        case .negate(let operand), .not(let operand):
            operand.includeBodyPaths(in: &projection)
        case .binary(_, let left, let right):
            left.includeBodyPaths(in: &projection)
            right.includeBodyPaths(in: &projection)
        case .conditional(let condition, let then, let otherwise):
            for child in [condition, then, otherwise] { child.includeBodyPaths(in: &projection) }
        case .filter(let call):
            for child in [call.input] + call.arguments { child.includeBodyPaths(in: &projection) }
        }
    }

    /// Keeps the value at `path` whole when it is under `body`: up to its first key that is not a name (an index).
    private static func include(_ path: (root: TemplateRoot, keys: [JSONValue]), in projection: inout JSONProjection) {
        guard path.root == .body else { return }
        projection.include(Array(path.keys.lazy.prefix { $0.stringValue != nil }.compactMap(\.stringValue)))
    }

    /// The root and literal keys of a plain path (`form.email`, `body.items[0]`), nil for anything else.
    var simplePath: (root: TemplateRoot, keys: [JSONValue])? {
        switch kind {
        case .root(let root): return (root, [])
        case .member(let base, let key):
            guard case .literal(let literal) = key.kind, var path = base.simplePath else { return nil }
            path.keys.append(literal)
            return path
        default: return nil
        }
    }
}

/// The binary operators, loosest first within each row of the precedence table in `docs/templates.md`.
enum TemplateBinaryOperator: String, Sendable, Hashable {
    case or, and
    case equal = "=="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
    case `in`
    case notIn = "not in"
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"
}

/// `input | name(arguments…)`, checked against the filter's signature at parse time.
///
/// A class, so that evaluation, which takes a call out of its node for every event, retains one reference
/// rather than each of its members.
final class TemplateFilterCall: Sendable, Hashable {
    let filter: TemplateFilter
    let input: TemplateNode
    let arguments: [TemplateNode]
    /// For `matches` with a literal pattern: the pattern, compiled.
    let regex: TemplateRegex?
    /// For `required` and `email`: the field named by the path the filter chain starts from, if it is a plain
    /// path under `form`, `query` or `body` (`form.email | trim | required` → `email`).
    let field: String?

    init(
        filter: TemplateFilter, input: TemplateNode, arguments: [TemplateNode], regex: TemplateRegex?, field: String?
    ) {
        self.filter = filter
        self.input = input
        self.arguments = arguments
        self.regex = regex
        self.field = field
    }

    static func == (lhs: TemplateFilterCall, rhs: TemplateFilterCall) -> Bool {
        lhs === rhs
            || (lhs.filter == rhs.filter && lhs.input == rhs.input && lhs.arguments == rhs.arguments
                && lhs.regex == rhs.regex && lhs.field == rhs.field)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(filter)
        hasher.combine(input)
        hasher.combine(arguments)
        hasher.combine(regex)
        hasher.combine(field)
    }
}
