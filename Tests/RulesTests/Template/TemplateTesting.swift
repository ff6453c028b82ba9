import JSON
import Testing

@testable import Rules

/// Where the templates of these tests are written: line 14, column 9 of a config file.
let templateLocation = SourceLocation(file: "config/dealhook.yaml", line: 14, column: 9)

/// Friday 2026-12-04T15:27:57Z.
let sampleNow: Int64 = 1_796_398_077

let sampleContext = TemplateContext(
    form: [
        "email": " Ada@Example.COM ", "name": "  Ada Lovelace ", "amount": "12345", "empty": "", "spaces": "   ",
        "first-name": "Ada", "tags": "a,b,,c", "message": "Hello World",
    ],
    body: [
        "amount": 12345, "currency": "jpy", "paid": true, "refunded": false, "ratio": 0.25,
        "items": [["id": 1, "name": "Book"], ["id": 2, "name": "Pen"]], "customer": ["email": "bob@example.org"],
        "empty_list": [], "empty_object": [:], "zero": 0, "nothing": nil, "created": 1_796_398_077,
    ],
    query: ["utm_source": "newsletter"],
    headers: ["User-Agent": "curl/8.5", "X-Request-ID": "r-1"],
    event: ["id": "01JEVENT", "route": "/contact", "received_at": "2026-12-04T15:27:57Z"],
    steps: ["contact": ["id": 42, "emails": ["a@b.co"]], "deal": ["id": "d-7"]],
    now: sampleNow)

/// The value of `text` as a template in `context`.
func render(_ text: String, _ context: TemplateContext = sampleContext) throws -> JSONValue {
    try Template(parsing: text, at: templateLocation).evaluate(in: context)
}

/// The value of `text` as a bare expression in `context`.
func evaluate(_ text: String, _ context: TemplateContext = sampleContext) throws -> JSONValue {
    try TemplateExpression(parsing: text, at: templateLocation).evaluate(in: context)
}

/// Every problem found parsing `text` as a template, one per line; nil when it parses.
func templateProblems(_ text: String) -> String? {
    do throws(ConfigDiagnostics) {
        _ = try Template(parsing: text, at: templateLocation)
        return nil
    } catch {
        return error.description
    }
}

/// Every problem found parsing `text` as an expression, one per line; nil when it parses.
func expressionProblems(_ text: String) -> String? {
    do throws(ConfigDiagnostics) {
        _ = try TemplateExpression(parsing: text, at: templateLocation)
        return nil
    } catch {
        return error.description
    }
}

/// The evaluation error of `text` as a template, if any.
func evaluationError(_ text: String, _ context: TemplateContext = sampleContext) throws -> TemplateEvaluationError? {
    let template = try Template(parsing: text, at: templateLocation)
    do throws(TemplateEvaluationError) {
        _ = try template.evaluate(in: context)
        return nil
    } catch {
        return error
    }
}
