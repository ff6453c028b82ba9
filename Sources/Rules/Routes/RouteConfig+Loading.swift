extension RouteConfig {
    private static let keys = ["name", "path", "kind", "subject", "rules", "signature", "max_body_size", "dedupe"]
    /// Keys the intake reads; kept as written so that the loader knows them.
    static let intakeKeys = [
        "redirect", "error_redirect", "allowed_redirects", "allowed_origins", "honeypot", "min_fill_time",
        "rate_limit", "captcha", "files", "max_fields", "max_field_size", "fill_time_field",
        "fill_time_secret", "fill_time_max_age", "rate_limit_clients", "trusted_proxies",
    ]
    /// Paths the application serves itself.
    static let reservedPaths = ["/healthz", "/readyz", "/metrics"]

    /// Reads section `routes`: a list of routes. Problems are added to `diagnostics`; a route with a problem in
    /// its name, path or kind is left out.
    /// `formSecret` signs the fill-time tokens of form routes that have no `fill_time_secret` of their own.
    static func load(_ node: YAMLNode?, formSecret: Secret?, diagnostics: inout ConfigDiagnostics) -> [RouteConfig] {
        guard let node, node.scalar?.isNull != true else { return [] }
        guard case .sequence(let items) = node.kind else {
            diagnostics.append(ConfigError(location: node.location, message: "routes: expected a list, got \(node.summary)"))
            return []
        }
        var routes: [RouteConfig] = []
        for (index, item) in items.enumerated() {
            guard
                let route = RouteConfig(
                    node: item, path: "routes[\(index)]", formSecret: formSecret, diagnostics: &diagnostics)
            else { continue }
            if let earlier = routes.first(where: { $0.name == route.name }) {
                diagnostics.append(
                    ConfigError(location: route.location, message: "route name '\(route.name)' is already used at \(earlier.location)"))
            } else if let earlier = routes.first(where: { $0.path == route.path }) {
                diagnostics.append(
                    ConfigError(location: route.location, message: "path '\(route.path)' is already used by route '\(earlier.name)'"))
            } else {
                routes.append(route)
            }
        }
        return routes
    }

    init?(node: YAMLNode, path keyPath: String, formSecret: Secret? = nil, diagnostics: inout ConfigDiagnostics) {
        guard let section = ConfigSection(node, path: keyPath, diagnostics: &diagnostics) else { return nil }
        section.reportUnknownKeys(known: Self.keys + Self.intakeKeys, diagnostics: &diagnostics)
        location = node.location
        var name: String?
        var path: String?
        var kind: Kind?
        section.read("name", YAMLNode.identifier(at:), into: &name, diagnostics: &diagnostics)
        section.read("path", YAMLNode.routePath(at:), into: &path, diagnostics: &diagnostics)
        section.read("kind", YAMLNode.routeKind(at:), into: &kind, diagnostics: &diagnostics)
        for (key, found) in [("name", name != nil), ("path", path != nil), ("kind", kind != nil)]
        where !found && section[key] == nil {
            diagnostics.append(ConfigError(location: node.location, message: "\(keyPath): missing '\(key)'"))
        }
        // The rules are checked even when the route's own keys are wrong, so that one run reports everything.
        let rules = RuleConfig.loadRules(
            section["rules"], route: name ?? keyPath, path: "\(keyPath).rules", diagnostics: &diagnostics)
        let subject = section.read("subject", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.string(at: path)
        }.flatMap { text in Template(parsing: text, at: section["subject"]!.location, diagnostics: &diagnostics) }
        let dedupe = section.read("dedupe", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.string(at: path)
        }.flatMap { text in Template(parsing: text, at: section["dedupe"]!.location, diagnostics: &diagnostics) }
        let signature = section["signature"].flatMap {
            SignatureSettings.load($0, path: "\(keyPath).signature", diagnostics: &diagnostics)
        }
        var maxBodySize: Int?
        section.read("max_body_size", YAMLNode.positiveByteSize(at:), into: &maxBodySize, diagnostics: &diagnostics)
        guard let name, let path, let kind else { return nil }
        if kind == .webhook, section["signature"] == nil {
            diagnostics.append(
                ConfigError(
                    location: node.location,
                    message: "webhook route '\(name)' needs a 'signature' (a preset such as stripe, or hmac, basic or token), so that it is never open by accident"))
        }
        if kind == .form, section["signature"] != nil {
            diagnostics.append(
                ConfigError(location: section["signature"]!.location, message: "route '\(name)': 'signature' is for webhook routes"))
        }
        self.signature = signature
        self.maxBodySize = maxBodySize
        self.dedupe = dedupe
        var intake: [String: YAMLNode] = [:]
        for key in Self.intakeKeys {
            if let value = section[key] { intake[key] = value }
        }
        if kind == .form {
            form = FormSettings.load(intake: intake, path: keyPath, fillTimeSecret: formSecret, diagnostics: &diagnostics)
            form?.limits.maxBodySize = maxBodySize
        } else {
            form = nil
            for key in FormSettings.keys.sorted() {
                guard let value = section[key] else { continue }
                diagnostics.append(
                    ConfigError(location: value.location, message: "route '\(name)': '\(key)' is for form routes"))
            }
        }
        self.name = name
        self.path = path
        self.kind = kind
        self.rules = rules
        self.subject = subject
        self.intake = intake
        checkReferences(diagnostics: &diagnostics)
    }

    /// Checks every template of the route: `steps.<id>` must name an earlier action, and each root must be one
    /// this kind of route can have.
    private func checkReferences(diagnostics: inout ConfigDiagnostics) {
        var earlier: [String] = []
        let everyID = rules.flatMap { $0.actions.map(\.id) }
        for rule in rules {
            if let when = rule.when {
                checkRoots(when.roots, at: when.location, diagnostics: &diagnostics)
            }
            for action in rule.actions {
                for template in action.input.values.flatMap(\.templates) {
                    checkRoots(template.roots, at: action.location, diagnostics: &diagnostics)
                    for reference in template.stepReferences where !earlier.contains(reference.step) {
                        let message =
                            everyID.contains(reference.step)
                            ? "steps.\(reference.step) is not known yet here: its action comes later"
                            : "no step '\(reference.step)' in route '\(name)'"
                                + (KeySuggestion.closest(to: reference.step, among: earlier).map { " (did you mean '\($0)'?)" } ?? "")
                        diagnostics.append(ConfigError(location: reference.location, message: message))
                    }
                }
                earlier.append(action.id)
            }
        }
        if let subject {
            checkRoots(subject.roots, at: subject.location, diagnostics: &diagnostics)
        }
    }

    private func checkRoots(_ roots: Set<TemplateRoot>, at location: SourceLocation, diagnostics: inout ConfigDiagnostics) {
        if kind == .webhook, roots.contains(.form) {
            diagnostics.append(
                ConfigError(location: location, message: "route '\(name)' is a webhook: it has no 'form' (use 'body')"))
        }
    }
}

extension YAMLNode {
    /// A name of letters, digits, `-`, `_` and `.`, starting with a letter or digit.
    func identifier(at path: String) throws(ConfigError) -> String {
        let text = try string(at: path)
        let allowed = text.utf8.allSatisfy {
            (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0)
                || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".")
        }
        guard allowed, let first = text.first, first.isLetter || first.isNumber else {
            throw ConfigError(
                location: location, message: "\(path): expected a name of letters, digits, '-', '_' and '.', got \(summary)")
        }
        return text
    }

    func routePath(at path: String) throws(ConfigError) -> String {
        let text = try string(at: path)
        guard text.hasPrefix("/"), !text.contains(" "), !text.contains("?"), !text.contains("#") else {
            throw ConfigError(location: location, message: "\(path): expected a path starting with '/', got \(summary)")
        }
        guard !RouteConfig.reservedPaths.contains(text), !text.hasPrefix("/admin"), !text.hasPrefix("/_sandbox") else {
            throw ConfigError(location: location, message: "\(path): '\(text)' is served by Dealhook itself")
        }
        return text
    }

    func routeKind(at path: String) throws(ConfigError) -> RouteConfig.Kind {
        let text = try string(at: path)
        guard let kind = RouteConfig.Kind(rawValue: text) else {
            throw ConfigError(location: location, message: "\(path): expected 'form' or 'webhook', got \(summary)")
        }
        return kind
    }
}
