import JSON
import Testing

@testable import Rules

@Suite struct TemplateOperatorTests {
    static let sums: [(String, JSONValue)] = [
        ("1 + 2", 3), ("7 - 10", -3), ("6 * 7", 42), ("7 / 2", 3.5), ("-body.amount", -12345),
        ("- -3", 3), ("1 / 0", nil), ("'a' + 'b'", "ab"), ("'n=' + 5", "n=5"), ("5 + '!'", "5!"),
        ("'is ' + true", "is true"), ("[1] + [2, 3]", [1, 2, 3]), ("null + 1", nil), ("form.missing + 'x'", nil),
        ("'x' + null", nil), ("true + 1", nil), ("'3' - 1", nil), ("'3' * 2", nil), ("-'a'", nil),
        ("[1] + 'a'", nil), ("body.items[0] + body.items[1]", nil), ("0.1 + 0.2", 0.30000000000000004),
    ]

    @Test(arguments: sums)
    func arithmetic(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test(arguments: [
        ("1 == 1.0", true), ("1 == '1'", false), ("'a' != 'b'", true), ("null == form.missing", true),
        ("[1, 'a'] == [1, 'a']", true), ("body.items[0] == body.items[0]", true), ("2 < 10", true),
        ("'2' < '10'", false), ("'abc' <= 'abd'", true), ("3 > 3", false), ("3 >= 3", true),
        ("'b' > 'a'", true), ("true == true", true), ("false != null", true),
    ])
    func comparison(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    @Test(arguments: ["1 < '2'", "null < 1", "true > false", "[1] < [2]", "form.missing >= 0"])
    func orderingIncomparableValuesIsNull(text: String) throws {
        #expect(try evaluate(text) == .null)
        #expect(try !TemplateExpression(parsing: text, at: templateLocation).isTruthy(in: sampleContext))
    }

    @Test(arguments: [
        ("2 in [1, 2]", true), ("'2' in [1, 2]", false), ("'ell' in 'hello'", true), ("'' in 'x'", true),
        ("'z' in 'hello'", false), ("'email' in form", true), ("'nope' in form", false), ("1 in 'a1'", false),
        ("'a' in null", false), ("3 not in [1, 2]", true), ("'Book' in body.items | first", false),
        ("'a' not in 'abc'", false),
    ])
    func membership(text: String, expected: Bool) throws {
        #expect(try evaluate(text) == .bool(expected))
    }

    static let logicCases: [(String, JSONValue)] = [
        ("true and 'x'", true), ("1 and 0", false), ("null or []", false), ("'' or 'y'", true), ("not ''", true),
        ("not not 5", true), ("not body.paid", false), ("body.paid ? 'yes' : 'no'", "yes"),
        ("body.refunded ? 'yes' : 'no'", "no"), ("form.missing ? 1 : body.zero ? 2 : 3", 3),
    ]

    @Test(arguments: logicCases)
    func logic(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func andOrShortCircuit() throws {
        // The right operand, which would fail, is not evaluated.
        #expect(try evaluate("false and form.missing | required") == false)
        #expect(try evaluate("true or form.missing | required") == true)
        #expect(try evaluate("true ? 1 : form.missing | required") == 1)
        #expect(throws: TemplateEvaluationError.self) { try evaluate("true and form.missing | required") }
    }

    static let precedences: [(String, JSONValue)] = [
        ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 - 4 - 3", 3), ("24 / 4 / 2", 3),
        ("-2 * 3", -6), ("- (body.amount | string | length)", -5), ("- -body.amount", 12345), ("1 + 1 == 2", true),
        ("1 < 2 == true", nil),
        ("not 1 == 2", true), ("not true and false", false), ("false and true or true", true),
        ("true or true and false", true), ("true ? 1 : 0 + 5", 1), ("false ? 1 : 0 + 5", 5),
        ("1 == 1 ? 'a' : 'b'", "a"), ("'x' in ['x'] and 2 > 1", true), ("true ? false ? 1 : 2 : 3", 2),
        ("2 + 3 | string", "23"), ("((2 * 3) | string) + 'x'", "6x"), ("-1 | string", "-1"),
        ("-body.amount | string | length", 6), ("(1 + 2) | string", "3"),
    ]

    @Test(arguments: precedences)
    func precedence(text: String, expected: JSONValue) throws {
        // `1 < 2 == true` is refused at parse time: comparisons do not chain.
        guard expected != .null else {
            #expect(expressionProblems(text) != nil)
            return
        }
        #expect(try evaluate(text) == expected)
    }
}
