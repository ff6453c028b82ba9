import Testing

@testable import Rules

/// Templates start at config/dealhook.yaml:14:9, so a problem at offset n of the first line is at column 9 + n.
@Suite struct TemplateParseErrorTests {
    @Test(arguments: [
        ("{{ form.email | lowr }}", "14:25: unknown filter 'lowr' (did you mean 'lower'?)"),
        ("{{ form.email | frobnicate }}", "14:25: unknown filter 'frobnicate'"),
        ("{{ from.email }}", "14:12: unknown root 'from' (did you mean 'form'?)"),
        (
            "{{ request.ip }}",
            "14:12: unknown root 'request'; a path starts with form, body, query, headers, event, steps, now"
        ),
        ("{{ form.x | replace('a') }}", "14:21: filter 'replace' takes 2 arguments (from, to), got 1"),
        ("{{ form.x | lower(1) }}", "14:21: filter 'lower' takes no arguments, got 1"),
        ("{{ 1 | round(1, 2) }}", "14:16: filter 'round' takes at most 1 argument (digits), got 2"),
        ("{{ form.x | default }}", "14:21: filter 'default' takes 1 argument (value), got 0"),
        ("{{ form.x | truncate('5') }}", "14:30: filter 'truncate': argument 'length' must be a number, got string"),
        ("{{ form.x | split(1) }}", "14:27: filter 'split': argument 'separator' must be a string, got number"),
        (
            "x {{ form.x | matches('a(b') }}",
            "14:31: invalid regular expression: missing ')' at character 4"
        ),
        ("{{ form.x | matches(form.p) }}", "14:29: the pattern of 'matches' must be a quoted string"),
        (
            "{{ now | date('%Y-%Q') }}",
            "14:23: filter 'date': unknown directive '%Q' (known: %Y %y %m %d %e %H %I %M %S %p %j %a %A %b %B %u %w %Z %z %F %T %R %s %%)"
        ),
        ("{{ now | date('50%') }}", "14:23: filter 'date': the format ends with a lone '%' (write '%%')"),
        (
            "{{ 1 | cents_to_units('EURO') }}",
            "14:31: filter 'cents_to_units': 'EURO' is not a currency code such as EUR"
        ),
        ("{{ now.year }}", "14:15: 'now' is a timestamp, not an object; format it with now | date('…')"),
        ("Hello {{ form.name", "14:15: '{{' without a closing '}}'"),
        ("{{ 'abc }}", "14:12: string without its closing '"),
        ("{{ \"abc }}", "14:12: string without its closing \""),
        ("{{ 'a\\q' }}", "14:14: unknown escape '\\q' (known: \\\\ \\' \\\" \\n \\t \\r \\u{…})"),
        ("{{ '\\u{110000}' }}", "14:13: expected '\\u{' hex digits '}' naming a character"),
        ("{{ form.a && form.b }}", "14:19: unexpected '&&'; write 'and'"),
        ("{{ form.a = 1 }}", "14:19: unexpected '='; write '==' to compare"),
        ("{{ !form.a }}", "14:12: unexpected '!'; write 'not'"),
        ("{{ form.a # b }}", "14:19: unexpected character '#'"),
        ("{{ }}", "14:12: empty expression; write a path such as form.email"),
        ("{{ form. }}", "14:18: expected a name after '.', got '}}' (write [0] for an index)"),
        ("{{ (1 + 2 }}", "14:19: expected ')' to close '(', got '}}'"),
        ("{{ [1, 2 }}", "14:18: expected ']' to close the list, got '}}'"),
        ("{{ form.a[0 }}", "14:21: expected ']' to close '[', got '}}'"),
        ("{{ 1 + }}", "14:16: expected an expression, got '}}'"),
        ("{{ form.a and }}", "14:23: expected an expression, got '}}'"),
        ("{{ or }}", "14:12: expected an expression, got 'or'"),
        ("{{ form.a form.b }}", "14:19: unexpected 'form' after the expression"),
        ("{{ 12abc }}", "14:14: unexpected 'a' after a number"),
        ("{{ 1e }}", "14:12: expected digits in the number's exponent"),
        ("{{ 1e999 }}", "14:12: number out of range"),
        ("{{ form.x | }}", "14:21: expected a filter name after '|', got '}}'"),
        ("{{ form.x | lower( }}", "14:28: expected an expression, got '}}'"),
        ("{{ steps }}", "14:12: 'steps' must be followed by a step id: steps.<id>"),
        ("{{ steps[0].id }}", "14:12: 'steps' must be followed by a step id: steps.<id>"),
        ("{{ 1 < 2 < 3 }}", "14:18: comparisons do not chain; join them with 'and'"),
        ("{{ true ? 1 }}", "14:21: expected ':' between the branches of '? :', got '}}'"),
    ])
    func problem(text: String, expected: String) {
        #expect(templateProblems(text) == "config/dealhook.yaml:" + expected)
    }

    @Test func everyProblemOfAStringIsReported() {
        let text = """
            {{ form.email | lowr }} and {{ frm.name }}
            {{ form.x | replace('a') }} {{ 1 + }} {{ body.y | uper }}
            """
        #expect(
            templateProblems(text) == """
                config/dealhook.yaml:14:25: unknown filter 'lowr' (did you mean 'lower'?)
                config/dealhook.yaml:14:40: unknown root 'frm' (did you mean 'form'?)
                config/dealhook.yaml:15:13: filter 'replace' takes 2 arguments (from, to), got 1
                config/dealhook.yaml:15:36: expected an expression, got '}}'
                config/dealhook.yaml:15:51: unknown filter 'uper' (did you mean 'upper'?)
                """)
    }

    @Test func onlyYAMLLineBreaksStartALine() {
        // Found by the fuzzer: a form feed counted as a new line.
        #expect(
            templateProblems("a\u{0C}b {{ frm }}\r\n{{ lowr }}\r{{ x }}\u{2028}{{ y }}") == """
                config/dealhook.yaml:14:16: unknown root 'frm' (did you mean 'form'?)
                config/dealhook.yaml:15:4: unknown root 'lowr' (did you mean 'now'?)
                config/dealhook.yaml:16:4: unknown root 'x'; a path starts with form, body, query, headers, event, steps, now
                config/dealhook.yaml:16:12: unknown root 'y'; a path starts with form, body, query, headers, event, steps, now
                """)
    }

    @Test func severalProblemsInOneExpression() {
        #expect(
            templateProblems("{{ frm.a | lowr | round(1, 2, 3) | matches('[') }}") == """
                config/dealhook.yaml:14:12: unknown root 'frm' (did you mean 'form'?)
                config/dealhook.yaml:14:20: unknown filter 'lowr' (did you mean 'lower'?)
                config/dealhook.yaml:14:27: filter 'round' takes at most 1 argument (digits), got 3
                config/dealhook.yaml:14:52: invalid regular expression: missing ']' at character 2
                """)
    }

    @Test func anUnterminatedStringEndsTheScan() {
        #expect(
            templateProblems("{{ frm }} {{ 'open }} {{ lowr }}") == """
                config/dealhook.yaml:14:12: unknown root 'frm' (did you mean 'form'?)
                config/dealhook.yaml:14:22: string without its closing '
                """)
    }

    @Test func bareExpressionProblems() {
        #expect(
            expressionProblems("{{ form.x }}")
                == "config/dealhook.yaml:14:9: a condition is a bare expression; write it without '{{' and '}}'")
        #expect(
            expressionProblems("form.x == 1 }}")
                == "config/dealhook.yaml:14:21: unexpected '}}' after the expression")
        #expect(
            expressionProblems("") == "config/dealhook.yaml:14:9: empty expression; write a path such as form.email")
        #expect(
            expressionProblems("form.a and\n  frm.b | lowr") == """
                config/dealhook.yaml:15:3: unknown root 'frm' (did you mean 'form'?)
                config/dealhook.yaml:15:11: unknown filter 'lowr' (did you mean 'lower'?)
                """)
    }

    @Test func problemsAreAddedToTheLoadersDiagnostics() {
        var diagnostics = ConfigDiagnostics()
        let template = Template(parsing: "{{ frm }}", at: templateLocation, diagnostics: &diagnostics)
        let expression = TemplateExpression(parsing: "lowr", at: templateLocation, diagnostics: &diagnostics)
        #expect(template == nil)
        #expect(expression == nil)
        #expect(diagnostics.errors.count == 2)
        #expect(Template(parsing: "{{ form }}", at: templateLocation, diagnostics: &diagnostics) != nil)
        #expect(diagnostics.errors.count == 2)
    }
}
