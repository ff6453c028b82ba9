import JSON
import Testing

@testable import Rules

@Suite struct TemplateFilterTests {
    static let default0: [(String, JSONValue)] = [
        ("form.missing | default('n/a')", JSONValue.string("n/a")), ("form.empty | default('n/a')", "n/a"),
        ("form.spaces | default('n/a')", "   "), ("body.zero | default(5)", 0),
        ("body.refunded | default(true)", false),
        ("form.missing | default(form.name | trim)", "Ada Lovelace"), ("form.missing | default(null)", nil),
    ]
    static let text0: [(String, JSONValue)] = [
        ("form.name | lower", "  ada lovelace "), ("'Straße' | upper", "STRASSE"), ("form.name | trim", "Ada Lovelace"),
        ("body.amount | lower", "12345"), ("body.items | lower", nil), ("form.missing | trim", nil),
        ("form.tags | split(',')", ["a", "b", "", "c"]), ("'abc' | split('')", ["a", "b", "c"]),
        ("'a--b' | split('--')", ["a", "b"]), ("'' | split(',')", [""]), ("body.amount | split('3')", ["12", "45"]),
        // trim: Unicode spaces go too; text with printable ASCII at both ends is kept as it is.
        ("'\u{00A0}\u{2003}Ada\u{3000}' | trim", "Ada"), ("'a b' | trim", "a b"), ("'\\tx\\r\\n' | trim", "x"),
        ("'x\u{0301}' | trim", "x\u{0301}"), ("' ' | trim", ""), ("'' | trim", ""),
    ]
    static let text1: [(String, JSONValue)] = [
        ("['a', 1, null, true] | join('-')", "a-1--true"), ("[] | join(',')", ""), ("'ab' | join(',')", nil),
        ("form.tags | split(',') | join(' ')", "a b  c"),
        ("body.items | first", ["id": 1, "name": "Book"]), ("body.items | last | json", #"{"id":2,"name":"Pen"}"#),
        ("'héllo' | first", "h"), ("'héllo' | last", "o"), ("[] | first", nil), ("'' | last", nil), ("5 | first", nil),
    ]
    static let text2: [(String, JSONValue)] = [
        ("form.message | replace('o', '0')", "Hell0 W0rld"), ("'aaa' | replace('a', 'bb')", "bbbbbb"),
        ("'abc' | replace('', 'x')", "abc"), ("'a.b.c' | replace('.', '')", "abc"),
        ("form.message | truncate(5)", "Hello"), ("'ab' | truncate(10)", "ab"), ("'ab' | truncate(0)", ""),
        ("[1, 2, 3] | truncate(2)", [1, 2]), ("'ab' | truncate(-1)", nil), ("'ab' | truncate(form.name)", nil),
        // Characters, not bytes: 'é' is two bytes, and 'e' + U+0301 is one character of three bytes.
        ("'héllo' | truncate(5)", "héllo"), ("'héllo' | truncate(2)", "hé"), ("'e\u{0301}x' | truncate(1)", "e\u{0301}"),
    ]
    static let text3: [(String, JSONValue)] = [
        ("'héllo' | length", 5), ("body.items | length", 2), ("form | length", 8), ("5 | length", nil),
        ("'  Café Zürich — Ünïcode & Co.!  ' | slug", "cafe-zurich-unicode-co"),
        ("'Already-slug_42' | slug", "already-slug-42"),
        ("'日本' | slug", ""), ("body.amount | string", "12345"), ("body.paid | string", "true"), ("null | string", nil),
        ("body.items[0] | string", #"{"id":1,"name":"Book"}"#),
    ]
    static let numbers0: [(String, JSONValue)] = [
        ("form.amount | number", 12345), ("' -3.5 ' | number", -3.5), ("'1e3' | number", 1000),
        ("'12abc' | number", nil),
        ("'inf' | number", nil), ("'nan' | number", nil), ("'0x10' | number", nil), ("'' | number", nil),
        ("'-' | number", nil), ("'1-2' | number", nil), ("true | number", nil), ("7 | number", 7),
        ("'12.9' | int", 12), ("-12.9 | int", -12), ("'x' | int", nil), ("body.ratio | int", 0),
    ]
    static let numbers1: [(String, JSONValue)] = [
        ("2.5 | round", 3), ("-2.5 | round", -3), ("3.14159 | round(2)", 3.14), ("'3.14159' | round(3)", 3.142),
        ("1.5 | round(-1)", nil), ("'x' | round", nil),
        ("body.amount | cents_to_units", 123.45), ("form.amount | cents_to_units", 123.45),
        ("body.amount | cents_to_units(body.currency)", 12345), ("500 | cents_to_units('JPY')", 500),
    ]
    static let numbers2: [(String, JSONValue)] = [
        ("1234 | cents_to_units('kwd')", 1.234), ("1999 | cents_to_units('EUR')", 19.99),
        ("1999 | cents_to_units(body.paid)", nil), ("'x' | cents_to_units", nil),
    ]
    static let json0: [(String, JSONValue)] = [
        ("body.items | json", #"[{"id":1,"name":"Book"},{"id":2,"name":"Pen"}]"#), ("'a\"b' | json", #""a\"b""#),
        ("null | json", "null"), ("body.amount | json", "12345"),
    ]
    static let matches0: [(String, JSONValue)] = [
        ("form.email | matches('@example\\\\.com')", false), ("form.email | matches('(?i)@example\\\\.com')", true),
        ("form.message | matches('^Hello')", true), ("form.missing | matches('.*')", false),
        ("body.amount | matches('^\\\\d+$')", true),
    ]

    static let cases: [[(String, JSONValue)]] = [
        default0, text0, text1, text2, text3, numbers0, numbers1, numbers2, json0, matches0,
    ]

    @Test(arguments: cases.flatMap { $0 })
    func filter(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    @Test func requiredPassesPresentValues() throws {
        #expect(try evaluate("form.email | required") == " Ada@Example.COM ")
        #expect(try evaluate("body.zero | required") == 0)
        #expect(try evaluate("body.refunded | required") == false)
        #expect(try evaluate("form.name | required") == "  Ada Lovelace ")
        #expect(try evaluate("'\u{3000}x\u{A0}' | required") == "\u{3000}x\u{A0}")
    }

    @Test func requiredRefusesTextOfOnlyWhitespaceOfAnyKind() throws {
        #expect(try evaluationError("{{ '\u{3000}\u{A0}\r\n\t ' | required }}")?.code == .missingValue)
    }

    @Test(arguments: [
        ("form.phone | required", "phone is required", "phone"),
        ("form.empty | required", "empty is required", "empty"),
        ("form.spaces | trim | required", "spaces is required", "spaces"),
        ("form.spaces | required", "spaces is required", "spaces"),
        ("form['first name'] | required('Please tell us your name')", "Please tell us your name", "first name"),
        ("body.contact.email | required", "contact.email is required", "contact.email"),
        ("body.items[3].id | required", "items.3.id is required", "items.3.id"),
        ("body.empty_list | required", "empty_list is required", "empty_list"),
        ("query.token | required", "token is required", "token"),
    ])
    func requiredFailsWithTheField(text: String, message: String, field: String) throws {
        let error = try #require(try evaluationError("{{ \(text) }}"))
        #expect(error.code == .missingValue)
        #expect(error.code.isValidation)
        #expect(error.message == message)
        #expect(error.field == field)
        // The error points at the `required` filter: after the last '|'.
        let pipe = text.distance(from: text.startIndex, to: try #require(text.lastIndex(of: "|")))
        #expect(error.location == SourceLocation(file: "config/dealhook.yaml", line: 14, column: 9 + 3 + pipe + 2))
    }

    @Test func requiredWithoutAField() throws {
        for text in [
            "{{ headers['x-missing'] | required }}", "{{ (form.a + form.b) | required }}",
            "{{ steps.contact.missing | required }}", "{{ form | required }}",
        ] {
            let error = try #require(try evaluationError(text, TemplateContext(now: 0)), "\(text)")
            #expect(error.field == nil)
            #expect(error.message == "a required value is missing")
        }
        let error = try #require(try evaluationError("Hi {{ form.x | required(form.y | default('x needed')) }}"))
        #expect(error.message == "x needed")
        #expect(error.description == "config/dealhook.yaml:14:24: x needed (field 'x')")
    }

    @Test func email() throws {
        #expect(try evaluate("form.email | email") == "ada@example.com")
        #expect(try evaluate("body.customer.email | email") == "bob@example.org")
        #expect(try evaluate("form.missing | email") == nil)
        #expect(try evaluate("form.spaces | email") == nil)
        for valid in [
            "a@b.co", "first.last+tag@sub.example-domain.org", "o'brien@x.ie", "a_b@c.museum", "a@b.co.uk",
            "a@1-2.b3.co", "a@" + String(repeating: "b", count: 63) + ".co",
        ] {
            #expect(TemplateEmail.isValid(valid), "\(valid)")
        }
        for invalid in [
            "plain", "a@b", "a@@b.co", "a@b@c.co", ".a@b.co", "a.@b.co", "a..b@c.co", "a b@c.co",
            "a@-b.co", "a@b-.co", "a@b..co", "a@b.c", "a@b.c0", "@b.co", "a@", "ä@b.co", "a@b.co ",
            "a@b.co.", "a@.b.co", "a@b.co-", "a@b_c.co", "a@co", "a@.", "a@b.-co",
            String(repeating: "a", count: 65) + "@b.co", "a@" + String(repeating: "b", count: 64) + ".co",
        ] {
            #expect(!TemplateEmail.isValid(invalid), "\(invalid)")
        }
    }

    @Test func invalidEmailFailsWithTheField() throws {
        let context = TemplateContext(form: ["email": "  Not An Email "], now: 0)
        let error = try #require(try evaluationError("{{ form.email | trim | email }}", context))
        #expect(error.code == .invalidValue)
        #expect(error.message == "'not an email' is not a valid email address")
        #expect(error.field == "email")
        let typed = try #require(try evaluationError("{{ body.amount | email }}"))
        #expect(typed.message == "expected an email address")
        #expect(typed.field == "amount")
    }
}
