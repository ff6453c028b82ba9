import Testing

@testable import Rules

@Suite struct SignatureSettingsTests {
    /// Loads the `signature` key of `text` (file `t.yaml`) as route `hooks`'s; returns the settings and every
    /// problem as printed.
    private func load(_ text: String, environment: [String: String] = [:]) throws -> (SignatureSettings?, [String]) {
        var diagnostics = ConfigDiagnostics()
        let root = Interpolator(environment: environment).interpolate(
            try YAMLNode.parse(text, file: "t.yaml"), diagnostics: &diagnostics)
        let node = try #require(root["signature"])
        let settings = SignatureSettings.load(node, path: "routes.hooks.signature", diagnostics: &diagnostics)
        return (settings, diagnostics.reported().errors.map(\.description))
    }

    private func errors(_ text: String) throws -> [String] {
        let (settings, errors) = try load(text)
        #expect(settings == nil)
        return errors
    }

    @Test func presetWithSecretFromTheEnvironment() throws {
        let (settings, errors) = try load(
            #"signature: {preset: stripe, secret: "${STRIPE_WEBHOOK_SECRET}"}"#,
            environment: ["STRIPE_WEBHOOK_SECRET": "whsec_abc"])
        #expect(errors == [])
        #expect(settings?.scheme == .preset(.stripe))
        #expect(settings?.secrets == [Secret("whsec_abc")])
        #expect(settings?.tolerance == .seconds(300))
        #expect(settings?.disabledReason == nil)
        #expect(settings?.location == SourceLocation(file: "t.yaml", line: 1, column: 12))
    }

    @Test func rotationToleranceAndURL() throws {
        let (stripe, errors) = try load("signature:\n  preset: stripe\n  secrets: [old, new]\n  tolerance: 10m\n")
        #expect(errors == [])
        #expect(stripe?.secrets == [Secret("old"), Secret("new")])
        #expect(stripe?.tolerance == .seconds(600))
        let (square, _) = try load("signature: {preset: square, secret: k, url: 'https://h.example/hooks/sq/'}")
        #expect(square?.url == "https://h.example/hooks/sq/")
    }

    @Test func missingOrEmptySecretDisablesTheRoute() throws {
        for text in [
            "signature: {preset: github}", #"signature: {preset: github, secret: "${UNSET:-}"}"#,
            "signature: {preset: github, secrets: ['', '']}",
            "signature: {preset: github, secret: }",
        ] {
            let (settings, errors) = try load(text)
            #expect(errors == [], "\(text)")
            #expect(settings?.secrets == [], "\(text)")
            #expect(
                settings?.disabledReason?.description
                    == "t.yaml:1:12: routes.hooks.signature.secret is missing or empty; the route is disabled")
        }
        let (plain, plainErrors) = try load("signature:\n  preset: github\n  secret: ${UNSET:-}\n")
        #expect(plainErrors == [])
        #expect(plain?.secrets == [])
        let (basic, _) = try load("signature: {preset: basic, username: u}")
        #expect(
            basic?.disabledReason?.message
                == "routes.hooks.signature.password is missing or empty; the route is disabled")
    }

    @Test func unknownPresetSuggestsTheClosest() throws {
        #expect(
            try errors("signature:\n  preset: strpe\n  secret: x\n")
                == ["t.yaml:2:11: routes.hooks.signature.preset: unknown preset 'strpe' (did you mean 'stripe'?)"])
        #expect(
            try errors("signature: {preset: svix}")
                == ["t.yaml:1:21: routes.hooks.signature.preset: unknown preset 'svix' (use 'standard-webhooks')"])
        let far = try errors("signature: {preset: zzzzzzzz}")
        #expect(far.count == 1)
        #expect(far.first?.contains("(known presets: stripe, standard-webhooks, github,") == true)
        #expect(
            try errors("signature: {secret: x}")
                == [
                    "t.yaml:1:12: routes.hooks.signature: missing key 'preset' (one of: "
                        + SignatureSettings.presetNames.joined(separator: ", ") + ")"
                ])
    }

    @Test func unknownKeysAreReportedWithWhatThePresetTakes() throws {
        #expect(
            try errors("signature:\n  preset: stripe\n  secert: x\n")
                == ["t.yaml:3:3: unknown key 'secert' in 'routes.hooks.signature' (did you mean 'secret'?)"])
        #expect(
            try errors("signature:\n  preset: github\n  secret: x\n  tolerance: 5m\n")
                == [
                    "t.yaml:4:3: unknown key 'tolerance' in 'routes.hooks.signature' (known keys: preset, secret, secrets)"
                ])
    }

    @Test func wrongTypes() throws {
        #expect(
            try errors("signature:\n  preset: stripe\n  secret: [a, b]\n")
                == [
                    "t.yaml:3:11: routes.hooks.signature.secret: expected a string, got a list (use 'secrets' for several)"
                ])
        let mapping = try errors("signature:\n  preset: stripe\n  secrets: {a: b}\n")
        #expect(
            mapping == [
                "t.yaml:3:12: routes.hooks.signature.secrets: expected a string or a list of strings, got a mapping"
            ])
        #expect(
            try errors("signature:\n  preset: stripe\n  tolerance: 300\n")
                == [
                    "t.yaml:3:14: routes.hooks.signature.tolerance: expected a duration such as 90s, 5m, 250ms or 1h30m, got '300'"
                ])
        #expect(
            try errors("signature:\n  preset: [stripe]\n")
                == ["t.yaml:2:11: routes.hooks.signature.preset: expected a string, got a list"])
        #expect(
            try errors("signature: stripe") == ["t.yaml:1:12: routes.hooks.signature: expected a mapping, got 'stripe'"]
        )
        #expect(
            try errors("signature: {preset: square, url: 'hooks.example.com/x'}")
                == [
                    "t.yaml:1:34: routes.hooks.signature.url: expected an http:// or https:// URL, got 'hooks.example.com/x'"
                ])
    }

    @Test func secretAndSecretsTogether() throws {
        #expect(
            try errors("signature:\n  preset: shopify\n  secret: a\n  secrets: [b]\n")
                == ["t.yaml:4:12: routes.hooks.signature.secrets: give 'secret' or 'secrets', not both"])
    }

    @Test func standardWebhooksSecretMustBeBase64() throws {
        #expect(
            try load("signature: {preset: standard-webhooks, secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}").1 == [])
        #expect(
            try errors(
                "signature:\n  preset: standard-webhooks\n  secret: ${S}\n", environment: ["S": "whsec_not base64!"])
                == [
                    "t.yaml:3:11: routes.hooks.signature.secret: expected 'whsec_' followed by base64, as Standard "
                        + "Webhooks and Svix show it (value not shown)"
                ])
    }

    private func errors(_ text: String, environment: [String: String]) throws -> [String] {
        let (settings, errors) = try load(text, environment: environment)
        #expect(settings == nil)
        return errors
    }

    @Test func genericHMACWithEveryKey() throws {
        let (settings, errors) = try load(
            """
            signature:
              preset: hmac
              header: X-Signature
              algorithm: sha512
              encoding: base64
              prefix: "v1="
              signed: "{timestamp}.{body}"
              timestamp_header: X-Timestamp
              tolerance: 1m
              secret: k
            """)
        #expect(errors == [])
        #expect(
            settings?.scheme
                == .hmac(
                    HMACSignatureScheme(
                        header: "X-Signature", algorithm: .sha512, encoding: .base64, prefix: "v1=",
                        signed: SignedTemplate([.timestamp, .literal("."), .body]), timestampHeader: "X-Timestamp")))
        #expect(settings?.tolerance == .seconds(60))
        let (defaults, _) = try load("signature: {preset: hmac, header: X-Sig, secret: k}")
        #expect(defaults?.scheme == .hmac(HMACSignatureScheme(header: "X-Sig")))
    }

    @Test func genericHMACProblems() throws {
        #expect(
            try errors("signature:\n  preset: hmac\n  secret: k\n")
                == [
                    "t.yaml:2:3: routes.hooks.signature: preset 'hmac' needs 'header', the header that carries the signature"
                ])
        #expect(
            try errors("signature:\n  preset: hmac\n  header: X-Sig\n  signed: '{timestamp}.{body}'\n")
                == [
                    "t.yaml:4:11: routes.hooks.signature.signed: {timestamp} needs 'timestamp_header', the header it is read from"
                ])
        #expect(
            try errors("signature:\n  preset: hmac\n  header: X-Sig\n  timestamp_header: X-Time\n")
                == [
                    "t.yaml:4:21: routes.hooks.signature.timestamp_header: 'signed' must contain {timestamp}, or an "
                        + "attacker could change the time"
                ])
        #expect(
            try errors("signature:\n  preset: hmac\n  header: X-Sig\n  tolerance: 1m\n")
                == ["t.yaml:4:14: routes.hooks.signature.tolerance: needs 'timestamp_header'; nothing else is timed"])
        // Every problem at once, in file order.
        #expect(
            try errors(
                "signature:\n  preset: hmac\n  header: 'X Sig'\n  algorithm: sha265\n  encoding: b64\n  signed: '{bdy}'\n"
            )
                == [
                    "t.yaml:3:11: routes.hooks.signature.header: expected a header name, got 'X Sig'",
                    "t.yaml:4:14: routes.hooks.signature.algorithm: expected one of sha1, sha256, sha512, got 'sha265'",
                    "t.yaml:5:13: routes.hooks.signature.encoding: expected one of hex, base64, got 'b64'",
                    "t.yaml:6:11: routes.hooks.signature.signed: expected \(SignedTemplate.expected), got '{bdy}' "
                        + "(unknown placeholder '{bdy}')",
                ])
    }

    @Test func basicAndToken() throws {
        let (basic, basicErrors) = try load("signature: {preset: basic, username: acme, password: p}")
        #expect(basicErrors == [])
        #expect(basic?.scheme == .basic(username: "acme"))
        #expect(basic?.secrets == [Secret("p")])
        #expect(
            try errors("signature: {preset: basic, password: p}") == [
                "t.yaml:1:12: routes.hooks.signature: preset 'basic' needs 'username'"
            ])
        let (token, _) = try load("signature: {preset: token, token: [t1, t2]}")
        #expect(token?.scheme == .token(header: "Authorization"))
        #expect(token?.secrets == [Secret("t1"), Secret("t2")])
        let (custom, _) = try load("signature: {preset: token, header: X-Hook-Token, token: t}")
        #expect(custom?.scheme == .token(header: "X-Hook-Token"))
        let (adobe, _) = try load("signature: {preset: adobe-sign, client_id: [ABC, DEF]}")
        #expect(adobe?.scheme == .preset(.adobeSign))
        #expect(adobe?.secrets == [Secret("ABC"), Secret("DEF")])
    }

    @Test func secretsAreNotShown() throws {
        let (settings, _) = try load(#"signature: {preset: stripe, secret: "whsec_topsecret"}"#)
        #expect(!String(describing: settings as Any).contains("topsecret"))
    }

    @Test(arguments: [
        ("{body}", [SignedTemplate.Part.body]),
        ("{timestamp}.{body}", [.timestamp, .literal("."), .body]),
        ("{url}{body}", [.url, .body]),
        (
            "v0:{header:X-Request-Timestamp}:{body}",
            [.literal("v0:"), .header("X-Request-Timestamp"), .literal(":"), .body]
        ),
        ("{{literal}} {path}", [.literal("{literal} "), .path]),
    ])
    func signedTemplates(_ text: String, _ parts: [SignedTemplate.Part]) throws {
        let template = try SignedTemplate(parsing: text)
        #expect(template.parts == parts)
        #expect(template.description == text)
    }

    @Test(arguments: [
        ("", "it is empty"), ("{body", "'{' without a closing '}'"),
        ("body}", "a lone '}' (write '}}' for a literal brace)"),
        ("{header:}", "unknown placeholder '{header:}'"), ("{header:a b}", "unknown placeholder '{header:a b}'"),
    ])
    func badSignedTemplates(_ text: String, _ reason: String) {
        #expect(throws: ScalarValueError(text: text, expected: SignedTemplate.expected, reason: reason)) {
            try SignedTemplate(parsing: text)
        }
    }
}
