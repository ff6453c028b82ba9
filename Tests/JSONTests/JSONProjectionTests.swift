import JSON
import Testing

@Suite struct JSONProjectionTests {
    static let document = #"""
        {"id": "evt_1", "type": "paid", "livemode": false, "n": 1.5e3, "esc\u0061ped": "x\ty",
         "data": {"object": {"amount": 1200, "customer": {"email": "ada@example.com", "name": "Ada"},
                  "lines": [{"sku": "a"}, {"sku": "b"}], "note": "caf\u00e9 ☕"}},
         "request": {"id": null, "tags": ["a", {"deep": [1, 2, {"x": "y"}]}]}}
        """#

    static func parsed(keeping paths: [[String]]) throws -> JSONValue {
        var projection = JSONProjection.nothing
        for path in paths { projection.include(path) }
        return try JSONValue(parsing: Array(document.utf8), keeping: projection)
    }

    @Test func keepsTheMembersOnThePathsAndWholeValuesWhereTheyEnd() throws {
        let kept = try Self.parsed(keeping: [["type"], ["data", "object", "customer"], ["data", "object", "lines"]])
        #expect(
            kept
                == [
                    "type": "paid",
                    "data": [
                        "object": [
                            "customer": ["email": "ada@example.com", "name": "Ada"], "lines": [["sku": "a"], ["sku": "b"]],
                        ]
                    ],
                ])
    }

    @Test func keepsWhatAPlainParseGivesAtEachKeptPath() throws {
        let whole = try JSONValue(parsing: Self.document)
        let kept = try Self.parsed(
            keeping: [["escaped"], ["data", "object", "note"], ["request"], ["n"], ["missing", "x"]])
        #expect(kept["escaped"] == whole["escaped"])
        #expect(kept["data"]?["object"]?["note"] == whole["data"]?["object"]?["note"])
        #expect(kept["request"] == whole["request"])
        #expect(kept["n"] == 1500)
        #expect(kept["missing"] == nil && kept["id"] == nil && kept["data"]?["object"]?["amount"] == nil)
    }

    @Test func anEmptyPathOrEverythingIsAPlainParse() throws {
        let whole = try JSONValue(parsing: Self.document)
        #expect(try Self.parsed(keeping: [["type"], []]) == whole)
        #expect(try JSONValue(parsing: Array(Self.document.utf8), keeping: .everything) == whole)
        var projection = JSONProjection.nothing
        projection.include([])
        #expect(projection.keepsEverything)
    }

    @Test func aPathThroughAValueThatIsNoObjectKeepsThatValue() throws {
        var projection = JSONProjection.nothing
        projection.include(["list", "x"])
        projection.include(["text", "y"])
        let text = #"{"list": [1, {"x": 2}], "text": "t", "other": 3}"#
        let kept = try JSONValue(parsing: Array(text.utf8), keeping: projection)
        #expect(kept == ["list": [1, ["x": 2]], "text": "t"])
        #expect(try JSONValue(parsing: Array("[1, 2]".utf8), keeping: projection) == [1, 2])
    }

    @Test func ofDuplicateKeptKeysTheLastOneWins() throws {
        var projection = JSONProjection.nothing
        projection.include(["a"])
        let kept = try JSONValue(parsing: Array(#"{"a": 1, "b": 2, "a": {"c": 3}}"#.utf8), keeping: projection)
        #expect(kept == ["a": ["c": 3]])
    }

    /// What is passed over is checked all the same: a document is refused, with the same message at the same
    /// byte, whatever is kept of it.
    @Test(arguments: [
        #"{"a": 1, "skip": "bad \#u{1} control"}"#, #"{"a": 1, "skip": "\x"}"#, #"{"a": 1, "skip": [1, 2,]}"#,
        #"{"a": 1, "skip": {"k" 1}}"#, #"{"a": 1, "skip": 01}"#, #"{"a": 1, "skip": 1e999}"#,
        #"{"a": 1, "skip": tru}"#, #"{"a": 1, "skip": "unterminated"#, #"{"a": 1, "skip": {"x": [}"#,
        #"{"a": 1, "skip": "\ud800"}"#, #"{"a": 1, "skip": 1} trailing"#, #"{"a": 1, "skip"#,
        String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
        #"{"a": 1, "skip": "# + String(repeating: "[", count: 200) + "}",
    ])
    func refusesWhatAPlainParseRefuses(text: String) throws {
        var projection = JSONProjection.nothing
        projection.include(["a"])
        let plain = #expect(throws: JSONParseError.self) { try JSONValue(parsing: text) }
        let projected = #expect(throws: JSONParseError.self) {
            try JSONValue(parsing: Array(text.utf8), keeping: projection)
        }
        #expect(projected == plain)
    }

    @Test func refusesInvalidUTF8InWhatItPassesOver() throws {
        var projection = JSONProjection.nothing
        projection.include(["a"])
        let bytes = Array(#"{"a": 1, "skip": "x"#.utf8) + [0xC3, 0x28] + Array(#"", "k\#u{E9}y": 2}"#.utf8)
        let plain = #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes) }
        let projected = #expect(throws: JSONParseError.self) { try JSONValue(parsing: bytes, keeping: projection) }
        #expect(projected == plain)
        let key = Array(#"{"\#u{E9}": 1, "a": 2}"#.utf8)
        #expect(try JSONValue(parsing: key, keeping: projection) == ["a": 2])
        #expect(try JSONValue(parsing: Array(#"{"caf\#u{E9}": 1}"#.utf8), keeping: {
            var only = JSONProjection.nothing
            only.include(["caf\u{E9}"])
            return only
        }()) == ["caf\u{E9}": 1])
    }
}
