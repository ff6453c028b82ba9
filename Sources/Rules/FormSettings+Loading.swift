extension FormSettings {
    /// Keys this loader reads from a route (`RouteConfig.intakeKeys` lists them too).
    public static let keys = [
        "redirect", "error_redirect", "allowed_redirects", "allowed_origins", "honeypot", "min_fill_time",
        "fill_time_field", "fill_time_secret", "fill_time_max_age", "rate_limit", "rate_limit_clients",
        "trusted_proxies", "captcha", "files", "max_fields", "max_field_size",
    ]
    private static let captchaKeys = ["provider", "secret", "verify_url", "timeout"]

    /// Reads the form settings of `route` (named `routes.<name>` in problems); throws every problem found.
    ///
    /// `fillTimeSecret` signs fill-time tokens of routes that set no `fill_time_secret` of their own.
    public init(route: RouteConfig, fillTimeSecret: Secret? = nil) throws(ConfigDiagnostics) {
        var diagnostics = ConfigDiagnostics()
        let settings = Self.load(
            intake: route.intake, path: "routes.\(route.name)", fillTimeSecret: fillTimeSecret,
            diagnostics: &diagnostics)
        guard let settings else { throw diagnostics.reported() }
        self = settings
    }

    /// Reads a form route's intake keys (as `RouteConfig.intake` keeps them), `path` being the route's key path.
    ///
    /// Every problem is added to `diagnostics` with its position, and nil returned when there was any: values
    /// of the wrong type, unsafe redirect targets or patterns, origins with a path, unknown `files` or `provider`
    /// values (with the closest name), unknown `captcha` keys, `fill_time_*` or `rate_limit_clients` without
    /// the key they belong to, `min_fill_time` with no secret.
    public static func load(
        intake: [String: YAMLNode], path: String, fillTimeSecret: Secret? = nil, diagnostics: inout ConfigDiagnostics
    ) -> FormSettings? {
        let before = diagnostics.errors.count
        func read<Value>(_ key: String, _ convert: (YAMLNode) -> (String) throws(ConfigError) -> Value) -> Value? {
            guard let node = intake[key] else { return nil }
            return diagnostics.record { () throws(ConfigError) in try convert(node)("\(path).\(key)") }
        }
        func reportOrphans(_ keys: [String], of owner: String) {
            for key in keys {
                guard let node = intake[key] else { continue }
                diagnostics.append(
                    ConfigError(location: node.location, message: "\(path).\(key): is used only with '\(owner)'"))
            }
        }
        var settings = FormSettings()
        settings.limits.maxFields = read("max_fields", YAMLNode.positiveInteger(at:)) ?? defaultMaxFields
        settings.limits.maxFieldSize = read("max_field_size", YAMLNode.positiveByteSize(at:)) ?? defaultMaxFieldSize
        settings.limits.files = read("files", YAMLNode.formChoice(at:)) ?? .refuse
        settings.redirect = read("redirect", YAMLNode.redirectTarget(at:))
        settings.errorRedirect = read("error_redirect", YAMLNode.redirectTarget(at:))
        settings.allowedRedirects = read("allowed_redirects", YAMLNode.redirectPatterns(at:)) ?? []
        settings.allowedOrigins = read("allowed_origins", YAMLNode.allowedOrigins(at:))
        settings.honeypot = read("honeypot", YAMLNode.fieldName(at:))
        settings.trustedProxies = read("trusted_proxies", YAMLNode.proxyRanges(at:)) ?? []

        let minimum = read("min_fill_time", YAMLNode.positiveDuration(at:))
        let field = read("fill_time_field", YAMLNode.fieldName(at:))
        let secret = read("fill_time_secret", YAMLNode.secret(at:))
        let maxAge = read("fill_time_max_age", YAMLNode.positiveDuration(at:))
        if let minimumNode = intake["min_fill_time"] {
            if let minimum {
                if let secret = secret ?? fillTimeSecret {
                    settings.fillTime = FillTime(
                        minimum: minimum, field: field ?? defaultFillTimeField, secret: secret,
                        maxAge: maxAge ?? defaultFillTimeMaxAge)
                } else if intake["fill_time_secret"] == nil {
                    diagnostics.append(
                        ConfigError(
                            location: minimumNode.location,
                            message: "\(path).min_fill_time: needs 'fill_time_secret' (or the global form secret) "
                                + "to sign the timestamps"))
                }
                if let maxAge, maxAge <= minimum, let node = intake["fill_time_max_age"] {
                    diagnostics.append(
                        ConfigError(
                            location: node.location,
                            message: "\(path).fill_time_max_age: must be longer than min_fill_time "
                                + "(\(ConfigDuration(minimum))), got \(ConfigDuration(maxAge))"))
                }
            }
        } else {
            reportOrphans(["fill_time_field", "fill_time_secret", "fill_time_max_age"], of: "min_fill_time")
        }

        let rate = read("rate_limit", YAMLNode.rate(at:))
        let clients = read("rate_limit_clients", YAMLNode.positiveInteger(at:))
        if let rate {
            settings.rateLimit = RateLimit(rate: rate, maxClients: clients ?? defaultRateLimitClients)
        } else if intake["rate_limit"] == nil {
            reportOrphans(["rate_limit_clients"], of: "rate_limit")
        }
        if let node = intake["captcha"] {
            settings.captcha = loadCaptcha(node, path: "\(path).captcha", diagnostics: &diagnostics)
        }

        return diagnostics.errors.count == before ? settings : nil
    }

    private static func loadCaptcha(_ node: YAMLNode, path: String, diagnostics: inout ConfigDiagnostics) -> Captcha? {
        guard let section = ConfigSection(node, path: path, diagnostics: &diagnostics) else { return nil }
        section.reportUnknownKeys(known: captchaKeys, diagnostics: &diagnostics)
        let provider = section.read("provider", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.formChoice(at: path) as CaptchaProvider
        }
        let secret = section.read("secret", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.secret(at: path)
        }
        let verifyURL = section.read("verify_url", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.verifyURL(at: path)
        }
        var timeout = defaultCaptchaTimeout
        section.read("timeout", YAMLNode.positiveDuration(at:), into: &timeout, diagnostics: &diagnostics)
        for key in ["provider", "secret"] where section[key] == nil {
            diagnostics.append(ConfigError(location: node.location, message: "\(path): missing key '\(key)'"))
        }
        guard let provider, let secret else { return nil }
        return Captcha(provider: provider, secret: secret, verifyURL: verifyURL, timeout: timeout)
    }
}

extension YAMLNode {
    /// One of the names of `Choice`, with the closest one suggested otherwise.
    fileprivate func formChoice<Choice: RawRepresentable & CaseIterable>(at path: String) throws(ConfigError) -> Choice
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        let text = try text(at: path, expected: "one of \(names.joined(separator: ", "))")
        guard let choice = Choice(rawValue: text) else {
            var message = "\(path): expected one of \(names.joined(separator: ", ")), got \(summary)"
            if let suggestion = KeySuggestion.closest(to: text.lowercased(), among: names) {
                message += " (did you mean '\(suggestion)'?)"
            }
            throw ConfigError(location: location, message: message)
        }
        return choice
    }

    /// A form field name: not empty, no control characters.
    fileprivate func fieldName(at path: String) throws(ConfigError) -> String {
        let name = try string(at: path)
        guard !name.isEmpty, name.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value != 0x7F }) else {
            throw ConfigError(location: location, message: "\(path): expected a form field name, got \(summary)")
        }
        return name
    }

    /// A `Location` target (see `FormSettings.isSafeTarget`).
    fileprivate func redirectTarget(at path: String) throws(ConfigError) -> String {
        let url = try string(at: path)
        guard FormSettings.isSafeTarget(url) else {
            throw ConfigError(
                location: location,
                message: "\(path): expected an http:// or https:// URL or a path starting with '/', got \(summary)")
        }
        return url
    }

    /// Exact URLs and prefixes ending in `*`; a prefix must name its host and end it with `/`.
    fileprivate func redirectPatterns(at path: String) throws(ConfigError) -> [FormSettings.RedirectPattern] {
        let items: [YAMLNode] = if case .sequence(let items) = kind { items } else { [self] }
        var patterns: [FormSettings.RedirectPattern] = []
        for item in items {
            let text = try item.text(at: path, expected: "a URL or a list of URLs")
            guard text.hasSuffix("*") else {
                patterns.append(.exact(try item.redirectTarget(at: path)))
                continue
            }
            let prefix = String(text.dropLast())
            let afterScheme =
                prefix.lowercased().hasPrefix("https://") ? 8 : prefix.lowercased().hasPrefix("http://") ? 7 : 0
            let namesHost = afterScheme == 0 ? prefix.hasPrefix("/") : prefix.dropFirst(afterScheme).contains("/")
            guard !prefix.contains("*"), FormSettings.isSafeTarget(prefix), namesHost else {
                throw ConfigError(
                    location: item.location,
                    message: "\(path): a pattern is a URL up to at least the '/' after its host, then '*' "
                        + "(https://www.example.com/thanks/*), got \(item.summary)")
            }
            patterns.append(.prefix(prefix))
        }
        return patterns
    }

    /// `*`, or origins `scheme://host[:port]`.
    fileprivate func allowedOrigins(at path: String) throws(ConfigError) -> FormSettings.AllowedOrigins {
        let origins = try strings(at: path)
        if origins == ["*"] { return .any }
        for origin in origins {
            let lower = origin.lowercased()
            let host =
                lower.hasPrefix("https://") ? lower.dropFirst(8) : lower.hasPrefix("http://") ? lower.dropFirst(7) : nil
            guard let host, !host.isEmpty, !host.contains("/"), !host.contains("@"), !host.contains("*"),
                host.allSatisfy({ $0.isASCII && !$0.isWhitespace })
            else {
                let message =
                    origin == "*"
                    ? "\(path): '*' allows every origin and stands alone"
                    : "\(path): expected an origin such as https://www.example.com (scheme, host, optional port, "
                        + "no path), got '\(origin)'"
                throw ConfigError(location: location, message: message)
            }
        }
        return .list(origins.map { $0.lowercased() })
    }

    fileprivate func proxyRanges(at path: String) throws(ConfigError) -> [FormSettings.ProxyRange] {
        try strings(at: path).map { text throws(ConfigError) in
            guard let range = FormSettings.ProxyRange(parsing: text) else {
                throw ConfigError(
                    location: location,
                    message: "\(path): expected an IP address or CIDR range (10.0.0.0/8, ::1), got '\(text)'")
            }
            return range
        }
    }

    fileprivate func verifyURL(at path: String) throws(ConfigError) -> String {
        let url = try string(at: path)
        let lower = url.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), FormSettings.isSafeTarget(url) else {
            throw ConfigError(
                location: location, message: "\(path): expected an http:// or https:// URL, got \(summary)")
        }
        return url
    }
}
