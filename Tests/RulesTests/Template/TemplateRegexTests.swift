import Testing

@testable import Rules

@Suite struct TemplateRegexTests {
    @Test(arguments: [
        ("abc", "xxabcxx", true), ("^abc", "xxabc", false), ("abc$", "xxabc", true), ("^$", "", true),
        ("a.c", "abc", true), ("a.c", "a\nc", false), ("colou?r", "color", true), ("colou?r", "colour", true),
        ("ab*c", "ac", true), ("ab+c", "ac", false), ("ab{2}c", "abbc", true), ("ab{2}c", "abbbc", false),
        ("^ab{2,}c$", "abbbbc", true), ("^ab{1,2}c$", "abbbc", false), ("a{,2}", "a{,2}", true),
        ("x{", "x{", true), ("^(ab|cd)+$", "abcdab", true), ("^(ab|cd)+$", "abc", false), ("(?:a|b)c", "bc", true),
        ("[abc]", "xbx", true), ("^[^abc]+$", "xyz", true), ("^[^abc]+$", "xaz", false),
        ("^[a-z0-9_-]+$", "a-b_9", true),
        ("[]a]", "]", true), ("^[\\d.]+$", "1.5", true), ("^[\\D]+$", "ab", true), ("^[\\D]+$", "a1", false),
        ("\\d{3}", "ab123", true), ("^\\w+$", "héllo", false), ("\\s", "a b", true), ("^\\S+$", "a b", false),
        ("\\bcat\\b", "a cat!", true), ("\\bcat\\b", "concat", false), ("\\Bcat", "concat", true),
        ("\\.com$", "a.com", true), ("\\.com$", "acom", false), ("a\\|b", "a|b", true), ("\\t", "a\tb", true),
        ("(?i)HELLO", "say hello", true), ("HELLO", "say hello", false), ("(?i)[A-Z]+É", "abcé", true),
        ("^(a*)*$", "aaaa", true), ("^(a|)+b$", "aaab", true), ("a+?", "aaa", true), ("", "anything", true),
        ("é+", "caféé", true), ("^.{3}$", "héé", true), ("😀", "ok 😀", true),
    ])
    func matches(pattern: String, text: String, expected: Bool) throws {
        #expect(try TemplateRegex(pattern).matches(text) == expected)
    }

    @Test(arguments: [
        ("a(b", "missing ')' at character 4"), ("a)b", "unbalanced ')' at character 2"),
        ("*a", "nothing to repeat at character 1"),
        ("a**", "a repetition cannot be repeated; add parentheses at character 3"),
        ("[ab", "missing ']' at character 4"), ("[z-a]", "range out of order at character 5"),
        ("a{101}", "a repetition count above 100 at character 7"),
        ("a{3,2}", "a repetition {3,2} out of order at character 7"),
        ("(?=a)", "only (?:…) groups and a leading (?i) are supported at character 2"),
        ("(a)\\1", "backreferences are not supported at character 6"), ("\\q", "unknown escape '\\q' at character 3"),
        ("a\\", "a pattern cannot end with '\\' at character 3"), ("^*", "nothing to repeat at character 2"),
        ("(a{100}){100}", "the pattern is too large once its repetitions are expanded"),
        (String(repeating: "(", count: 40), "groups nested too deep at character 33"),
        (String(repeating: "a", count: 1_001), "longer than 1000 characters"),
    ])
    func invalid(pattern: String, message: String) {
        #expect(throws: TemplateRegexError.self) { try TemplateRegex(pattern) }
        do throws(TemplateRegexError) {
            _ = try TemplateRegex(pattern)
        } catch {
            #expect(error.message == message)
        }
    }

    @Test func noCatastrophicBacktracking() throws {
        // Exponential for a backtracking engine; linear here.
        let text = String(repeating: "a", count: 20_000)
        let first = try TemplateRegex("^(a|a)*(a*)*b$")
        let second = try TemplateRegex("(x+x+)+y")
        let elapsed = ContinuousClock().measure {
            #expect(!first.matches(text))
            #expect(!second.matches(String(repeating: "x", count: 20_000)))
        }
        #expect(elapsed < .seconds(20))
    }

    @Test func onlyTheStartOfAHugeInputIsSearched() throws {
        let limit = TemplateLimits.maximumMatchInputLength
        let regex = try TemplateRegex("needle")
        #expect(regex.matches(String(repeating: "x", count: limit - 6) + "needle"))
        #expect(!regex.matches(String(repeating: "x", count: limit) + "needle"))
    }
}
