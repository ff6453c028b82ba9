import JSON

/// libFuzzer entry: parses the input as a template and as a `when:` condition and, when it parses, evaluates it
/// twice against a fixed context. Any crash, sanitizer report or broken invariant is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func templateFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let text = String(validating: UnsafeBufferPointer(start: data, count: size), as: UTF8.self) else {
        return 0
    }
    let location = SourceLocation(file: "fuzz.yaml", line: 3, column: 7)
    do throws(ConfigDiagnostics) {
        let template = try Template(parsing: text, at: location)
        check(try? template.evaluate(in: fuzzContext), try? template.evaluate(in: fuzzContext))
    } catch {
        checkPositions(error, text: text)
    }
    do throws(ConfigDiagnostics) {
        let expression = try TemplateExpression(parsing: text, at: location)
        check(try? expression.evaluate(in: fuzzContext), try? expression.evaluate(in: fuzzContext))
    } catch {
        checkPositions(error, text: text)
    }
    return 0
}

private let fuzzContext = TemplateContext(
    form: [
        "email": " Ada@Example.com ", "name": "Ada", "n": "12.5", "tags": "a,b,c",
        "big": .string(String(repeating: "ab", count: 2_000)),
    ],
    body: ["amount": 12345, "items": [["id": 1], ["id": 2]], "flag": true, "nested": ["a": ["b": [1, 2, 3]]]],
    query: ["q": "x"], headers: ["Content-Type": "text/plain"],
    event: ["id": "e1", "route": "/r", "received_at": "2026-12-04T15:27:57Z"],
    steps: ["contact": ["id": 42]], now: 1_796_398_077)

/// Evaluation is deterministic, and a value never exceeds the limits it is bound by.
private func check(_ first: JSONValue?, _ second: JSONValue?) {
    precondition(first == second, "evaluation is not deterministic")
    if case .string(let text) = first, text.utf8.count > TemplateLimits.maximumTextLength {
        precondition(text.utf8.count == 4_000, "a built text exceeds the limit")  // only form.big passes through
    }
}

/// Every reported problem has a position inside the text.
private func checkPositions(_ diagnostics: ConfigDiagnostics, text: String) {
    precondition(!diagnostics.errors.isEmpty, "a parse failed without a problem")
    let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.count
    for error in diagnostics.errors {
        guard let location = error.location else { preconditionFailure("a problem without a position") }
        precondition(location.line >= 3 && location.line <= 3 + lines, "a problem outside the text: \(error)")
        precondition(location.column >= 1, "a problem at column \(location.column)")
    }
}
