import Testing

@testable import Rules

@Suite struct InterpolatorTests {
    private let location = SourceLocation(file: "/etc/dealhook/c.yaml", line: 3, column: 9)
    private let interpolator = Interpolator(environment: ["TOKEN": "s3cret", "EMPTY": "", "PORT": "8080"])

    private func expand(_ text: String, isPlain: Bool = true) throws(ConfigError) -> YAMLScalar {
        try interpolator.expand(YAMLScalar(value: text, isPlain: isPlain), at: location)
    }

    private func error(_ text: String) -> String? {
        do throws(ConfigError) {
            _ = try expand(text)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func variable() throws {
        #expect(try expand("Bearer ${TOKEN}") == YAMLScalar(value: "Bearer s3cret", isPlain: true, isSecret: true))
        #expect(
            try expand("${PORT}${PORT}", isPlain: false)
                == YAMLScalar(value: "80808080", isPlain: false, isSecret: true))
        #expect(try expand("${EMPTY}").value == "")
    }

    @Test func defaultWhenUnsetOrEmpty() throws {
        #expect(try expand("${MISSING:-127.0.0.1:80}").value == "127.0.0.1:80")
        #expect(try expand("${EMPTY:-fallback}").value == "fallback")
        #expect(try expand("${PORT:-1}").value == "8080")
        #expect(try expand("${MISSING:-}").value == "")
        #expect(try expand("${MISSING:-}").isSecret)
    }

    @Test func dollarEscapes() throws {
        #expect(try expand("costs $$5 and $${TOKEN}") == YAMLScalar(value: "costs $5 and ${TOKEN}", isPlain: true))
        #expect(try expand("$5 and a $").value == "$5 and a $")
        #expect(try expand("no references") == YAMLScalar(value: "no references", isPlain: true))
    }

    @Test func fileContentWithOneTrailingNewlineTrimmed() throws {
        var directory = TemporaryDirectory()
        defer { directory.remove() }
        let secret = directory.write("secret", "line one\nline two\n\n")
        directory.write("relative", "beside the config\r\n")
        #expect(
            try expand("${file:\(secret)}") == YAMLScalar(value: "line one\nline two\n", isPlain: true, isSecret: true))
        let beside = SourceLocation(file: "\(directory.path)/c.yaml", line: 1, column: 1)
        let scalar = YAMLScalar(value: "${file:relative}", isPlain: true)
        #expect(try interpolator.expand(scalar, at: beside).value == "beside the config")
    }

    @Test func unreadableFileIsAnError() {
        #expect(
            error("${file:/nonexistent/secret}")
                == "/etc/dealhook/c.yaml:3:9: cannot read '/nonexistent/secret': No such file or directory")
        #expect(error("${file:}") == "/etc/dealhook/c.yaml:3:9: '${file:}' names no file")
    }

    @Test func missingVariableNamesTheVariableAndPosition() {
        #expect(
            error("x-${API_KEY}")
                == "/etc/dealhook/c.yaml:3:9: environment variable 'API_KEY' is not set (set it, or write ${API_KEY:-default})"
        )
    }

    @Test func malformedReferences() {
        #expect(
            error("${TOKEN") == "/etc/dealhook/c.yaml:3:9: '${' without a closing '}' (write '$$' for a literal '$')")
        #expect(
            error("${9LIVES}")
                == "/etc/dealhook/c.yaml:3:9: '${9LIVES}' is not a reference; write ${NAME}, ${NAME:-default} or ${file:/path}"
        )
        #expect(error("${A:B}") != nil)
        #expect(error("${}") != nil)
    }

    @Test func treeInterpolationSkipsKeysAndCollectsEveryProblem() throws {
        // In a flow collection `{` ends a plain scalar: there, references must be quoted.
        let root = try YAMLNode.parse("${TOKEN}: ${TOKEN}\nlist: [\"${A}\", '${B}', ok]\n", file: "t.yaml")
        var diagnostics = ConfigDiagnostics()
        let result = interpolator.interpolate(root, diagnostics: &diagnostics)
        #expect(result["${TOKEN}"]?.scalar?.value == "s3cret")
        #expect(diagnostics.errors.map(\.location?.description) == ["t.yaml:2:8", "t.yaml:2:16"])
    }
}
