import Foundation
import JSON
import Testing

@Suite struct JSONObjectTests {
    @Test func keepsMembersSortedWhateverTheOrderTheyCameIn() throws {
        let object: JSONObject = ["m": 2, "z": 3, "a": 1, "B": 0]
        #expect(object.keys == ["B", "a", "m", "z"])
        #expect(object.values == [0, 1, 2, 3])
        let parsed = try JSONValue(parsing: #"{"z": 3, "m": 2, "B": 0, "a": 1}"#)
        #expect(parsed == .object(object))
        #expect(parsed.objectValue?.map(\.key) == ["B", "a", "m", "z"])
    }

    @Test func ofDuplicateKeysTheLastOneWins() throws {
        let parsed = try JSONValue(parsing: #"{"b": 1, "a": 1, "b": 2, "c": 1, "b": 3}"#)
        #expect(parsed.objectValue?.count == 3)
        #expect(parsed["b"] == 3)
        #expect(parsed.jsonText == #"{"a":1,"b":3,"c":1}"#)
        let literal: JSONObject = ["k": 1, "k": 2]
        #expect(literal.count == 1 && literal["k"] == 2)
        #expect(JSONObject([(key: "x", value: 1), (key: "x", value: 2)])["x"] == 2)
    }

    @Test func looksUpSetsAndRemovesByKey() {
        var object: JSONObject = ["b": 2, "d": 4]
        #expect(object["b"] == 2)
        #expect(object["a"] == nil)
        #expect(object["e"] == nil)
        object["c"] = 3
        object["a"] = nil
        object["b"] = .null
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["b"] == .null)
        object["d"] = nil
        #expect(object.removeValue(forKey: "c") == 3)
        #expect(object.removeValue(forKey: "c") == nil)
        #expect(object == ["b": .null])
    }

    @Test func equalObjectsAreEqualAndHashAlikeWhateverTheirHistory() {
        var built = JSONObject()
        for key in ["q", "e", "w"] { built[key] = .string(key) }
        let literal: JSONObject = ["w": "w", "q": "q", "e": "e"]
        #expect(built == literal)
        #expect(built.hashValue == literal.hashValue)
        #expect(JSONObject(["e": "e", "q": "q", "w": "w"]) == literal)
        #expect(built.dictionary == ["e": "e", "q": "q", "w": "w"])
    }

    @Test func mapsAndFiltersIntoObjects() {
        let object: JSONObject = ["a": 1, "b": nil, "c": 3]
        #expect(object.filter { !$0.value.isNull } == ["a": 1, "c": 3])
        #expect(object.mapValues { $0.isNull ? 0 : $0 } == ["a": 1, "b": 0, "c": 3])
    }

    /// A body of many members is sorted in n log n: 20,000 keys in reverse order, with a duplicate of each.
    @Test func sortsLargeObjects() throws {
        let keys = (0..<20_000).map { String(format: "k%05d", 19_999 - $0) }
        let text = "{" + (keys.map { "\"\($0)\":0" } + keys.map { "\"\($0)\":1" }).joined(separator: ",") + "}"
        let object = try #require(try JSONValue(parsing: text).objectValue)
        #expect(object.count == 20_000)
        #expect(object.keys == keys.reversed())
        #expect(object.values.allSatisfy { $0 == 1 })
    }
}
