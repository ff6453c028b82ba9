import Testing

@testable import Rules

@Suite struct FormSettingsTests {
    /// Loads `text` (file `t.yaml`) as route `contact`'s intake keys; returns the settings and every problem.
    private func load(
        _ text: String, environment: [String: String] = [:], fillTimeSecret: Secret? = nil
    ) throws -> (FormSettings?, [String]) {
        var diagnostics = ConfigDiagnostics()
        let root = Interpolator(environment: environment).interpolate(
            try YAMLNode.parse(text, file: "t.yaml"), diagnostics: &diagnostics)
        guard case .mapping(let pairs) = root.kind else { throw ConfigDiagnostics() }
        let intake = Dictionary(uniqueKeysWithValues: pairs.map { ($0.key, $0.value) })
        let settings = FormSettings.load(
            intake: intake, path: "routes.contact", fillTimeSecret: fillTimeSecret, diagnostics: &diagnostics)
        return (settings, diagnostics.reported().errors.map(\.description))
    }

    private func errors(_ text: String) throws -> [String] {
        let (settings, errors) = try load(text)
        #expect(settings == nil)
        return errors
    }

    @Test func defaults() throws {
        let (settings, errors) = try load("{}")
        #expect(errors == [])
        #expect(settings == FormSettings())
        #expect(
            settings?.limits
                == FormSettings.Limits(maxFields: 100, maxFieldSize: 65_536, maxBodySize: nil, files: .refuse))
    }

    @Test func everyKey() throws {
        let (settings, errors) = try load(
            """
            redirect: https://www.example.com/thanks
            error_redirect: /contact
            allowed_redirects: ["https://www.example.com/welcome", "https://www.example.com/thanks/*"]
            allowed_origins: [https://WWW.example.com, "http://localhost:3000"]
            honeypot: _gotcha
            min_fill_time: 3s
            fill_time_field: _t
            fill_time_secret: ${FORM_SECRET}
            fill_time_max_age: 2h
            rate_limit: 10/min
            rate_limit_clients: 500
            trusted_proxies: [10.0.0.0/8, "::1"]
            captcha: {provider: hcaptcha, secret: "${HCAPTCHA_SECRET}", verify_url: "http://127.0.0.1:9/v", timeout: 2s}
            files: drop
            max_fields: 20
            max_field_size: 4KiB
            """, environment: ["FORM_SECRET": "fs", "HCAPTCHA_SECRET": "hs"])
        #expect(errors == [])
        let form = try #require(settings)
        #expect(form.redirect == "https://www.example.com/thanks")
        #expect(form.errorRedirect == "/contact")
        #expect(
            form.allowedRedirects == [
                .exact("https://www.example.com/welcome"), .prefix("https://www.example.com/thanks/"),
            ])
        #expect(form.allowedOrigins == .list(["https://www.example.com", "http://localhost:3000"]))
        #expect(form.honeypot == "_gotcha")
        #expect(
            form.fillTime
                == FormSettings.FillTime(
                    minimum: .seconds(3), field: "_t", secret: Secret("fs"), maxAge: .seconds(7200)))
        #expect(
            form.rateLimit == FormSettings.RateLimit(rate: Rate(count: 10, interval: .seconds(60)), maxClients: 500))
        #expect(form.trustedProxies.map(\.description) == ["10.0.0.0/8", "0:0:0:0:0:0:0:1/128"])
        #expect(
            form.captcha
                == FormSettings.Captcha(
                    provider: .hcaptcha, secret: Secret("hs"), verifyURL: "http://127.0.0.1:9/v", timeout: .seconds(2)))
        #expect(
            form.limits == FormSettings.Limits(maxFields: 20, maxFieldSize: 4096, maxBodySize: nil, files: .drop))
    }

    @Test func captchaDefaultsToTheProvidersEndpoint() throws {
        let (settings, errors) = try load("captcha: {provider: turnstile, secret: k}")
        #expect(errors == [])
        #expect(settings?.captcha?.verifyURL == "https://challenges.cloudflare.com/turnstile/v0/siteverify")
        #expect(settings?.captcha?.timeout == .seconds(5))
        #expect(try load("allowed_origins: '*'").0?.allowedOrigins == .any)
    }

    @Test func theGlobalSecretSignsWhenTheRouteHasNone() throws {
        let (settings, errors) = try load("min_fill_time: 5s", fillTimeSecret: Secret("global"))
        #expect(errors == [])
        #expect(settings?.fillTime == FormSettings.FillTime(minimum: .seconds(5), secret: Secret("global")))
        #expect(
            try self.errors("min_fill_time: 5s")
                == [
                    "t.yaml:1:16: routes.contact.min_fill_time: needs 'fill_time_secret' (or the global form secret) to sign the timestamps"
                ])
    }

    @Test func everyProblemHasItsPositionAndASuggestion() throws {
        let problems = try errors(
            """
            files: refsue
            max_fields: 0
            max_field_size: lots
            redirect: //evil.example/
            allowed_redirects: ["https://www.example.com*", "https://a.example/x/*"]
            allowed_origins: [https://www.example.com/]
            honeypot: ""
            fill_time_field: _ts
            rate_limit: 10/week
            trusted_proxies: [10.0.0.0/40]
            captcha: {provder: turnstile, secret: k}
            """)
        #expect(
            problems == [
                "t.yaml:1:8: routes.contact.files: expected one of refuse, drop, got 'refsue' (did you mean 'refuse'?)",
                "t.yaml:2:13: routes.contact.max_fields: must be greater than zero, got 0",
                "t.yaml:3:17: routes.contact.max_field_size: expected a size such as 512, 64KiB, 1MiB or 10MB, got 'lots'",
                "t.yaml:4:11: routes.contact.redirect: expected an http:// or https:// URL or a path starting with '/', got '//evil.example/'",
                "t.yaml:5:21: routes.contact.allowed_redirects: a pattern is a URL up to at least the '/' after its host, then '*' (https://www.example.com/thanks/*), got 'https://www.example.com*'",
                "t.yaml:6:18: routes.contact.allowed_origins: expected an origin such as https://www.example.com (scheme, host, optional port, no path), got 'https://www.example.com/'",
                "t.yaml:7:11: routes.contact.honeypot: expected a form field name, got ''",
                "t.yaml:8:18: routes.contact.fill_time_field: is used only with 'min_fill_time'",
                "t.yaml:9:13: routes.contact.rate_limit: expected a rate such as 10/min, 20/s or 100/h, got '10/week'",
                "t.yaml:10:18: routes.contact.trusted_proxies: expected an IP address or CIDR range (10.0.0.0/8, ::1), got '10.0.0.0/40'",
                "t.yaml:11:10: routes.contact.captcha: missing key 'provider'",
                "t.yaml:11:11: unknown key 'provder' in 'routes.contact.captcha' (did you mean 'provider'?)",
            ])
        #expect(
            try errors("captcha: {provider: turnstyle, secret: ''}") == [
                "t.yaml:1:21: routes.contact.captcha.provider: expected one of turnstile, hcaptcha, recaptcha, got 'turnstyle' (did you mean 'turnstile'?)",
                "t.yaml:1:40: routes.contact.captcha.secret: must not be empty",
            ])
        #expect(
            try errors("min_fill_time: 1h\nfill_time_secret: s\nfill_time_max_age: 30m") == [
                "t.yaml:3:20: routes.contact.fill_time_max_age: must be longer than min_fill_time (1h), got 30m"
            ])
    }

    @Test func theRouteLoaderKnowsTheKeys() throws {
        for key in FormSettings.keys {
            #expect(RouteConfig.intakeKeys.contains(key), "\(key)")
        }
    }

    @Test func loadsFromARoute() throws {
        let text = """
            routes:
              - name: contact
                path: /forms/contact
                kind: form
                honeypot: _gotcha
                rate_limit: 5/min
                max_body_size: 256KiB
                rules: [{name: r, actions: [{task.create: {title: t}}]}]
              - name: hook
                path: /hooks/h
                kind: webhook
                signature: {preset: token, header: X-Token, token: t0ken}
                honeypot: _gotcha
                rules: [{name: r, actions: [{task.create: {title: t}}]}]
            """
        let root = try YAMLNode.parse(text, file: "c.yaml")
        do throws(ConfigDiagnostics) {
            _ = try DealhookConfig(root: root, environment: [:], diagnostics: ConfigDiagnostics())
            Issue.record("a webhook route with form settings must not load")
        } catch {
            #expect(error.errors.map(\.description) == ["c.yaml:13:15: route 'hook': 'honeypot' is for form routes"])
        }
        let formOnly = try YAMLNode.parse(text.components(separatedBy: "  - name: hook")[0], file: "c.yaml")
        let config = try DealhookConfig(root: formOnly, environment: [:], diagnostics: ConfigDiagnostics())
        let settings = try #require(config.route(named: "contact")?.form)
        #expect(settings.honeypot == "_gotcha")
        #expect(settings.rateLimit?.rate == Rate(count: 5, interval: .seconds(60)))
        #expect(settings.limits.maxBodySize == 262_144)
    }
}
