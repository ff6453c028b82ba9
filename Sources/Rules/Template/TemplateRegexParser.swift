/// The syntax tree of a pattern.
indirect enum TemplateRegexNode: Sendable {
    case scalar(Unicode.Scalar)
    case any
    case set(TemplateRegexSet)
    case textStart, textEnd
    case wordBoundary(Bool)
    case sequence([TemplateRegexNode])
    case alternation([TemplateRegexNode])
    case repetition(TemplateRegexNode, minimum: Int, maximum: Int?)
}

/// Reads a pattern into a `TemplateRegexNode`, by recursive descent with a nesting bound.
struct TemplateRegexParser {
    private static let maximumGroupDepth = 32

    private let scalars: [Unicode.Scalar]
    private var position = 0
    private var depth = 0

    init(_ scalars: [Unicode.Scalar]) {
        self.scalars = scalars
    }

    private var current: Unicode.Scalar? { position < scalars.count ? scalars[position] : nil }

    /// An error at `offset` (0-based; the current position by default), shown as a 1-based character.
    private func failure(_ message: String, at offset: Int? = nil) -> TemplateRegexError {
        TemplateRegexError(message: "\(message) at character \((offset ?? position) + 1)")
    }

    mutating func parse() throws(TemplateRegexError) -> TemplateRegexNode {
        let node = try parseAlternation()
        guard current == nil else { throw failure("unbalanced ')'") }
        return node
    }

    private mutating func parseAlternation() throws(TemplateRegexError) -> TemplateRegexNode {
        var branches = [try parseSequence()]
        while current == "|" {
            position += 1
            branches.append(try parseSequence())
        }
        return branches.count == 1 ? branches[0] : .alternation(branches)
    }

    private mutating func parseSequence() throws(TemplateRegexError) -> TemplateRegexNode {
        var items: [TemplateRegexNode] = []
        while let scalar = current, scalar != "|", scalar != ")" {
            var atom = try parseAtom()
            let quantifierStart = position
            if let (minimum, maximum) = try parseQuantifier() {
                switch atom {
                case .textStart, .textEnd, .wordBoundary: throw failure("nothing to repeat", at: quantifierStart)
                default: break
                }
                atom = .repetition(atom, minimum: minimum, maximum: maximum)
                if current == "?" { position += 1 }
                if let next = current, "*+?{".unicodeScalars.contains(next), isQuantifierStart() {
                    throw failure("a repetition cannot be repeated; add parentheses")
                }
            }
            items.append(atom)
        }
        return items.count == 1 ? items[0] : .sequence(items)
    }

    private func isQuantifierStart() -> Bool {
        guard current == "{" else { return true }
        var probe = self
        return (try? probe.parseBraces()) != nil
    }

    /// `* + ? {n} {n,} {n,m}` at the current position, if any.
    private mutating func parseQuantifier() throws(TemplateRegexError) -> (Int, Int?)? {
        switch current {
        case "*":
            position += 1
            return (0, nil)
        case "+":
            position += 1
            return (1, nil)
        case "?":
            position += 1
            return (0, 1)
        case "{":
            var probe = self
            // A '{' that starts no repetition is a literal, as in most engines.
            guard let bounds = try probe.parseBraces() else { return nil }
            self = probe
            return bounds
        default:
            return nil
        }
    }

    /// `{n}`, `{n,}`, `{n,m}`; nil when the text is not one; throws on bounds out of range.
    private mutating func parseBraces() throws(TemplateRegexError) -> (Int, Int?)? {
        position += 1
        guard let minimum = readNumber() else { return nil }
        var maximum: Int? = minimum
        if current == "," {
            position += 1
            maximum = readNumber()
        }
        guard current == "}" else { return nil }
        position += 1
        let limit = TemplateLimits.maximumPatternRepetition
        guard minimum <= limit, (maximum ?? 0) <= limit else { throw failure("a repetition count above \(limit)") }
        if let maximum, maximum < minimum { throw failure("a repetition {\(minimum),\(maximum)} out of order") }
        return (minimum, maximum)
    }

    private mutating func readNumber() -> Int? {
        var value: Int?
        while let scalar = current, ("0"..."9").contains(scalar) {
            value = min((value ?? 0) * 10 + Int(scalar.value - 0x30), 1_000_000)
            position += 1
        }
        return value
    }

    private mutating func parseAtom() throws(TemplateRegexError) -> TemplateRegexNode {
        guard let scalar = current else { throw failure("unexpected end") }
        position += 1
        switch scalar {
        case "(":
            if current == "?" {
                guard position + 1 < scalars.count, scalars[position + 1] == ":" else {
                    throw failure("only (?:…) groups and a leading (?i) are supported")
                }
                position += 2
            }
            depth += 1
            guard depth <= Self.maximumGroupDepth else { throw failure("groups nested too deep", at: position - 1) }
            let inner = try parseAlternation()
            depth -= 1
            guard current == ")" else { throw failure("missing ')'") }
            position += 1
            return inner
        case "*", "+", "?": throw failure("nothing to repeat", at: position - 1)
        case ".": return .any
        case "^": return .textStart
        case "$": return .textEnd
        case "[": return .set(try parseSet())
        case "\\": return try parseEscape(inSet: false)
        default: return .scalar(scalar)
        }
    }

    private mutating func parseEscape(inSet: Bool) throws(TemplateRegexError) -> TemplateRegexNode {
        guard let scalar = current else { throw failure("a pattern cannot end with '\\'") }
        position += 1
        switch scalar {
        case "d": return .set(TemplateRegexSet(ranges: TemplateRegexSet.digitRanges))
        case "w": return .set(TemplateRegexSet(ranges: TemplateRegexSet.wordRanges))
        case "s": return .set(TemplateRegexSet(ranges: TemplateRegexSet.spaceRanges))
        case "D": return .set(TemplateRegexSet(ranges: TemplateRegexSet.digitRanges, isNegated: true))
        case "W": return .set(TemplateRegexSet(ranges: TemplateRegexSet.wordRanges, isNegated: true))
        case "S": return .set(TemplateRegexSet(ranges: TemplateRegexSet.spaceRanges, isNegated: true))
        case "b" where !inSet: return .wordBoundary(true)
        case "B" where !inSet: return .wordBoundary(false)
        case "n": return .scalar("\n")
        case "t": return .scalar("\t")
        case "r": return .scalar("\r")
        case "1"..."9": throw failure("backreferences are not supported")
        default:
            guard scalar.isASCII, !scalar.properties.isAlphabetic, !("0"..."9").contains(scalar) else {
                throw failure("unknown escape '\\\(scalar)'")
            }
            return .scalar(scalar)
        }
    }

    private mutating func parseSet() throws(TemplateRegexError) -> TemplateRegexSet {
        var set = TemplateRegexSet()
        if current == "^" {
            set.isNegated = true
            position += 1
        }
        var isFirst = true
        while true {
            guard let scalar = current else { throw failure("missing ']'") }
            if scalar == "]" && !isFirst {
                position += 1
                return set
            }
            isFirst = false
            position += 1
            var low = scalar
            if scalar == "\\" {
                switch try parseEscape(inSet: true) {
                case .scalar(let escaped): low = escaped
                case .set(let inner):
                    if inner.isNegated { set.complements.append(inner.ranges) } else { set.ranges += inner.ranges }
                    continue
                default: throw failure("unexpected escape in a class")
                }
            }
            guard current == "-", position + 1 < scalars.count, scalars[position + 1] != "]" else {
                set.ranges.append(low.value...low.value)
                continue
            }
            position += 1
            var high = scalars[position]
            position += 1
            if high == "\\" {
                guard case .scalar(let escaped) = try parseEscape(inSet: true) else {
                    throw failure("a class cannot end a range")
                }
                high = escaped
            }
            guard low.value <= high.value else { throw failure("range out of order") }
            set.ranges.append(low.value...high.value)
        }
    }
}

/// Turns a pattern's tree into instructions, within `TemplateLimits.maximumPatternProgramSize`.
struct TemplateRegexCompiler {
    private(set) var program: [TemplateRegexInstruction] = []

    private mutating func append(_ instruction: TemplateRegexInstruction) throws(TemplateRegexError) {
        guard program.count < TemplateLimits.maximumPatternProgramSize else {
            throw TemplateRegexError(message: "the pattern is too large once its repetitions are expanded")
        }
        program.append(instruction)
    }

    mutating func emit(_ node: TemplateRegexNode) throws(TemplateRegexError) {
        switch node {
        case .scalar(let scalar): try append(.scalar(scalar))
        case .any: try append(.any)
        case .set(let set): try append(.set(set))
        case .textStart: try append(.textStart)
        case .textEnd: try append(.textEnd)
        case .wordBoundary(let isBoundary): try append(.wordBoundary(isBoundary))
        case .sequence(let items):
            for item in items { try emit(item) }
        case .alternation(let branches):
            // split L1, next; L1: branch; jump end; next: split …; last branch; end:
            var jumps: [Int] = []
            for (index, branch) in branches.enumerated() {
                if index < branches.count - 1 {
                    let split = program.count
                    try append(.split(split + 1, -1))
                    try emit(branch)
                    jumps.append(program.count)
                    try append(.jump(-1))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try emit(branch)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repetition(let inner, let minimum, let maximum):
            for _ in 0..<minimum { try emit(inner) }
            guard let maximum else {
                let split = program.count
                try append(.split(split + 1, -1))
                try emit(inner)
                try append(.jump(split))
                program[split] = .split(split + 1, program.count)
                return
            }
            var splits: [Int] = []
            for _ in minimum..<maximum {
                splits.append(program.count)
                try append(.split(program.count + 1, -1))
                try emit(inner)
            }
            for split in splits { program[split] = .split(split + 1, program.count) }
        }
    }
}
