import JSON

/// A recursive-descent parser for one expression, from its tokens.
///
/// A syntax error ends the parse (it is thrown); a problem that leaves the tree well formed (an unknown filter
/// or root, a wrong argument count, a bad pattern) is recorded in `problems` and the parse goes on, so that one
/// read of the config reports them all.
struct TemplateParser {
    private let tokens: [TemplateToken]
    private let locator: TemplateLocator
    private var index = 0
    private var depth = 0
    private(set) var problems: [ConfigError] = []
    private(set) var stepReferences: [TemplateStepReference] = []
    private(set) var roots: Set<TemplateRoot> = []

    /// `tokens` ends with the terminator: `}}` in a template, `.end` for a bare expression.
    init(tokens: [TemplateToken], locator: TemplateLocator) {
        self.tokens = tokens
        self.locator = locator
    }

    private var current: TemplateToken { tokens[index] }

    private var isAtTerminator: Bool { index == tokens.count - 1 }

    private mutating func advance() {
        if index < tokens.count - 1 { index += 1 }
    }

    private func location(_ token: TemplateToken) -> SourceLocation {
        locator.location(at: token.offset)
    }

    private func failure(_ message: String, at token: TemplateToken? = nil) -> TemplateSyntaxError {
        TemplateSyntaxError(message: message, offset: (token ?? current).offset)
    }

    private mutating func report(_ message: String, at location: SourceLocation) {
        problems.append(ConfigError(location: location, message: message))
    }

    private mutating func expect(_ symbol: String, after what: String) throws(TemplateSyntaxError) {
        guard current.isSymbol(symbol) else { throw failure("expected '\(symbol)' \(what), got \(current.shown)") }
        advance()
    }

    private func make(_ kind: TemplateNode.Kind, at location: SourceLocation) throws(TemplateSyntaxError)
        -> TemplateNode
    {
        let node = TemplateNode(kind, at: location)
        guard node.height <= TemplateLimits.maximumExpressionDepth else { throw depthFailure() }
        return node
    }

    private func depthFailure() -> TemplateSyntaxError {
        failure("expression nested deeper than \(TemplateLimits.maximumExpressionDepth) levels")
    }

    private mutating func enter() throws(TemplateSyntaxError) {
        depth += 1
        guard depth <= TemplateLimits.maximumExpressionDepth else { throw depthFailure() }
    }

    /// The whole expression, up to its terminator.
    mutating func parse() throws(TemplateSyntaxError) -> TemplateNode {
        guard !isAtTerminator else { throw failure("empty expression; write a path such as form.email") }
        let node = try parseExpression()
        guard isAtTerminator else { throw failure("unexpected \(current.shown) after the expression") }
        return node
    }

    private mutating func parseExpression() throws(TemplateSyntaxError) -> TemplateNode {
        try enter()
        defer { depth -= 1 }
        let condition = try parseBinary(level: 0)
        guard current.isSymbol("?") else { return condition }
        let question = current
        advance()
        let then = try parseExpression()
        try expect(":", after: "between the branches of '? :'")
        let otherwise = try parseExpression()
        return try make(.conditional(condition, then: then, else: otherwise), at: location(question))
    }

    /// The left-associative binary levels, loosest first; comparisons sit between `not` and `+`.
    private static let levels: [[TemplateBinaryOperator]] = [
        [.or], [.and], [], [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual, .in, .notIn],
        [.add, .subtract], [.multiply, .divide],
    ]
    private static let notLevel = 2
    private static let comparisonLevel = 3

    /// The binary operator at the current token, if it is one of `operators`; consumes it.
    private mutating func takeOperator(_ operators: [TemplateBinaryOperator]) -> TemplateBinaryOperator? {
        let found: TemplateBinaryOperator?
        var width = 1
        switch current.kind {
        case .name("not") where index + 1 < tokens.count && tokens[index + 1].isName("in"):
            found = .notIn
            width = 2
        case .name(let name): found = TemplateBinaryOperator(rawValue: name)
        case .symbol(let symbol): found = TemplateBinaryOperator(rawValue: symbol)
        default: found = nil
        }
        guard let found, operators.contains(found) else { return nil }
        for _ in 0..<width { advance() }
        return found
    }

    private mutating func parseBinary(level: Int) throws(TemplateSyntaxError) -> TemplateNode {
        if level == Self.notLevel { return try parseNot() }
        if level == Self.levels.count { return try parseUnary() }
        var left = try parseBinary(level: level + 1)
        let operators = Self.levels[level]
        while true {
            let operatorToken = current
            guard let found = takeOperator(operators) else { return left }
            let right = try parseBinary(level: level + 1)
            left = try make(.binary(found, left, right), at: location(operatorToken))
            if level == Self.comparisonLevel, takeOperator(operators) != nil {
                throw failure("comparisons do not chain; join them with 'and'", at: tokens[index - 1])
            }
        }
    }

    private mutating func parseNot() throws(TemplateSyntaxError) -> TemplateNode {
        guard current.isName("not") else { return try parseBinary(level: Self.notLevel + 1) }
        let token = current
        advance()
        try enter()
        defer { depth -= 1 }
        return try make(.not(try parseNot()), at: location(token))
    }

    private mutating func parseUnary() throws(TemplateSyntaxError) -> TemplateNode {
        guard current.isSymbol("-") else { return try parsePostfix() }
        let token = current
        advance()
        try enter()
        defer { depth -= 1 }
        // As in Jinja, a minus binds tighter than the filters after its operand: `-1 | abs` filters -1.
        let operand = try parseNegated()
        let negated: TemplateNode
        if case .literal(.number(let number)) = operand.kind {
            negated = try make(.literal(.number(-number)), at: location(token))
        } else {
            negated = try make(.negate(operand), at: location(token))
        }
        return try parsePostfix(from: negated)
    }

    /// The operand of a unary minus: more minuses, or a primary with its members and indexes but no filters.
    private mutating func parseNegated() throws(TemplateSyntaxError) -> TemplateNode {
        guard current.isSymbol("-") else { return try parsePostfix(from: try parsePrimary(), filters: false) }
        let token = current
        advance()
        try enter()
        defer { depth -= 1 }
        return try make(.negate(try parseNegated()), at: location(token))
    }

    private mutating func parsePostfix() throws(TemplateSyntaxError) -> TemplateNode {
        try parsePostfix(from: try parsePrimary())
    }

    /// Members, indexes and (unless `filters` is false) filters after `node`.
    private mutating func parsePostfix(
        from start: TemplateNode, filters: Bool = true
    ) throws(TemplateSyntaxError) -> TemplateNode {
        var node = start
        while true {
            let token = current
            if token.isSymbol(".") {
                advance()
                guard case .name(let name) = current.kind else {
                    throw failure("expected a name after '.', got \(current.shown) (write [0] for an index)")
                }
                if case .root(.now) = node.kind {
                    report(
                        "'now' is a timestamp, not an object; format it with now | date('…')",
                        at: location(token))
                }
                let key = TemplateNode(.literal(.string(name)), at: location(current))
                advance()
                node = try make(.member(node, key: key), at: node.location)
            } else if token.isSymbol("[") {
                advance()
                let key = try parseExpression()
                try expect("]", after: "to close '['")
                node = try make(.member(node, key: key), at: node.location)
            } else if filters, token.isSymbol("|") {
                advance()
                node = try parseFilter(input: node)
            } else {
                return node
            }
        }
    }

    private mutating func parsePrimary() throws(TemplateSyntaxError) -> TemplateNode {
        let token = current
        let here = location(token)
        switch token.kind {
        case .number(let number):
            advance()
            return TemplateNode(.literal(.number(number)), at: here)
        case .string(let text):
            advance()
            return TemplateNode(.literal(.string(text)), at: here)
        case .name("true"), .name("false"), .name("null"):
            advance()
            let value: JSONValue = token.isName("null") ? .null : .bool(token.isName("true"))
            return TemplateNode(.literal(value), at: here)
        case .name("and"), .name("or"), .name("not"), .name("in"):
            throw failure("expected an expression, got \(token.shown)")
        case .name("steps"):
            advance()
            return try parseStepReference(at: token)
        case .name(let name):
            advance()
            if let root = TemplateRoot(rawValue: name) {
                roots.insert(root)
                return TemplateNode(.root(root), at: here)
            }
            let known = TemplateRoot.allCases.map(\.rawValue)
            if let suggestion = KeySuggestion.closest(to: name, among: known) {
                report("unknown root '\(name)' (did you mean '\(suggestion)'?)", at: here)
            } else {
                report("unknown root '\(name)'; a path starts with \(known.joined(separator: ", "))", at: here)
            }
            return TemplateNode(.literal(.null), at: here)
        case .symbol("("):
            advance()
            let node = try parseExpression()
            try expect(")", after: "to close '('")
            return node
        case .symbol("["):
            advance()
            return try parseList(at: here)
        default:
            throw failure("expected an expression, got \(token.shown)")
        }
    }

    private mutating func parseList(at here: SourceLocation) throws(TemplateSyntaxError) -> TemplateNode {
        var elements: [TemplateNode] = []
        while !current.isSymbol("]") {
            guard elements.count < TemplateLimits.maximumListCount else {
                throw failure("a list literal holds at most \(TemplateLimits.maximumListCount) elements")
            }
            elements.append(try parseExpression())
            guard current.isSymbol(",") else { break }
            advance()
        }
        try expect("]", after: "to close the list")
        return try make(.list(elements), at: here)
    }

    /// `steps.<id>` or `steps['<id>']`: a step id is required right after `steps`.
    private mutating func parseStepReference(at token: TemplateToken) throws(TemplateSyntaxError) -> TemplateNode {
        let id: String
        let idLocation: SourceLocation
        if current.isSymbol("."), index + 1 < tokens.count, case .name(let name) = tokens[index + 1].kind {
            advance()
            (id, idLocation) = (name, location(current))
            advance()
        } else if current.isSymbol("["), index + 2 < tokens.count, case .string(let name) = tokens[index + 1].kind,
            tokens[index + 2].isSymbol("]")
        {
            advance()
            (id, idLocation) = (name, location(current))
            advance()
            advance()
        } else {
            throw failure("'steps' must be followed by a step id: steps.<id>", at: token)
        }
        roots.insert(.steps)
        stepReferences.append(TemplateStepReference(step: id, location: location(token)))
        let root = TemplateNode(.root(.steps), at: location(token))
        return try make(.member(root, key: TemplateNode(.literal(.string(id)), at: idLocation)), at: location(token))
    }

    private mutating func parseFilter(input: TemplateNode) throws(TemplateSyntaxError) -> TemplateNode {
        let nameToken = current
        guard case .name(let name) = nameToken.kind else {
            throw failure("expected a filter name after '|', got \(current.shown)")
        }
        advance()
        var arguments: [TemplateNode] = []
        if current.isSymbol("(") {
            advance()
            while !current.isSymbol(")") {
                arguments.append(try parseExpression())
                guard current.isSymbol(",") else { break }
                advance()
            }
            try expect(")", after: "to close the arguments of '\(name)'")
        }
        let here = location(nameToken)
        guard let filter = TemplateFilter(rawValue: name) else {
            let known = TemplateFilter.allCases.map(\.rawValue)
            let suggestion = KeySuggestion.closest(to: name, among: known).map { " (did you mean '\($0)'?)" }
            report("unknown filter '\(name)'" + (suggestion ?? ""), at: here)
            return input
        }
        if let problem = filter.arityProblem(count: arguments.count) {
            report(problem, at: here)
            return input
        }
        let regex = checkArguments(arguments, of: filter)
        let field = filter == .required || filter == .email ? Self.fieldName(of: input) : nil
        let call = TemplateFilterCall(filter: filter, input: input, arguments: arguments, regex: regex, field: field)
        return try make(.filter(call), at: here)
    }

    /// Checks literal arguments against the filter's parameters; returns a `matches` pattern, compiled.
    private mutating func checkArguments(_ arguments: [TemplateNode], of filter: TemplateFilter) -> TemplateRegex? {
        let name = filter.rawValue
        for (argument, parameter) in zip(arguments, filter.parameters) {
            guard case .literal(let value) = argument.kind else { continue }
            let fits =
                switch parameter.kind {
                case .any: true
                case .number: value.numberValue != nil
                case .string: value.stringValue != nil
                }
            guard fits else {
                let kind = parameter.kind == .number ? "a number" : "a string"
                report(
                    "filter '\(name)': argument '\(parameter.name)' must be \(kind), got \(value.typeName)",
                    at: argument.location)
                return nil
            }
        }
        guard let argument = arguments.first else { return nil }
        let literal: String?
        if case .literal(.string(let text)) = argument.kind { literal = text } else { literal = nil }
        switch filter {
        case .matches:
            guard let literal else {
                report("the pattern of 'matches' must be a quoted string", at: argument.location)
                return nil
            }
            do throws(TemplateRegexError) {
                return try TemplateRegex(literal)
            } catch {
                report("invalid regular expression: \(error.message)", at: argument.location)
            }
        case .date:
            if let literal, let problem = TemplateTime.formatProblem(literal) {
                report("filter 'date': \(problem)", at: argument.location)
            }
        case .centsToUnits:
            if let literal, !TemplateCurrency.isCode(literal) {
                report(
                    "filter 'cents_to_units': '\(literal)' is not a currency code such as EUR", at: argument.location)
            }
        default:
            break
        }
        return nil
    }

    /// The field a validation filter reports: the plain path its chain of filters starts from.
    private static func fieldName(of input: TemplateNode) -> String? {
        var node = input
        while case .filter(let call) = node.kind { node = call.input }
        guard let path = node.simplePath, [.form, .query, .body].contains(path.root), !path.keys.isEmpty else {
            return nil
        }
        return path.keys.map { key in key.stringValue ?? key.intValue.map(String.init) ?? key.jsonText }
            .joined(separator: ".")
    }
}
