import JSON
import Testing

@testable import Rules

@Suite struct TemplateLimitTests {
    private let limit = TemplateLimits.maximumTextLength

    private func context(_ form: [String: JSONValue]) -> TemplateContext {
        TemplateContext(form: .object(form), now: 0)
    }

    private func expectLimit(
        _ text: String, _ context: TemplateContext, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws {
        let error = try #require(try evaluationError(text, context), sourceLocation: sourceLocation)
        #expect(error.code == .limitExceeded, sourceLocation: sourceLocation)
        #expect(!error.code.isValidation, sourceLocation: sourceLocation)
    }

    @Test func concatenationAtTheLimit() throws {
        let half: JSONValue = .string(String(repeating: "x", count: limit / 2))
        let exact = context(["a": half, "b": half, "c": "y"])
        #expect(try render("{{ form.a + form.b }}", exact).stringValue?.utf8.count == limit)
        #expect(try render("{{ form.a }}{{ form.b }}", exact).stringValue?.utf8.count == limit)
        try expectLimit("{{ form.a + form.b + form.c }}", exact)
        try expectLimit("{{ form.a }}{{ form.b }}{{ form.c }}", exact)
        try expectLimit("{{ form.a }}{{ form.b }}!", exact)
        let error = try #require(try evaluationError("{{ form.a + form.b + form.c }}", exact))
        #expect(error.description == "config/dealhook.yaml:14:28: the text built here would be longer than 65536 bytes")
    }

    @Test func inputsLongerThanTheLimitPassThrough() throws {
        let big = context(["big": .string(String(repeating: "x", count: limit * 2))])
        #expect(try render("{{ form.big }}", big).stringValue?.count == limit * 2)
        #expect(try render("{{ form.big | truncate(100000000) }}", big).stringValue?.count == limit * 2)
        #expect(try render("{{ form.big | truncate(10) }}", big) == "xxxxxxxxxx")
        try expectLimit("{{ form.big | json }}", big)
        try expectLimit("<{{ form.big }}>", big)
    }

    @Test func replaceIsCapped() throws {
        let half = context(["a": .string(String(repeating: "a", count: limit / 2))])
        #expect(try render("{{ form.a | replace('a', 'bb') }}", half).stringValue?.utf8.count == limit)
        try expectLimit("{{ form.a | replace('a', 'bbb') }}", half)
    }

    @Test func splitIsCapped() throws {
        let count = TemplateLimits.maximumListCount
        let atLimit = context(["a": .string(String(repeating: ",", count: count - 1))])
        #expect(try render("{{ form.a | split(',') | length }}", atLimit) == .number(Double(count)))
        try expectLimit("{{ form.a | split(',') }}", context(["a": .string(String(repeating: ",", count: count))]))
        try expectLimit("{{ form.a | split('') }}", context(["a": .string(String(repeating: "x", count: count + 1))]))
        #expect(
            try render(
                "{{ form.a | split('') | length }}", context(["a": .string(String(repeating: "x", count: count))]))
                == .number(Double(count)))
    }

    @Test func listsAndJoinAreCapped() throws {
        let count = TemplateLimits.maximumListCount
        let lists = context([
            "half": .array(Array(repeating: 1, count: count / 2)), "one": [1],
            "words": .array(Array(repeating: "abcdef", count: count)),
        ])
        #expect(try render("{{ (form.half + form.half) | length }}", lists) == .number(Double(count)))
        try expectLimit("{{ form.half + form.half + form.one }}", lists)
        #expect(try render("{{ form.words | join('') | length }}", lists) == .number(Double(count * 6)))
        try expectLimit("{{ form.words | join('-') }}", lists)
    }

    @Test func deepNestingIsRefusedAtParseTime() {
        let depth = TemplateLimits.maximumExpressionDepth
        func parens(_ count: Int) -> String {
            "{{ " + String(repeating: "(", count: count) + "1" + String(repeating: ")", count: count) + " }}"
        }
        #expect(templateProblems(parens(depth - 2)) == nil)
        #expect(templateProblems(parens(depth + 1))?.hasSuffix("expression nested deeper than 64 levels") == true)
        #expect(templateProblems(parens(100_000))?.hasSuffix("expression nested deeper than 64 levels") == true)
        let sum = "{{ 1" + String(repeating: " + 1", count: depth - 1) + " }}"
        #expect(templateProblems(sum) == nil)
        #expect(templateProblems("{{ 1" + String(repeating: " + 1", count: depth) + " }}") != nil)
        #expect(templateProblems("{{ x" + String(repeating: " | lower", count: 200) + " }}") != nil)
        #expect(expressionProblems(String(repeating: "not ", count: 10_000) + "true") != nil)
        #expect(expressionProblems(String(repeating: "-", count: 10_000) + "1") != nil)
        #expect(expressionProblems(String(repeating: "[", count: 10_000)) != nil)
        #expect(expressionProblems(String(repeating: "true ? 1 : ", count: 1_000) + "0") != nil)
    }

    @Test func theCountingIsAboutBytes() throws {
        // 'é' is two bytes in UTF-8: half the limit of characters is the whole limit of bytes.
        let wide = context(["a": .string(String(repeating: "é", count: limit / 4)), "b": "é"])
        #expect(try render("{{ form.a + form.a }}", wide).stringValue?.utf8.count == limit)
        try expectLimit("{{ form.a + form.a + form.b }}", wide)
    }
}
