import Testing

@testable import Rules

@Suite struct KeySuggestionTests {
    @Test(arguments: [
        ("listn", "listen", 1), ("lsiten", "listen", 1), ("listen", "listen", 0), ("lstn", "listen", 2),
        ("", "abc", 3), ("abc", "", 3), ("kitten", "sitting", 3), ("ca", "abc", 3),
    ])
    func editDistance(a: String, b: String, expected: Int) {
        #expect(KeySuggestion.editDistance(Array(a.utf8), Array(b.utf8)) == expected)
    }

    @Test func closest() {
        let keys = ["idle_timeout", "body_timeout", "listen", "id"]
        #expect(KeySuggestion.closest(to: "body_timeot", among: keys) == "body_timeout")
        #expect(KeySuggestion.closest(to: "lisen", among: keys) == "listen")
        #expect(KeySuggestion.closest(to: "port", among: keys) == nil)
        #expect(KeySuggestion.closest(to: "ab", among: keys) == nil)
    }
}
