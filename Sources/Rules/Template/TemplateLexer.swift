/// Splits expression text into tokens, from a given character offset.
struct TemplateLexer {
    private static let twoCharacterSymbols: Set<String> = ["}}", "==", "!=", "<=", ">="]
    private static let oneCharacterSymbols: Set<Character> = [
        ".", "[", "]", "(", ")", ",", "|", "?", ":", "+", "-", "*", "/", "<", ">",
    ]
    /// Symbols from other languages, with what to write instead.
    private static let foreignSymbols: [String: String] = [
        "&&": "write 'and'", "||": "write 'or'", "!": "write 'not'", "=": "write '==' to compare",
        "{": "'{' does not start anything inside an expression", "%": "there is no '%' operator",
    ]

    private let characters: [Character]
    /// The offset of the next character to read.
    private(set) var position: Int

    init(characters: [Character], position: Int) {
        self.characters = characters
        self.position = position
    }

    mutating func next() throws(TemplateSyntaxError) -> TemplateToken {
        while position < characters.count, characters[position].isWhitespace { position += 1 }
        let start = position
        guard position < characters.count else { return TemplateToken(kind: .end, offset: start) }
        let character = characters[position]
        if character.isASCII && (character.isLetter || character == "_") {
            return TemplateToken(kind: .name(readName()), offset: start)
        }
        if character.isASCII && character.isNumber {
            return TemplateToken(kind: .number(try readNumber()), offset: start)
        }
        if character == "'" || character == "\"" {
            return TemplateToken(kind: .string(try readString(quote: character)), offset: start)
        }
        if position + 1 < characters.count {
            let pair = String([character, characters[position + 1]])
            if Self.twoCharacterSymbols.contains(pair) {
                position += 2
                return TemplateToken(kind: .symbol(pair), offset: start)
            }
            if let advice = Self.foreignSymbols[pair] {
                throw TemplateSyntaxError(message: "unexpected '\(pair)'; \(advice)", offset: start)
            }
        }
        if Self.oneCharacterSymbols.contains(character) {
            position += 1
            return TemplateToken(kind: .symbol(String(character)), offset: start)
        }
        if let advice = Self.foreignSymbols[String(character)] {
            throw TemplateSyntaxError(message: "unexpected '\(character)'; \(advice)", offset: start)
        }
        throw TemplateSyntaxError(message: "unexpected character '\(character)'", offset: start)
    }

    private mutating func readName() -> String {
        let start = position
        while position < characters.count, Self.isNameCharacter(characters[position]) { position += 1 }
        return String(characters[start..<position])
    }

    private static func isNameCharacter(_ character: Character) -> Bool {
        character.isASCII && (character.isLetter || character.isNumber || character == "_")
    }

    private static func isDigit(_ character: Character) -> Bool {
        character.isASCII && character.isNumber
    }

    private mutating func readNumber() throws(TemplateSyntaxError) -> Double {
        let start = position
        func digits(_ lexer: inout TemplateLexer) -> Int {
            let from = lexer.position
            while lexer.position < lexer.characters.count, Self.isDigit(lexer.characters[lexer.position]) {
                lexer.position += 1
            }
            return lexer.position - from
        }
        _ = digits(&self)
        if position + 1 < characters.count, characters[position] == ".", Self.isDigit(characters[position + 1]) {
            position += 1
            _ = digits(&self)
        }
        if position < characters.count, characters[position] == "e" || characters[position] == "E" {
            position += 1
            if position < characters.count, characters[position] == "+" || characters[position] == "-" {
                position += 1
            }
            guard digits(&self) > 0 else {
                throw TemplateSyntaxError(message: "expected digits in the number's exponent", offset: start)
            }
        }
        if position < characters.count, Self.isNameCharacter(characters[position]) {
            throw TemplateSyntaxError(
                message: "unexpected '\(characters[position])' after a number", offset: position)
        }
        guard let number = Double(String(characters[start..<position])), number.isFinite else {
            throw TemplateSyntaxError(message: "number out of range", offset: start)
        }
        return number
    }

    private mutating func readString(quote: Character) throws(TemplateSyntaxError) -> String {
        let start = position
        position += 1
        var text = ""
        while position < characters.count {
            let character = characters[position]
            position += 1
            if character == quote { return text }
            guard character == "\\" else {
                text.append(character)
                continue
            }
            guard position < characters.count else { break }
            let escaped = characters[position]
            position += 1
            switch escaped {
            case "\\", "'", "\"": text.append(escaped)
            case "n": text.append("\n")
            case "t": text.append("\t")
            case "r": text.append("\r")
            case "u": text.unicodeScalars.append(try readUnicodeEscape(at: position - 2))
            default:
                throw TemplateSyntaxError(
                    message: "unknown escape '\\\(escaped)' (known: \\\\ \\' \\\" \\n \\t \\r \\u{…})",
                    offset: position - 2)
            }
        }
        throw TemplateSyntaxError(message: "string without its closing \(quote)", offset: start)
    }

    /// `\u{1F600}`: one to six hex digits naming a Unicode scalar.
    private mutating func readUnicodeEscape(at start: Int) throws(TemplateSyntaxError) -> Unicode.Scalar {
        let failure = TemplateSyntaxError(message: "expected '\\u{' hex digits '}' naming a character", offset: start)
        guard position < characters.count, characters[position] == "{" else { throw failure }
        position += 1
        var hex = ""
        while position < characters.count, characters[position] != "}", hex.count <= 6 {
            hex.append(characters[position])
            position += 1
        }
        guard position < characters.count, characters[position] == "}", !hex.isEmpty, hex.count <= 6,
            let value = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(value)
        else { throw failure }
        position += 1
        return scalar
    }
}
