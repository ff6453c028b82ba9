/// A regular expression for `matches`, run by a Thompson-NFA simulation: time linear in the input for a given
/// pattern, no backtracking, so no pattern can make a request slow.
///
/// Syntax: literals, `.`, `[…]` and `[^…]` classes with ranges, `\d \w \s \D \W \S` (ASCII), `\b \B`, `^ $`
/// (start and end of the text), groups `(…)` and `(?:…)`, `|`, `* + ? {n} {n,} {n,m}` (a trailing `?` is
/// accepted and changes nothing, since only whether it matches is asked), escapes `\n \t \r \\ \.` and any
/// escaped punctuation, and a leading `(?i)` for case-insensitive matching. The pattern matches anywhere in the
/// text unless anchored. Backreferences and lookaround are not supported.
struct TemplateRegex: Sendable, Hashable {
    /// The pattern as written.
    let pattern: String
    private let program: [TemplateRegexInstruction]
    private let ignoresCase: Bool

    init(_ pattern: String) throws(TemplateRegexError) {
        self.pattern = pattern
        var scalars = Array(pattern.unicodeScalars)
        guard scalars.count <= TemplateLimits.maximumPatternLength else {
            throw TemplateRegexError(message: "longer than \(TemplateLimits.maximumPatternLength) characters")
        }
        let prefix = Array("(?i)".unicodeScalars)
        ignoresCase = scalars.starts(with: prefix)
        if ignoresCase { scalars.removeFirst(prefix.count) }
        var parser = TemplateRegexParser(scalars)
        let tree = try parser.parse()
        var compiler = TemplateRegexCompiler()
        try compiler.emit(tree)
        program = compiler.program + [.match]
    }

    /// Whether the pattern matches somewhere in the first `TemplateLimits.maximumMatchInputLength` characters
    /// of `text`.
    func matches(_ text: String) -> Bool {
        let input = Array(text.unicodeScalars.prefix(TemplateLimits.maximumMatchInputLength))
        var threads = ThreadList(size: program.count)
        var next = ThreadList(size: program.count)
        if add(0, at: 0, input, to: &threads) { return true }
        for position in 0..<input.count {
            let scalar = input[position]
            next.clear()
            for pc in threads.pcs {
                let consumed: Bool
                switch program[pc] {
                case .scalar(let expected): consumed = equals(scalar, expected)
                case .any: consumed = scalar != "\n"
                case .set(let set): consumed = contains(set, scalar)
                default: consumed = false
                }
                if consumed, add(pc + 1, at: position + 1, input, to: &next) { return true }
            }
            if add(0, at: position + 1, input, to: &next) { return true }
            swap(&threads, &next)
        }
        return false
    }

    /// Adds the thread at `pc` and every thread reachable from it without reading; true when one of them is the
    /// match.
    private func add(_ start: Int, at position: Int, _ input: [Unicode.Scalar], to list: inout ThreadList) -> Bool {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .match: return true
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .textStart: if position == 0 { stack.append(pc + 1) }
            case .textEnd: if position == input.count { stack.append(pc + 1) }
            case .wordBoundary(let isBoundary):
                let before = position > 0 && Self.isWord(input[position - 1])
                let after = position < input.count && Self.isWord(input[position])
                if (before != after) == isBoundary { stack.append(pc + 1) }
            case .scalar, .any, .set: break
            }
        }
        return false
    }

    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        TemplateRegexSet.word.contains(scalar)
    }

    private func equals(_ scalar: Unicode.Scalar, _ expected: Unicode.Scalar) -> Bool {
        scalar == expected || (ignoresCase && Self.lower(scalar) == Self.lower(expected))
    }

    private func contains(_ set: TemplateRegexSet, _ scalar: Unicode.Scalar) -> Bool {
        guard ignoresCase else { return set.contains(scalar) }
        return set.contains(scalar) || set.contains(Self.lower(scalar)) || set.contains(Self.upper(scalar))
    }

    private static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let mapping = scalar.properties.lowercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }

    private static func upper(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        let mapping = scalar.properties.uppercaseMapping.unicodeScalars
        return mapping.count == 1 ? mapping.first! : scalar
    }
}

/// The set of program counters live at one input position, each once, in the order added.
private struct ThreadList {
    private var isMember: [Bool]
    private(set) var pcs: [Int] = []

    init(size: Int) {
        isMember = Array(repeating: false, count: size)
        pcs.reserveCapacity(size)
    }

    /// Adds `pc`; false when it was already there.
    mutating func insert(_ pc: Int) -> Bool {
        guard !isMember[pc] else { return false }
        isMember[pc] = true
        pcs.append(pc)
        return true
    }

    mutating func clear() {
        for pc in pcs { isMember[pc] = false }
        pcs.removeAll(keepingCapacity: true)
    }
}

/// Why a pattern is not a regular expression this engine runs.
struct TemplateRegexError: Error, Sendable {
    var message: String
}

/// One instruction of a compiled pattern.
enum TemplateRegexInstruction: Sendable, Hashable {
    case scalar(Unicode.Scalar)
    /// Any character but a newline.
    case any
    case set(TemplateRegexSet)
    /// Go on at both targets.
    case split(Int, Int)
    case jump(Int)
    case textStart, textEnd
    /// `\b` (true) or `\B` (false).
    case wordBoundary(Bool)
    case match
}

/// A character class: ranges of scalars, classes whose complement is included (`[\D]`), maybe negated.
struct TemplateRegexSet: Sendable, Hashable {
    var ranges: [ClosedRange<UInt32>] = []
    /// Classes whose complement belongs to the set: `[\S]` holds everything not in `\s`.
    var complements: [[ClosedRange<UInt32>]] = []
    var isNegated = false

    static let digitRanges: [ClosedRange<UInt32>] = [0x30...0x39]
    static let wordRanges: [ClosedRange<UInt32>] = [0x30...0x39, 0x41...0x5A, 0x5F...0x5F, 0x61...0x7A]
    static let spaceRanges: [ClosedRange<UInt32>] = [0x09...0x0D, 0x20...0x20]
    static let word = TemplateRegexSet(ranges: wordRanges)

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        let isMember =
            ranges.contains { $0.contains(value) } || complements.contains { !$0.contains { $0.contains(value) } }
        return isMember != isNegated
    }
}
