import JSON
import Testing

@testable import Rules

@Suite struct TemplateTests {
    @Test func textWithoutExpressionsIsItself() throws {
        #expect(try render("plain text } { }}") == "plain text } { }}")
        #expect(try render("") == "")
    }

    static let typed: [(String, JSONValue)] = [
        ("{{ body.amount }}", 12345),
        ("{{body.paid}}", .bool(true)),
        ("{{   body.nothing   }}", .null),
        ("{{ body.items[1] }}", ["id": 2, "name": "Pen"]),
        ("{{ body.items }}", [["id": 1, "name": "Book"], ["id": 2, "name": "Pen"]]),
        ("{{ [1, 'a', null] }}", [1, "a", nil]),
        ("{{ body.ratio }}", 0.25),
    ]

    @Test(arguments: typed)
    func singleExpressionKeepsItsType(text: String, expected: JSONValue) throws {
        #expect(try render(text) == expected)
        #expect(try Template(parsing: text, at: templateLocation).isSingleExpression)
    }

    @Test func concatenationFormatsAsText() throws {
        #expect(
            try render("{{ body.amount }}|{{ body.ratio }}|{{ body.paid }}|{{ body.nothing }}|{{ body.items[0] }}")
                == #"12345|0.25|true||{"id":1,"name":"Book"}"#)
        #expect(try render(" {{ body.amount }}") == " 12345")
        #expect(try render("{{ body.amount }}{{ body.amount }}") == "1234512345")
        #expect(try render("{{ 3.0 }}x") == "3x")
        #expect(try render("{{ [1, 2] }}!") == "[1,2]!")
        #expect(try !Template(parsing: " {{ body.amount }}", at: templateLocation).isSingleExpression)
    }

    @Test func literalBracesThroughAString() throws {
        #expect(try render("{{ '{{' }} name {{ \"}}\" }}") == "{{ name }}")
    }

    @Test(arguments: [
        "{{ form.missing }}", "{{ form.email.deeper.still }}", "{{ body.items[5].id }}", "{{ body.items[-9] }}",
        "{{ body.amount.x }}", "{{ body['no such'] }}", "{{ body.items['x'] }}", "{{ body[0] }}",
        "{{ steps.unknown.id }}", "{{ body.items[0.5] }}",
    ])
    func missingPathsAreNull(text: String) throws {
        #expect(try render(text) == .null)
        #expect(try render(text, TemplateContext(now: 0)) == .null)
    }

    @Test func membersAndIndexes() throws {
        #expect(try render("{{ form['first-name'] }}") == "Ada")
        #expect(try render("{{ body.items[-1].name }}") == "Pen")
        #expect(try render("{{ body.items[0 + 1]['name'] }}") == "Pen")
        #expect(try render("{{ body['customer'].email }}") == "bob@example.org")
        #expect(try render("{{ query.utm_source }}") == "newsletter")
        #expect(
            try render("{{ form.in }}", TemplateContext(form: ["in": "keyword as a member"], now: 0))
                == "keyword as a member")
    }

    @Test func headersAreCaseInsensitive() throws {
        #expect(try render("{{ headers['user-agent'] }}") == "curl/8.5")
        #expect(try render("{{ headers['USER-AGENT'] }}") == "curl/8.5")
        #expect(try render("{{ headers['USER-' + 'Agent'] }}") == "curl/8.5")  // a key that is computed
        #expect(try render("{{ headers['x-request-id'] }}") == "r-1")
        let context = TemplateContext(headers: ["b": "lower", "B": "upper"], now: 0)
        #expect(try render("{{ headers.b }}", context) == "upper")
    }

    @Test func eventStepsAndNow() throws {
        #expect(
            try render("{{ event.id }} {{ event.route }} {{ event.received_at }}")
                == "01JEVENT /contact 2026-12-04T15:27:57Z")
        #expect(try render("{{ steps.contact.id }}") == 42)
        #expect(try render("{{ steps['deal'].id }}") == "d-7")
        #expect(try render("{{ now }}") == "2026-12-04T15:27:57Z")
    }

    @Test func stepReferencesAndRoots() throws {
        let template = try Template(
            parsing: "{{ steps.contact.id }} and\n {{ steps['deal'].id + form.x | default(headers.a) }}",
            at: templateLocation)
        #expect(
            template.stepReferences == [
                TemplateStepReference(
                    step: "contact", location: SourceLocation(file: "config/dealhook.yaml", line: 14, column: 12)),
                TemplateStepReference(
                    step: "deal", location: SourceLocation(file: "config/dealhook.yaml", line: 15, column: 5)),
            ])
        #expect(template.roots == [.steps, .form, .headers])
        #expect(template.stepReference == nil)
        let condition = try TemplateExpression(
            parsing: "steps.search.found and now > event.received_at", at: templateLocation)
        #expect(condition.stepReferences.map(\.step) == ["search"])
        #expect(condition.roots == [.steps, .now, .event])
    }

    @Test func bareStepReference() throws {
        let reference = try Template(parsing: "{{ steps.search.items[0].id }}", at: templateLocation).stepReference
        #expect(reference?.step == "search")
        #expect(reference?.path == ["items", "0", "id"])
        #expect(try Template(parsing: "{{ steps.contact }}", at: templateLocation).stepReference?.path == [])
        for text in [
            "{{ steps.contact.id }}!", "{{ steps.contact.id | int }}", "{{ steps.contact[form.key] }}",
            "{{ form.id }}", "x",
        ] {
            #expect(try Template(parsing: text, at: templateLocation).stepReference == nil, "\(text)")
        }
    }

    @Test func expressionsAndTruthiness() throws {
        let condition = try TemplateExpression(parsing: "form.email | email == 'ada@example.com'", at: templateLocation)
        #expect(try condition.isTruthy(in: sampleContext))
        #expect(try !condition.isTruthy(in: TemplateContext(now: 0)))
        let falsy: [JSONValue] = [nil, false, 0, "", [], [:]]
        let truthy: [JSONValue] = [true, 1, -0.5, "0", " ", [nil], ["a": nil]]
        #expect(falsy.allSatisfy { !$0.isTruthy })
        #expect(truthy.allSatisfy { $0.isTruthy })
        for (text, expected) in [
            ("body.empty_list", false), ("body.empty_object", false), ("body.zero", false),
            ("form.empty", false), ("form.spaces", true), ("body.items", true), ("form.missing", false),
        ] {
            #expect(
                try TemplateExpression(parsing: text, at: templateLocation).isTruthy(in: sampleContext) == expected,
                "\(text)")
        }
    }

    @Test func templatesAreValuesThatCompare() throws {
        let a = try Template(parsing: "{{ form.email | matches('@') }}", at: templateLocation)
        let b = try Template(parsing: "{{ form.email | matches('@') }}", at: templateLocation)
        let c = try Template(parsing: "{{ form.email | matches('#') }}", at: templateLocation)
        #expect(a == b)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }
}
