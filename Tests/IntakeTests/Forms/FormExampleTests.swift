import Foundation
import HTTP
import Intake
import JSON
import Rules
import TestSupport
import Testing

private let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path

/// `config/examples/contact-form.html` filled in and posted the way a browser does, and the fill-time tokens
/// that `dealhook form-token` and `config/examples/form-token.sh` print.
@Suite struct FormExampleTests {
    private static let visitor: [String: String] = [
        "name": "Ana Lima", "email": "ana@example.com", "company": "Acme GmbH & Co. KG", "phone": "+49 30 1234",
        "budget": "12000", "message": "We need a CRM bridge.\r\nÜber alles: 100% <b>bold</b>", "_gotcha": "",
    ]

    /// The field names of the page's first form, in order.
    private func fieldNames() throws -> [String] {
        let html = try String(contentsOfFile: repositoryRoot + "/config/examples/contact-form.html", encoding: .utf8)
        let start = try #require(html.range(of: "<form id=\"contact\""))
        let end = try #require(html.range(of: "</form>", range: start.upperBound..<html.endIndex))
        var form = String(html[start.lowerBound..<end.lowerBound])
        while let open = form.range(of: "<!--"),
            let close = form.range(of: "-->", range: open.upperBound..<form.endIndex)
        {
            form.removeSubrange(open.lowerBound..<close.upperBound)
        }
        #expect(form.contains(#"method="post""#))
        #expect(form.contains(#"action="https://hooks.example.com/forms/contact""#))
        var names: [String] = []
        var rest = form[...]
        while let range = rest.range(of: " name=\"") {
            let value = rest[range.upperBound...].prefix { $0 != "\"" }
            names.append(String(value))
            rest = rest[range.upperBound...]
        }
        return names
    }

    @Test func theFormHasTheDocumentedFields() throws {
        #expect(try fieldNames() == ["name", "email", "company", "phone", "budget", "message", "_gotcha"])
        let html = try String(contentsOfFile: repositoryRoot + "/config/examples/contact-form.html", encoding: .utf8)
        #expect(html.contains(#""Accept": "application/json""#))
    }

    @Test func postedUrlencodedAsABrowserDoes() throws {
        // WHATWG application/x-www-form-urlencoded serializer: space as '+', the rest percent-encoded.
        let body = try fieldNames().map { name in
            "\(name)=" + PercentEncoding.encode(Self.visitor[name]!).replacingOccurrences(of: "%20", with: "+")
        }.joined(separator: "&")
        let form = try RequestContent(
            bytes: Array(body.utf8), contentType: "application/x-www-form-urlencoded", kind: .form,
            limits: FormSettings.Limits()
        ).form
        #expect(form == .object(Self.visitor.mapValues(JSONValue.string)))
        let verdict = FormGuard(settings: FormSettings(honeypot: "_gotcha"), client: nil).check(
            form: form, head: formHead(), context: context(), now: 0)
        #expect(verdict == .pass)
    }

    @Test func postedAsMultipartAsABrowserDoes() throws {
        let parts = try fieldNames().map { (#"name="\#($0)""#, Self.visitor[$0]!) }
        let form = try RequestContent(
            bytes: multipart(parts), contentType: multipartType, kind: .form, limits: FormSettings.Limits()
        ).form
        #expect(form == .object(Self.visitor.mapValues(JSONValue.string)))
    }

    @Test func formTokenOutputIsAcceptedByTheVerifier() throws {
        let issued = 1_767_225_600
        let result = try DealhookProcess.run(["form-token", "--secret", "page-secret", "--time", "\(issued)"])
        #expect(result.status == 0, "\(result.stderr)")
        let token = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token == FillTimeToken.issue(secret: Secret("page-secret"), at: issued))
        let fillTime = FormSettings.FillTime(minimum: .seconds(3), secret: Secret("page-secret"))
        #expect(FillTimeToken.check(.string(token), settings: fillTime, now: issued + 5) == nil)
        #expect(FillTimeToken.check(.string(token), settings: fillTime, now: issued + 1) == .fillTimeTooFast)
    }

    @Test func formTokenReadsTheSecretFromTheEnvironmentAndNowByDefault() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: DealhookProcess.executablePath)
        process.arguments = ["form-token"]
        process.environment = ["DEALHOOK_FORM_SECRET": "env-secret"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let token = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let now = Int(Date().timeIntervalSince1970)
        let fillTime = FormSettings.FillTime(minimum: .seconds(1), secret: Secret("env-secret"))
        #expect(FillTimeToken.check(.string(token), settings: fillTime, now: now + 2) == nil)
    }

    @Test(arguments: [
        (["form-token"], "missing --secret S (or DEALHOOK_FORM_SECRET in the environment)"),
        (["form-token", "--secret", "s", "--time", "soon"], "--time expects Unix seconds, got 'soon'"),
        (["form-token", "--bogus"], "unknown option '--bogus'"),
    ])
    func formTokenUsageErrors(arguments: [String], message: String) throws {
        let result = try DealhookProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("dealhook form-token: \(message)\n"))
    }

    @Test func theShellSnippetMakesTheSameTokens() throws {
        try #require(
            FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl"),
            "the openssl tool is needed (scripts/install-deps installs it)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = [repositoryRoot + "/config/examples/form-token.sh"]
        process.environment = ["FORM_SECRET": "shell-secret", "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let token = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let fillTime = FormSettings.FillTime(minimum: .seconds(1), secret: Secret("shell-secret"))
        #expect(
            FillTimeToken.check(.string(token), settings: fillTime, now: Int(Date().timeIntervalSince1970) + 2) == nil)
    }
}
