/// Reads config text into parsed expressions, collecting every problem with its position.
struct TemplateSource {
    /// A piece of a template: text as written, or an expression between `{{` and `}}`.
    enum Segment: Sendable, Hashable {
        case text(String)
        case expression(TemplateNode)
    }

    private let characters: [Character]
    private let locator: TemplateLocator
    private(set) var problems: [ConfigError] = []
    private(set) var stepReferences: [TemplateStepReference] = []
    private(set) var roots: Set<TemplateRoot> = []

    init(_ text: String, at location: SourceLocation) {
        characters = Array(text)
        locator = TemplateLocator(characters: characters, start: location)
    }

    private mutating func report(_ error: TemplateSyntaxError) {
        problems.append(ConfigError(location: locator.location(at: error.offset), message: error.message))
    }

    /// The text as a template: literal text and `{{ expr }}` parts; nil parts where a problem was found.
    mutating func templateSegments() -> [Segment] {
        var segments: [Segment] = []
        var text = ""
        var position = 0
        while position < characters.count {
            guard characters[position] == "{", position + 1 < characters.count, characters[position + 1] == "{"
            else {
                text.append(characters[position])
                position += 1
                continue
            }
            if !text.isEmpty {
                segments.append(.text(text))
                text = ""
            }
            var lexer = TemplateLexer(characters: characters, position: position + 2)
            guard let tokens = lex(&lexer, terminator: .symbol("}}"), opening: position) else { return segments }
            if let node = parse(tokens) {
                segments.append(.expression(node))
            }
            position = lexer.position
        }
        if !text.isEmpty {
            segments.append(.text(text))
        }
        return segments
    }

    /// The text as one bare expression (a `when:` condition); nil after a problem that ends the parse.
    mutating func bareExpression() -> TemplateNode? {
        let start = characters.firstIndex { !$0.isWhitespace } ?? 0
        if characters.count >= start + 2, characters[start] == "{", characters[start + 1] == "{" {
            report(
                TemplateSyntaxError(
                    message: "a condition is a bare expression; write it without '{{' and '}}'", offset: start))
            return nil
        }
        var lexer = TemplateLexer(characters: characters, position: 0)
        guard let tokens = lex(&lexer, terminator: .end, opening: 0) else { return nil }
        return parse(tokens)
    }

    /// The tokens up to and including `terminator`; nil after a lexical error, which ends the text's parse.
    private mutating func lex(
        _ lexer: inout TemplateLexer, terminator: TemplateToken.Kind, opening: Int
    ) -> [TemplateToken]? {
        var tokens: [TemplateToken] = []
        do throws(TemplateSyntaxError) {
            while true {
                let token = try lexer.next()
                tokens.append(token)
                if token.kind == terminator { return tokens }
                if token.kind == .end {
                    throw TemplateSyntaxError(message: "'{{' without a closing '}}'", offset: opening)
                }
            }
        } catch {
            report(error)
            return nil
        }
    }

    private mutating func parse(_ tokens: [TemplateToken]) -> TemplateNode? {
        var parser = TemplateParser(tokens: tokens, locator: locator)
        defer {
            problems += parser.problems
            stepReferences += parser.stepReferences
            roots.formUnion(parser.roots)
        }
        do throws(TemplateSyntaxError) {
            return try parser.parse()
        } catch {
            report(error)
            return nil
        }
    }
}
