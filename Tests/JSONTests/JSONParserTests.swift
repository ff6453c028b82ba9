import JSON
import Testing

/// The parser's fast paths (strings without escapes, short integers, objects built at their final size) against
/// what the general paths give, and the errors and offsets that must not move.
@Suite struct JSONParserTests {
    /// Expects `bytes` to be refused with `message` at `offset`.
    private func expectFailure(
        _ bytes: [UInt8], _ message: String, at offset: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        do {
            let value = try JSONValue(parsing: bytes)
            Issue.record("parsed as \(value)", sourceLocation: sourceLocation)
        } catch {
            #expect(error.message == message, sourceLocation: sourceLocation)
            #expect(error.offset == offset, sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: [
        "", "a", "fifteen bytes!!", "sixteen bytes!!!", String(repeating: "long ", count: 400), "é", "日本語",
        "😀 at the end", "mixed é 日 😀 and ASCII", "'single quotes' and / slash",
    ])
    func stringsWithoutEscapes(text: String) throws {
        let json = "\"" + text + "\""
        #expect(try JSONValue(parsing: json) == .string(text))
        #expect(try JSONValue(parsing: "{\"" + text + "\": 1}") == .object([text: 1]))
    }

    @Test(arguments: [
        (#""\"starts""#, "\"starts"), (#""mid\ndle""#, "mid\ndle"), (#""ends\\""#, "ends\\"), (#""\t""#, "\t"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{c}\n\r\t"), (#""\u0000\u001F""#, "\u{0}\u{1F}"),
        (#""caf\u00e9""#, "café"), (#""caf\u00C9""#, "cafÉ"), (#""\u65e5本""#, "日本"), (#""é\n日""#, "é\n日"),
        (#""\ud83d\ude00 and \uD83D\uDE00""#, "😀 and 😀"), (#""sixteen bytes!!\n after""#, "sixteen bytes!!\n after"),
    ])
    func stringsWithEscapes(json: String, text: String) throws {
        #expect(try JSONValue(parsing: json) == .string(text))
        #expect(try JSONValue(parsing: "{" + json + ": " + json + "}") == .object([text: .string(text)]))
    }

    /// Invalid UTF-8 is found once the string is complete: the offset is just past its closing quote, whether or
    /// not the string held an escape, and an error met earlier in the string wins.
    @Test(
        arguments: [
            ([0x22, 0xFF, 0x22], "string is not valid UTF-8", 3),
            (Array(#"{"k": "ab"#.utf8) + [0xC3] + Array(#"", "z": 1}"#.utf8), "string is not valid UTF-8", 11),
            (Array("{\"é\":1, \"k".utf8) + [0xFF] + Array("\":2}".utf8), "string is not valid UTF-8", 13),
            (Array(#"["\n"#.utf8) + [0xFF] + Array(#"x"]"#.utf8), "string is not valid UTF-8", 7),
            ([0x22, 0xC0, 0xAF, 0x22], "string is not valid UTF-8", 4),  // overlong '/'
            ([0x22, 0xED, 0xA0, 0x80, 0x22], "string is not valid UTF-8", 5),  // an encoded surrogate
            ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], "string is not valid UTF-8", 6),  // above U+10FFFF
            ([0x22, 0xF0, 0x9F, 0x98, 0x22], "string is not valid UTF-8", 5),  // truncated
            ([0x22, 0xFF, 0x01, 0x22], "control character in a string", 2),
            ([0x22, 0xFF], "unterminated string", 2),
        ] as [([UInt8], String, Int)])
    func invalidUTF8(bytes: [UInt8], message: String, offset: Int) {
        expectFailure(bytes, message, at: offset)
    }

    @Test func controlCharacters() throws {
        for byte: UInt8 in 0..<0x20 {
            expectFailure([0x22, 0x61, byte, 0x22], "control character in a string", at: 2)
            expectFailure([0x22, 0x5C, 0x6E, byte, 0x22], "control character in a string", at: 3)
        }
        #expect(try JSONValue(parsing: [0x22, 0x7F, 0x22]) == .string("\u{7F}"))
    }

    @Test(arguments: [
        ("\"abc", "unterminated string", 4), ("\"a\\n", "unterminated string", 4), ("\"\\", "unterminated escape", 2),
        ("\"\\u12\"", "truncated \\u escape", 3), ("\"\\u12g4\"", "bad hex digit in \\u escape", 5),
        ("\"\\ud800\\u0041\"", "unpaired surrogate", 13), ("\"\\udc00\"", "unpaired surrogate", 7),
        ("\"\\ud800x\"", "unpaired surrogate", 7), ("\"a\\qb\"", "unknown escape", 4),
        ("{\"a\":tru}", "expected 'true'", 8), ("  [1 , 2 ]x", "unexpected data after the document", 10),
        ("{\"a\":1,}", "expected a string key", 7), ("{\"a\":1 \"b\":2}", "expected ',' or '}'", 7),
        ("[1 2]", "expected ',' or ']'", 3), ("{\"a\":1", "unexpected end of input in an object", 6),
    ])
    func errorOffsets(text: String, message: String, offset: Int) {
        expectFailure(Array(text.utf8), message, at: offset)
    }

    /// Short integers are converted without the standard library's parser; every number must still be exactly
    /// what `Double(text)` gives.
    @Test(arguments: [
        "0", "-0", "7", "-7", "123456789012345", "-999999999999999", "999999999999999", "1000000000000000",
        "1234567890123456", "12345678901234567", "-12345678901234567", "9007199254740992", "9007199254740993",
        "99999999999999999999", "0.5", "-0.0", "1e3", "1E+3", "25e-1", "1.7976931348623157e308",
    ])
    func numbersAreWhatDoubleGives(text: String) throws {
        let number = try #require(try JSONValue(parsing: text).numberValue)
        #expect(number.bitPattern == Double(text)!.bitPattern)
        #expect(try JSONValue(parsing: "[" + text + "]") == .array([.number(number)]))
    }

    @Test(arguments: [
        ("-", "expected a digit", 1), ("-x", "expected a digit", 1), ("00", "leading zero in a number", 0),
        ("-01", "leading zero in a number", 1), ("[1, 012]", "leading zero in a number", 4),
        ("01.5", "leading zero in a number", 0), ("1e", "expected a digit in the exponent", 2),
        ("1.e5", "expected a digit after '.'", 2), ("[-1e400]", "number out of range", 1),
    ])
    func malformedNumbers(text: String, message: String, offset: Int) {
        expectFailure(Array(text.utf8), message, at: offset)
    }

    @Test func objectsKeepTheLastOfDuplicateKeysAtEveryDepth() throws {
        let value = try JSONValue(parsing: #"{"a":1,"n":{"b":1,"b":{"c":[{"d":1,"d":2},{}]},"e":3},"a":2}"#)
        #expect(value == ["a": 2, "n": ["b": ["c": [["d": 2], [:]]], "e": 3]])
    }

    @Test func offsetsCountFromTheStartOfTheGivenBytes() throws {
        let bytes = Array(#"xx{"a": [1, 2]}yy"#.utf8)
        let slice = bytes[2..<(bytes.count - 2)]
        #expect(try JSONValue(parsing: slice) == ["a": [1, 2]])
        let malformed = bytes[2..<(bytes.count - 3)]
        do {
            _ = try JSONValue(parsing: malformed)
            Issue.record("parsed a truncated object")
        } catch {
            #expect(error.offset == 12)
        }
        // A collection without contiguous storage is copied first, and parses the same.
        let scattered = slice.indices.lazy.map { bytes[$0] }
        #expect(try JSONValue(parsing: scattered) == ["a": [1, 2]])
    }
}
