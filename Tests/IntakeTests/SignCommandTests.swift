import Foundation
import HTTP
import Intake
import Rules
import TestSupport
import Testing

/// `dealhook sign` run as a process: its output must pass the verifier of the same settings.
@Suite struct SignCommandTests {
    private static func bodyFile(_ body: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "dealhook-sign-\(UUID().uuidString).json"
        ).path
        try Data(body.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Runs `dealhook sign` over `body` at the vectors' time and returns its output lines.
    private func sign(_ arguments: [String], body: String = Vectors.body) throws -> [String] {
        let path = try Self.bodyFile(body)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let result = try DealhookProcess.run(
            ["sign", "--body", path, "--timestamp", "\(Vectors.timestamp)"] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    private func headers(_ lines: [String]) -> HTTPHeaders {
        HTTPHeaders(
            lines.compactMap { line in
                guard let colon = line.firstIndex(of: ":"), !line.hasPrefix("?") else { return nil }
                return (String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst()))
            })
    }

    @Test func stripeOutputIsTheReferenceVector() throws {
        #expect(
            try sign(["--scheme", "stripe", "--secret", Vectors.secret])
                == ["Stripe-Signature: t=\(Vectors.timestamp),v1=\(Vectors.stripeSignature)"])
        #expect(
            try sign([
                "--scheme", "standard-webhooks", "--secret", Vectors.standardWebhooksSecret, "--id", "msg_test_1",
            ])
                == [
                    "webhook-id: msg_test_1", "webhook-timestamp: \(Vectors.timestamp)",
                    "webhook-signature: v1,2JvcQ6Y6X0PXNSEKgxnhC0aoN5Uaxxqoc2f+yL7F084=",
                ])
    }

    @Test(arguments: PresetVector.all.filter { $0.preset != .dropboxSign })
    func outputVerifies(_ vector: PresetVector) throws {
        var arguments = ["--scheme", vector.preset.rawValue, "--secret", vector.secret]
        if let url = vector.url { arguments += ["--url", url] }
        let lines = try sign(arguments)
        var target = "/hooks/test"
        if let query = lines.first(where: { $0.hasPrefix("?") }) { target += query }
        let request = SignedRequest(target: target, headers: headers(lines), body: Array(Vectors.body.utf8))
        #expect(SignatureVerifier(vector.settings).verify(request, now: Vectors.now).isValid, "\(lines)")
    }

    @Test func dropboxSignPrintsThePayloadHash() throws {
        let body = #"{"event":{"event_time":"1767225600","event_type":"signature_request_all_signed"}}"#
        #expect(
            try sign(["--scheme", "dropbox-sign", "--secret", Vectors.secret], body: body)
                == ["event.event_hash=\(Vectors.dropboxSignHash)"])
    }

    @Test(arguments: [
        #"{preset: hmac, header: X-Sig, algorithm: sha512, encoding: base64, prefix: "v1=", signed: "{timestamp}.{body}", timestamp_header: X-Ts}"#,
        #"{preset: hmac, header: X-Sig, signed: "{url}|{path}|{body}"}"#,
        "{preset: basic, username: acme}",
        "{preset: token, header: X-Hook-Token}",
        "token",
        "adobe-sign",
    ])
    func genericSchemesVerify(_ scheme: String) throws {
        let url = "https://hooks.example.com/hooks/x?a=1"
        let lines = try sign(["--scheme", scheme, "--secret", "s3cr3t", "--url", url])
        let node =
            scheme.hasPrefix("{")
            ? try YAMLNode.parse(scheme, file: "t")
            : try YAMLNode.parse("{preset: \(scheme)}", file: "t")
        var diagnostics = ConfigDiagnostics()
        var settings = try #require(SignatureSettings.load(node, path: "signature", diagnostics: &diagnostics))
        settings.secrets = [Secret("s3cr3t")]
        let request = SignedRequest(
            target: "/hooks/x?a=1", headers: headers(lines), body: Array(Vectors.body.utf8), publicURL: url)
        #expect(SignatureVerifier(settings).verify(request, now: Vectors.now).isValid, "\(lines)")
    }

    @Test(arguments: [
        (["sign"], "missing --scheme NAME"),
        (["sign", "--scheme", "stripe"], "missing --body FILE"),
        (
            ["sign", "--scheme", "strpe", "--body", "/dev/null", "--secret", "s"],
            "unknown preset 'strpe' (did you mean 'stripe'?)"
        ),
        (["sign", "--scheme", "stripe", "--body", "/dev/null"], "missing --secret S"),
        (
            ["sign", "--scheme", "stripe", "--body", "/dev/null", "--secret", "s", "--timestamp", "now"],
            "--timestamp expects Unix seconds"
        ),
        (["sign", "--scheme", "square", "--body", "/dev/null", "--secret", "s"], "Square signs the URL: give --url"),
        (
            ["sign", "--scheme", "{preset: hmac}", "--body", "/dev/null", "--secret", "s"],
            "--scheme:1:1: scheme: preset 'hmac' needs 'header'"
        ),
        (["sign", "--scheme", "stripe", "--bogus"], "unknown option '--bogus'"),
    ])
    func usageErrorsExitWithStatus2(_ arguments: [String], _ message: String) throws {
        let result = try DealhookProcess.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        #expect(result.stderr.contains("Usage: dealhook sign"))
        #expect(result.stdout.isEmpty)
    }

    @Test func unreadableBodyExits1() throws {
        let result = try DealhookProcess.run([
            "sign", "--scheme", "github", "--secret", "s", "--body", "/nonexistent/x",
        ])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot read '/nonexistent/x'"))
    }

    @Test func helpIsListed() throws {
        #expect(try DealhookProcess.run(["help"]).stdout.contains("sign "))
        let help = try DealhookProcess.run(["sign", "--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("--scheme NAME"))
    }
}
