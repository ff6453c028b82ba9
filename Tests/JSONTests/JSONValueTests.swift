import Foundation
import JSON
import Testing

@Suite struct JSONValueTests {
    @Test func parsesEveryKind() throws {
        let value = try JSONValue(parsing: #" {"a": [1, -2.5e1, true, false, null], "b": {"c": "d\n\u00e9\ud83d\ude00"}} "#)
        #expect(value == ["a": [1, -25, true, false, nil], "b": ["c": "d\né😀"]])
        #expect(value["a"]?[1]?.numberValue == -25)
        #expect(value["a"]?[0]?.intValue == 1)
        #expect(value["b"]?["c"]?.stringValue == "d\né😀")
        #expect(value["missing"] == nil)
        #expect(value["a"]?[9] == nil)
    }

    @Test func writesCompactTextWithSortedKeys() {
        let value: JSONValue = ["z": 1, "a": [1.5, "q\"\\\u{1}"], "m": nil]
        #expect(value.jsonText == #"{"a":[1.5,"q\"\\\u0001"],"m":null,"z":1}"#)
        #expect(JSONValue.number(1e20).jsonText == "1e+20")
    }

    @Test func roundTripsThroughTheWriter() throws {
        let text = #"{"id":"e1","list":[{"x":[]},{}],"n":12345678901,"s":"tab\tcr\r"}"#
        #expect(try JSONValue(parsing: text).jsonText == text)
    }

    @Test(arguments: [
        ("", "unexpected end of input"), ("{", "expected a string key"), ("[1,]", "unexpected character"),
        ("01", "leading zero in a number"), ("1.", "expected a digit after '.'"), ("\"a", "unterminated string"),
        ("\"\\x\"", "unknown escape"), ("\"\\ud800\"", "unpaired surrogate"), ("{\"a\" 1}", "expected ':'"),
        ("true false", "unexpected data after the document"), ("\"a\u{1}\"", "control character in a string"),
        ("1e999", "number out of range"), ("nul", "expected 'null'"),
    ])
    func refusesMalformedInput(text: String, message: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        do {
            _ = try JSONValue(parsing: text)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func refusesInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func depthIsBounded() throws {
        let deep = String(repeating: "[", count: JSONValue.maxDepth) + String(repeating: "]", count: JSONValue.maxDepth)
        _ = try JSONValue(parsing: deep)
        let tooDeep = "[" + deep + "]"
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: tooDeep) }
    }

    @Test func codableMatchesTheParser() throws {
        let value: JSONValue = ["steps": [["id": "contact", "input": ["email": "a@b.c", "n": 3]]], "ok": true]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(JSONValue.self, from: data) == value)
        #expect(try JSONValue(parsing: Array(data)) == value)
    }
}
