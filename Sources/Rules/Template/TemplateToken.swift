/// One token of an expression, with its offset (in characters) in the text being parsed.
struct TemplateToken: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// An identifier or keyword (`form`, `and`, `true`).
        case name(String)
        case number(Double)
        case string(String)
        /// An operator or punctuation, `}}` included.
        case symbol(String)
        /// The end of the text.
        case end
    }

    var kind: Kind
    var offset: Int

    /// How the token is named in an error message.
    var shown: String {
        switch kind {
        case .name(let name): "'\(name)'"
        case .number: "a number"
        case .string: "a string"
        case .symbol(let symbol): "'\(symbol)'"
        case .end: "the end of the expression"
        }
    }

    func isSymbol(_ symbol: String) -> Bool { kind == .symbol(symbol) }
    func isName(_ name: String) -> Bool { kind == .name(name) }
}

/// A syntax error: what was wrong and at which character offset. It ends the parse of one expression.
struct TemplateSyntaxError: Error, Sendable {
    var message: String
    var offset: Int
}
