/// Why some bytes are not a JSON document, and where (a byte offset).
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public var message: String
    /// Offset of the offending byte from the start of the input.
    public var offset: Int

    public var description: String { "invalid JSON at byte \(offset): \(message)" }
}

extension JSONValue {
    /// The largest nesting of arrays and objects accepted; deeper input is refused rather than recursed into.
    public static let maxDepth = 128

    /// Parses one JSON document (RFC 8259) from UTF-8 bytes; whitespace may surround it, nothing else.
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        // Contiguous input (`[UInt8]`, `ArraySlice`, `Data`, a native string's UTF-8) is parsed where it lies;
        // anything else is copied once.
        let result =
            bytes.withContiguousStorageIfAvailable(JSONParser.parse)
            ?? Array(bytes).withUnsafeBufferPointer(JSONParser.parse)
        self = try result.get()
    }

    /// Parses one JSON document from text.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: text.utf8)
    }

    /// Parses one JSON document from UTF-8 bytes, building only what `projection` keeps: the rest is checked
    /// and passed over. The document is refused exactly when `init(parsing:)` would refuse it.
    public init(parsing bytes: [UInt8], keeping projection: JSONProjection) throws(JSONParseError) {
        guard !projection.keepsEverything else {
            try self.init(parsing: bytes)
            return
        }
        self = try bytes.withUnsafeBufferPointer { buffer in JSONParser.parse(buffer, keeping: projection) }.get()
    }
}

/// A strict recursive-descent parser over bytes with a depth bound.
///
/// It reads a borrowed buffer, so it must not outlive the `withUnsafe…` call that lends it: `parse(_:)` is the
/// only way to make one, and it runs the parser to completion before returning. Every read of `bytes` is behind a
/// `position < bytes.count` check of its own, since the buffer's subscript is unchecked in release builds.
struct JSONParser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    private var depth = 0
    /// Members of the objects being parsed, innermost object's last: a buffer reused by every object, from which
    /// each object's members are copied once, at their final count.
    private var pendingMembers: [JSONObject.Member] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// Parses `bytes` as one whole document.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<JSONValue, JSONParseError> {
        var parser = JSONParser(bytes: bytes)
        return Result { () throws(JSONParseError) in try parser.parseDocument() }
    }

    /// Parses `bytes` as one whole document, building only what `projection` keeps.
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, keeping projection: JSONProjection)
        -> Result<JSONValue, JSONParseError>
    {
        var parser = JSONParser(bytes: bytes)
        return Result { () throws(JSONParseError) in try parser.parseDocument(keeping: projection) }
    }

    private mutating func parseDocument(keeping projection: JSONProjection = .everything) throws(JSONParseError)
        -> JSONValue
    {
        skipWhitespace()
        let value = try parseValue(keeping: projection)
        skipWhitespace()
        guard position == bytes.count else { throw failure("unexpected data after the document") }
        return value
    }

    private func failure(_ message: String) -> JSONParseError {
        JSONParseError(message: message, offset: position)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue() throws(JSONParseError) -> JSONValue {
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject()
        case UInt8(ascii: "["): return try parseArray()
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected character")
        }
    }

    /// A value, of which only what `projection` keeps is built: projections select members of objects, so any
    /// other value is built whole.
    private mutating func parseValue(keeping projection: JSONProjection) throws(JSONParseError) -> JSONValue {
        guard let members = projection.members, position < bytes.count, bytes[position] == UInt8(ascii: "{") else {
            return try parseValue()
        }
        return try parseObject(keeping: members)
    }

    private mutating func parseLiteral(_ word: StaticString, _ value: JSONValue) throws(JSONParseError) -> JSONValue {
        for index in 0..<word.utf8CodeUnitCount {
            guard position < bytes.count, bytes[position] == word.utf8Start[index] else {
                throw failure("expected '\(word)'")
            }
            position += 1
        }
        return value
    }

    private mutating func enter() throws(JSONParseError) {
        depth += 1
        guard depth <= JSONValue.maxDepth else { throw failure("nested deeper than \(JSONValue.maxDepth) levels") }
    }

    private mutating func parseObject() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        let firstMember = pendingMembers.endIndex
        try forEachMember(key: { parser throws(JSONParseError) in try parser.parseString() }) {
            parser, key throws(JSONParseError) in
            parser.pendingMembers.append(JSONObject.Member(key: key, value: try parser.parseValue()))
        }
        return takeObject(from: firstMember)
    }

    /// An object of which only the members in `kept` are built, each as its projection says; the others are
    /// passed over.
    private mutating func parseObject(keeping kept: [JSONProjection.Member]) throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        let firstMember = pendingMembers.endIndex
        try forEachMember(key: { parser throws(JSONParseError) in try parser.keptMember(of: kept) }) {
            parser, index throws(JSONParseError) in
            guard let index else { return try parser.skipValue() }
            let value = try parser.parseValue(keeping: kept[index].projection)
            parser.pendingMembers.append(JSONObject.Member(key: kept[index].key, value: value))
        }
        return takeObject(from: firstMember)
    }

    /// The object of the pending members from `firstMember` on, which it takes off the buffer. They are in
    /// document order, so that of duplicate keys the last one wins.
    private mutating func takeObject(from firstMember: Int) -> JSONValue {
        let members = JSONObject(unsorted: Array(pendingMembers[firstMember...]))
        pendingMembers.removeSubrange(firstMember...)
        return .object(members)
    }

    /// Reads a key and tells which of `kept` it is, if any. A plain ASCII key (the usual kind) is compared as
    /// bytes where it lies; any other is made a `String` and compared as one (as `String`s compare).
    private mutating func keptMember(of kept: [JSONProjection.Member]) throws(JSONParseError) -> Int? {
        let opening = position
        let start = position + 1
        let (end, isASCII) = plainRun(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\""), isASCII else {
            position = opening
            let key = try parseString()
            return kept.firstIndex { $0.key == key }
        }
        position = end + 1
        let length = end - start
        return kept.firstIndex { member in
            member.utf8.count == length && member.utf8.withUnsafeBufferPointer { utf8 in
                (0..<length).allSatisfy { utf8[$0] == bytes[start + $0] }
            }
        }
    }

    /// Reads the members of an object whose `{` was read (and `enter()`ed): `readKey` reads each key (from its
    /// opening quote) and `body` the value that follows, given what `readKey` returned; the closing `}` is read
    /// and the depth restored.
    private mutating func forEachMember<Key>(
        key readKey: (inout JSONParser) throws(JSONParseError) -> Key,
        _ body: (inout JSONParser, Key) throws(JSONParseError) -> Void
    ) throws(JSONParseError) {
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw failure("expected a string key")
            }
            let key = try readKey(&self)
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw failure("expected ':'") }
            position += 1
            skipWhitespace()
            try body(&self, key)
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input in an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "}") else { throw failure("expected ',' or '}'") }
            position += 1
            depth -= 1
            return
        }
    }

    /// Reads a value without building it, failing where `parseValue()` would. Numbers and literals cost nothing
    /// to build, so they are parsed; strings are checked in place.
    private mutating func skipValue() throws(JSONParseError) {
        guard position < bytes.count else { throw failure("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            try enter()
            position += 1
            try forEachMember(key: { parser throws(JSONParseError) in try parser.skipString() }) {
                parser, _ throws(JSONParseError) in try parser.skipValue()
            }
        case UInt8(ascii: "["):
            try enter()
            position += 1
            try forEachElement { parser throws(JSONParseError) in try parser.skipValue() }
        case UInt8(ascii: "\""):
            try skipString()
        default:
            _ = try parseValue()
        }
    }

    /// Reads a string as `parseString()` does, failing alike, without making it (unless it holds an escape).
    private mutating func skipString() throws(JSONParseError) {
        let opening = position
        let start = position + 1
        let (end, isASCII) = plainRun(from: start)
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else {
            // The end of input, a control character or an escape: `parseString()` tells which, or unescapes.
            position = opening
            _ = try parseString()
            return
        }
        position = end + 1
        if !isASCII, (try? UTF8Span(validating: UnsafeBufferPointer(rebasing: bytes[start..<end]).span)) == nil {
            throw failure("string is not valid UTF-8")
        }
    }

    private mutating func parseArray() throws(JSONParseError) -> JSONValue {
        try enter()
        position += 1
        var elements: [JSONValue] = []
        try forEachElement { parser throws(JSONParseError) in elements.append(try parser.parseValue()) }
        return .array(elements)
    }

    /// Reads the elements of an array whose `[` was read (and `enter()`ed), each with `body`; the closing `]` is
    /// read and the depth restored.
    private mutating func forEachElement(_ body: (inout JSONParser) throws(JSONParseError) -> Void)
        throws(JSONParseError)
    {
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return
        }
        while true {
            skipWhitespace()
            try body(&self)
            skipWhitespace()
            guard position < bytes.count else { throw failure("unexpected end of input in an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
                continue
            }
            guard bytes[position] == UInt8(ascii: "]") else { throw failure("expected ',' or ']'") }
            position += 1
            depth -= 1
            return
        }
    }

    /// Moves past a run of ASCII digits and returns how many there were.
    private mutating func skipDigits() -> Int {
        let from = position
        while position < bytes.count, bytes[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        return position - from
    }

    private mutating func parseNumber() throws(JSONParseError) -> JSONValue {
        let start = position
        let isNegative = bytes[position] == UInt8(ascii: "-")
        if isNegative { position += 1 }
        let integerStart = position
        let integerDigits = skipDigits()
        guard integerDigits > 0 else { throw failure("expected a digit") }
        if integerDigits > 1, bytes[integerStart] == UInt8(ascii: "0") {
            throw JSONParseError(message: "leading zero in a number", offset: integerStart)
        }
        var isInteger = true
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard skipDigits() > 0 else { throw failure("expected a digit after '.'") }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard skipDigits() > 0 else { throw failure("expected a digit in the exponent") }
        }
        // An integer of at most 15 digits is below 2^53, so converting it is exact and gives what `Double(text)`
        // gives, -0 for "-0" included. Anything else is left to the standard library's correctly rounded parser.
        if isInteger, integerDigits <= 15 {
            var magnitude = 0
            for index in integerStart..<position { magnitude = magnitude * 10 + Int(bytes[index] &- UInt8(ascii: "0")) }
            let number = Double(magnitude)
            return .number(isNegative ? -number : number)
        }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let number = Double(text), number.isFinite else {
            throw JSONParseError(message: "number out of range", offset: start)
        }
        return .number(number)
    }

    /// The bytes of a string from `start` (just past its opening quote) that need no unescaping: where they end (at
    /// the closing quote, an escape, a control character or the end of input) and whether all of them are ASCII.
    /// Most strings are one such run. (A local index, so that the loop keeps it in a register.)
    private func plainRun(from start: Int) -> (end: Int, isASCII: Bool) {
        var end = start
        var allBits: UInt8 = 0
        while end < bytes.count {
            let byte = bytes[end]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            allBits |= byte
            end += 1
        }
        return (end, allBits < 0x80)
    }

    /// Parses a string from its opening quote. An invalid UTF-8 sequence is reported only once the closing quote
    /// is reached, at the offset just past that quote; errors met on the way (a control character, a bad escape,
    /// the end of input) take precedence.
    private mutating func parseString() throws(JSONParseError) -> String {
        let start = position + 1
        // Most strings hold no escape: find the closing quote and make the String straight from the bytes between.
        let (end, isASCII) = plainRun(from: start)
        position = end
        guard position < bytes.count else { throw failure("unterminated string") }
        if bytes[position] == UInt8(ascii: "\"") {
            let text = Self.makeString(UnsafeBufferPointer(rebasing: bytes[start..<position]), isASCII: isASCII)
            position += 1
            guard let text else { throw failure("string is not valid UTF-8") }
            return text
        }
        if bytes[position] < 0x20 { throw failure("control character in a string") }
        // An escape: unescape from here on into a copy.
        var utf8: [UInt8] = []
        utf8.reserveCapacity(position - start + 16)
        utf8.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while true {
            guard position < bytes.count else { throw failure("unterminated string") }
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                guard let text = utf8.withUnsafeBufferPointer({ Self.makeString($0, isASCII: false) }) else {
                    throw failure("string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                position += 1
                try parseEscape(into: &utf8)
            case 0..<0x20:
                throw failure("control character in a string")
            default:
                utf8.append(byte)
                position += 1
            }
        }
    }

    /// The text of `utf8`, or `nil` when it is not valid UTF-8.
    private static func makeString(_ utf8: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String? {
        // ASCII is valid UTF-8; `String(decoding:)` on it is the cheapest way in. `UTF8Span` validates the rest
        // exactly as `String(validating:as:)` does, without that initialiser's unspecialised generic path.
        if isASCII { return String(decoding: utf8, as: UTF8.self) }
        guard let validated = try? UTF8Span(validating: utf8.span) else { return nil }
        return String(copying: validated)
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONParseError) {
        guard position < bytes.count else { throw failure("unterminated escape") }
        let byte = bytes[position]
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(byte)
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try parseHex4()
            if (0xD800...0xDBFF).contains(scalar) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else { throw failure("unpaired surrogate") }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(scalar) {
                throw failure("unpaired surrogate")
            }
            // Surrogates are excluded above, so every remaining value is a scalar.
            UTF8.encode(Unicode.Scalar(scalar)!) { utf8.append($0) }
        default:
            throw failure("unknown escape")
        }
    }

    private mutating func parseHex4() throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw failure("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - 0x30)
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - 0x57)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - 0x37)
            default: throw failure("bad hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }
}
