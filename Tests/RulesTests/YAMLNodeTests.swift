import Testing

@testable import Rules

@Suite struct YAMLNodeTests {
    @Test func nodesCarryOneBasedPositions() throws {
        let text = """
            server:
              listen:
                - "127.0.0.1:80"
                - '[::1]:80'
              max_connections: 5
            """
        let root = try YAMLNode.parse(text, file: "c.yaml")
        #expect(root.location == SourceLocation(file: "c.yaml", line: 1, column: 1))
        guard case .mapping(let top) = root.kind, case .mapping(let server) = top[0].value.kind else {
            Issue.record("expected nested mappings")
            return
        }
        #expect(top[0].keyLocation.description == "c.yaml:1:1")
        #expect(server.map(\.key) == ["listen", "max_connections"])
        #expect(server[1].keyLocation.description == "c.yaml:5:3")
        #expect(server[1].value.location.description == "c.yaml:5:20")
        guard case .sequence(let items) = server[0].value.kind else {
            Issue.record("expected a sequence")
            return
        }
        #expect(items.map(\.location.description) == ["c.yaml:3:7", "c.yaml:4:7"])
        #expect(items[0].scalar == YAMLScalar(value: "127.0.0.1:80", isPlain: false))
        #expect(root["server"]?["max_connections"]?.scalar == YAMLScalar(value: "5", isPlain: true))
    }

    @Test func scalarStyles() throws {
        let root = try YAMLNode.parse("a: true\nb: 'true'\nc: !!str true\nd: |\n  x\n  y\ne:\n", file: "s.yaml")
        #expect(root["a"]?.scalar?.isPlain == true)
        #expect(root["b"]?.scalar?.isPlain == false)
        #expect(root["c"]?.scalar?.isPlain == false)
        #expect(root["d"]?.scalar == YAMLScalar(value: "x\ny\n", isPlain: false))
        #expect(root["e"]?.scalar?.isNull == true)
        #expect(root["a"]?.scalar?.isNull == false)
    }

    @Test func syntaxErrorCarriesLibYAMLProblemAndPosition() {
        let errors = parseErrors("server:\n  listen: [a, b\n  max: 1\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("t.yaml:3:") == true)
        #expect(errors.first?.contains("YAML syntax error: did not find expected ',' or ']'") == true)
        #expect(errors.first?.contains("while parsing a flow sequence at line 2, column 11") == true)
    }

    /// Found by fuzz/ConfigFuzzer.swift: libyaml puts the end of a text without a final line break on a line
    /// past the file.
    @Test func anErrorAtTheEndOfTheTextIsOnItsLastLine() {
        let errors = parseErrors("routes:\n  - name: a\n    kind# x :c")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("t.yaml:3:15: YAML syntax error: could not find expected ':'") == true)
        // With a final line break, the line after it exists.
        #expect(parseErrors("routes:\n  - name: a\n    kind# x :c\n").first?.hasPrefix("t.yaml:4:1: ") == true)
    }

    @Test func badIndentationIsASyntaxError() {
        #expect(
            parseErrors("a:\n  b: 1\n c: 2\n") == [
                "t.yaml:3:2: YAML syntax error: did not find expected key (while parsing a block mapping at line 1, column 1)"
            ])
    }

    @Test func invalidUTF8IsReportedAtItsPosition() {
        var bytes = Array("a: 1\nb: x".utf8)
        bytes.append(0xFF)
        var diagnostics = ConfigDiagnostics()
        var builder = YAMLTreeBuilder(bytes: bytes, file: "u.yaml")
        #expect(builder.build(diagnostics: &diagnostics) == nil)
        #expect(diagnostics.errors.map(\.description) == ["u.yaml:2:5: cannot read YAML: invalid leading UTF-8 octet"])
    }

    @Test func duplicateKeysAreErrorsAndAllAreReported() {
        #expect(
            parseErrors("a: 1\nb: 2\na: 3\nb: 4\n") == [
                "t.yaml:3:1: duplicate key 'a' (first at line 1, column 1)",
                "t.yaml:4:1: duplicate key 'b' (first at line 2, column 1)",
            ])
    }

    @Test func aSecondDocumentIsAnError() {
        #expect(
            parseErrors("a: 1\n---\nb: 2\n") == ["t.yaml:2:1: a second YAML document; a config file holds exactly one"])
    }

    @Test func emptyFileIsAnEmptyMapping() throws {
        #expect(try YAMLNode.parse("", file: "e.yaml").kind == .mapping([]))
        #expect(try YAMLNode.parse("# only a comment\n", file: "e.yaml").kind == .mapping([]))
    }

    @Test func jsonIsYAML() throws {
        let root = try YAMLNode.parse(#"{"server": {"listen": ["0.0.0.0:80"], "max_connections": 7}}"#, file: "c.json")
        #expect(root["server"]?["max_connections"]?.scalar?.value == "7")
        #expect(root["server"]?["max_connections"]?.location.description == "c.json:1:58")
        guard case .sequence(let items) = root["server"]?["listen"]?.kind else {
            Issue.record("expected a sequence")
            return
        }
        #expect(items.map(\.scalar?.value) == ["0.0.0.0:80"])
    }

    @Test func aliasesAreExpandedWithTheAnchoredPositions() throws {
        let root = try YAMLNode.parse("base: &b\n  x: 1\ncopy: *b\nlist: [*b, *b]\n", file: "a.yaml")
        #expect(root["copy"] == root["base"])
        #expect(root["copy"]?["x"]?.location.description == "a.yaml:2:6")
    }

    @Test func aliasExpansionIsBounded() {
        // Nine levels of ten aliases each: 10^9 nodes once expanded.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(aliases)]\n"
        }
        let errors = parseErrors(text)
        #expect(errors.count == 1)
        #expect(errors.first?.contains("expands to more than 100000 nodes through aliases") == true)
    }

    @Test func expansionJustUnderTheBoundIsAccepted() throws {
        // 1 + 3 levels of aliases: 10 + 100 + 1,000 + 10,000 items stay under 100,000 nodes.
        var text = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...3 {
            let aliases = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            text += "a\(level): &a\(level) [\(aliases)]\n"
        }
        _ = try YAMLNode.parse(text, file: "a.yaml")
    }

    @Test func unknownAliasIsAnError() {
        #expect(parseErrors("a: *nothing\n") == ["t.yaml:1:4: alias '*nothing' names no anchor before it"])
    }

    @Test func mergeKeysAreRefused() {
        #expect(
            parseErrors("base: &b {x: 1}\ncopy:\n  <<: *b\n  y: 2\n") == [
                "t.yaml:3:3: merge keys ('<<') are not supported; write the keys out"
            ])
    }

    @Test func onlyStandardTagsAreAccepted() throws {
        _ = try YAMLNode.parse("a: !!int 5\nb: !!map {}\nc: !!seq []\nd: ! x\n", file: "t.yaml")
        #expect(
            parseErrors("a: !secret x\nb: !!map [1]\n") == [
                "t.yaml:1:4: unsupported tag '!secret'; only the standard tags (!!str, !!int, !!map, …) are understood",
                "t.yaml:2:4: tag '!!map' does not fit this node",
            ])
    }

    @Test func collectionKeysAreRefused() {
        #expect(parseErrors("? [a, b]\n: 1\n") == ["t.yaml:1:3: a mapping key must be a scalar, not a collection"])
    }

    @Test func nestingIsBounded() {
        let text = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(parseErrors(text) == ["t.yaml:1:257: nesting deeper than 256 levels"])
    }

    @Test func loadReadsAFileAndNamesItInPositions() throws {
        try withConfigFile("a:\n  b: 1\n") { path in
            let root = try YAMLNode.load(file: path)
            #expect(root["a"]?["b"]?.location == SourceLocation(file: path, line: 2, column: 6))
        }
    }

    @Test func loadOfAMissingFileSaysWhy() {
        #expect(throws: ConfigDiagnostics.self) { try YAMLNode.load(file: "/nonexistent/dealhook.yaml") }
        do throws(ConfigDiagnostics) {
            _ = try YAMLNode.load(file: "/nonexistent/dealhook.yaml")
        } catch {
            #expect(error.description == "cannot read '/nonexistent/dealhook.yaml': No such file or directory")
        }
    }
}
