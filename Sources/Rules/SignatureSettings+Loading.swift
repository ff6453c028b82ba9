extension SignatureSettings {
    /// Names that are not presets but that people will write, with the preset that covers them.
    private static let presetHints = [
        "svix": "standard-webhooks", "hellosign": "dropbox-sign", "acrobat-sign": "adobe-sign",
        "paddle-billing": "paddle", "docusign-connect": "docusign",
    ]

    /// Every name `preset` accepts.
    public static var presetNames: [String] { SignaturePreset.allCases.map(\.rawValue) + ["hmac", "basic", "token"] }

    /// Reads a route's `signature` mapping at `path` (`routes.stripe.signature`).
    ///
    /// Every problem is added to `diagnostics` with its position: a missing or unknown `preset` (with the closest
    /// name), keys the scheme does not take, values of the wrong type, `secret` and `secrets` both given, a
    /// generic `hmac` without `header`, a `{timestamp}` without `timestamp_header`. Returns nil when there was
    /// any. A missing or empty secret is not a problem here: see `disabledReason`.
    public static func load(_ node: YAMLNode, path: String, diagnostics: inout ConfigDiagnostics)
        -> SignatureSettings?
    {
        let before = diagnostics.errors.count
        guard let section = ConfigSection(node, path: path, diagnostics: &diagnostics) else { return nil }
        guard let presetNode = section["preset"] else {
            diagnostics.append(
                ConfigError(
                    location: node.location,
                    message: "\(path): missing key 'preset' (one of: \(presetNames.joined(separator: ", ")))"))
            return nil
        }
        guard
            let name = section.read(
                "preset", diagnostics: &diagnostics, { node, path throws(ConfigError) in try node.string(at: path) })
        else { return nil }
        guard let kind = Kind(name: name) else {
            var message = "\(section.path(of: "preset")): unknown preset '\(name)'"
            if let hint = presetHints[name.lowercased()] {
                message += " (use '\(hint)')"
            } else if let suggestion = KeySuggestion.closest(to: name.lowercased(), among: presetNames) {
                message += " (did you mean '\(suggestion)'?)"
            } else {
                message += " (known presets: \(presetNames.joined(separator: ", ")))"
            }
            diagnostics.append(ConfigError(location: presetNode.location, message: message))
            return nil
        }
        section.reportUnknownKeys(known: kind.keys, diagnostics: &diagnostics)

        var settings = SignatureSettings(scheme: .preset(.stripe), secrets: [], location: node.location, path: path)
        section.read("tolerance", YAMLNode.positiveDuration(at:), into: &settings.tolerance, diagnostics: &diagnostics)
        section.read("url", YAMLNode.notificationURL(at:), into: &settings.url, diagnostics: &diagnostics)
        switch kind {
        case .preset(.adobeSign):
            settings.scheme = .preset(.adobeSign)
            settings.secrets =
                section.read("client_id", diagnostics: &diagnostics) { node, path throws(ConfigError) in
                    try node.secretValues(at: path)
                } ?? []
        case .preset(let preset):
            settings.scheme = .preset(preset)
            settings.secrets = readSecrets(section, node: node, diagnostics: &diagnostics)
            if preset == .standardWebhooks, let secretNode = section["secret"] ?? section["secrets"],
                settings.secrets.contains(where: { !Self.isStandardWebhooksSecret($0.value) })
            {
                diagnostics.append(
                    ConfigError(
                        location: secretNode.location,
                        message: "\(section.path(of: section["secret"] == nil ? "secrets" : "secret")): expected "
                            + "'whsec_' followed by base64, as Standard Webhooks and Svix show it (value not shown)"))
            }
        case .hmac:
            settings.secrets = readSecrets(section, node: node, diagnostics: &diagnostics)
            if let scheme = readHMAC(section, node: node, diagnostics: &diagnostics) {
                settings.scheme = .hmac(scheme)
            }
        case .basic:
            settings.secrets =
                section.read("password", diagnostics: &diagnostics) { node, path throws(ConfigError) in
                    try node.secretValues(at: path)
                } ?? []
            if let username = section.read(
                "username", diagnostics: &diagnostics, { node, path throws(ConfigError) in try node.string(at: path) })
            {
                settings.scheme = .basic(username: username)
            } else if section["username"] == nil {
                diagnostics.append(
                    ConfigError(location: node.location, message: "\(path): preset 'basic' needs 'username'"))
            }
        case .token:
            settings.secrets =
                section.read("token", diagnostics: &diagnostics) { node, path throws(ConfigError) in
                    try node.secretValues(at: path)
                } ?? []
            var header = "Authorization"
            section.read("header", YAMLNode.headerName(at:), into: &header, diagnostics: &diagnostics)
            settings.scheme = .token(header: header)
        }
        if section["tolerance"] != nil, case .hmac(let scheme) = settings.scheme, scheme.timestampHeader == nil {
            diagnostics.append(
                ConfigError(
                    location: section["tolerance"]?.location,
                    message: "\(section.path(of: "tolerance")): needs 'timestamp_header'; nothing else is timed"))
        }
        return diagnostics.errors.count == before ? settings : nil
    }

    /// `secret` or `secrets`, not both; empty values dropped.
    private static func readSecrets(
        _ section: ConfigSection, node: YAMLNode, diagnostics: inout ConfigDiagnostics
    ) -> [Secret] {
        if section["secret"] != nil, let secretsNode = section["secrets"] {
            diagnostics.append(
                ConfigError(
                    location: secretsNode.location,
                    message: "\(section.path(of: "secrets")): give 'secret' or 'secrets', not both"))
            return []
        }
        if let single = section.read(
            "secret", diagnostics: &diagnostics,
            { node, path throws(ConfigError) in
                guard case .sequence = node.kind else { return try node.secretValues(at: path) }
                throw ConfigError(
                    location: node.location,
                    message: "\(path): expected a string, got a list (use 'secrets' for several)")
            })
        {
            return single
        }
        return section.read("secrets", diagnostics: &diagnostics) { node, path throws(ConfigError) in
            try node.secretValues(at: path)
        } ?? []
    }

    private static func readHMAC(
        _ section: ConfigSection, node: YAMLNode, diagnostics: inout ConfigDiagnostics
    ) -> HMACSignatureScheme? {
        var scheme = HMACSignatureScheme(header: "")
        section.read("algorithm", YAMLNode.choice(at:), into: &scheme.algorithm, diagnostics: &diagnostics)
        section.read("encoding", YAMLNode.choice(at:), into: &scheme.encoding, diagnostics: &diagnostics)
        section.read("prefix", YAMLNode.string(at:), into: &scheme.prefix, diagnostics: &diagnostics)
        section.read("signed", YAMLNode.signedTemplate(at:), into: &scheme.signed, diagnostics: &diagnostics)
        section.read(
            "timestamp_header", YAMLNode.headerName(at:), into: &scheme.timestampHeader, diagnostics: &diagnostics)
        if scheme.signed.contains(.timestamp), scheme.timestampHeader == nil, let signed = section["signed"] {
            diagnostics.append(
                ConfigError(
                    location: signed.location,
                    message:
                        "\(section.path(of: "signed")): {timestamp} needs 'timestamp_header', the header it is read from"
                ))
        }
        if let timestampHeader = section["timestamp_header"], scheme.timestampHeader != nil,
            !scheme.signed.contains(.timestamp)
        {
            diagnostics.append(
                ConfigError(
                    location: timestampHeader.location,
                    message: "\(section.path(of: "timestamp_header")): 'signed' must contain {timestamp}, "
                        + "or an attacker could change the time"))
        }
        guard section["header"] != nil else {
            diagnostics.append(
                ConfigError(
                    location: node.location,
                    message:
                        "\(section.path ?? ""): preset 'hmac' needs 'header', the header that carries the signature"))
            return nil
        }
        guard
            let header = section.read(
                "header", diagnostics: &diagnostics, { node, path throws(ConfigError) in try node.headerName(at: path) }
            )
        else {
            return nil
        }
        scheme.header = header
        return scheme
    }

    /// Standard Webhooks secrets are `whsec_` and base64 of the key (the prefix may be left out).
    private static func isStandardWebhooksSecret(_ secret: String) -> Bool {
        var key = secret.utf8[...]
        if secret.hasPrefix("whsec_") { key = key.dropFirst("whsec_".count) }
        while key.last == UInt8(ascii: "=") { key = key.dropLast() }
        return !key.isEmpty && key.count % 4 != 1
            && key.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                    true
                default: false
                }
            }
    }

    /// A value of `preset`: which keys it takes.
    private enum Kind {
        case preset(SignaturePreset)
        case hmac
        case basic
        case token

        init?(name: String) {
            switch name {
            case "hmac": self = .hmac
            case "basic": self = .basic
            case "token": self = .token
            default:
                guard let preset = SignaturePreset(rawValue: name) else { return nil }
                self = .preset(preset)
            }
        }

        var keys: [String] {
            switch self {
            case .preset(.adobeSign): ["preset", "client_id"]
            case .preset(.square): ["preset", "secret", "secrets", "url"]
            case .preset(let preset) where preset.isTimestamped: ["preset", "secret", "secrets", "tolerance"]
            case .preset: ["preset", "secret", "secrets"]
            case .hmac:
                [
                    "preset", "secret", "secrets", "header", "algorithm", "encoding", "prefix", "signed",
                    "timestamp_header", "tolerance", "url",
                ]
            case .basic: ["preset", "username", "password"]
            case .token: ["preset", "header", "token"]
            }
        }
    }
}

extension YAMLNode {
    /// Secrets: a string or a list of strings, where null and empty strings stand for no secret (an unset
    /// `${VAR:-}` must disable the route, not fail the load).
    fileprivate func secretValues(at path: String) throws(ConfigError) -> [Secret] {
        let expected = "a string or a list of strings"
        switch kind {
        case .scalar(let scalar):
            return scalar.isNull ? [] : [Secret(scalar.value)].filter { !$0.value.isEmpty }
        case .sequence(let items):
            var secrets: [Secret] = []
            for item in items where item.scalar?.isNull != true {
                secrets.append(Secret(try item.text(at: path, expected: expected)))
            }
            return secrets.filter { !$0.value.isEmpty }
        case .mapping:
            throw ConfigError(location: location, message: "\(path): expected \(expected), got \(summary)")
        }
    }

    /// An HTTP header name.
    fileprivate func headerName(at path: String) throws(ConfigError) -> String {
        let name = try text(at: path, expected: "a header name")
        guard SignedTemplate.isHeaderName(name) else {
            throw ConfigError(location: location, message: "\(path): expected a header name, got \(summary)")
        }
        return name
    }

    /// An `http://` or `https://` URL, kept exactly as written (a provider may sign it byte for byte).
    fileprivate func notificationURL(at path: String) throws(ConfigError) -> String {
        let text = try string(at: path)
        guard Self.isHTTPURL(text) else {
            throw ConfigError(
                location: location, message: "\(path): expected an http:// or https:// URL, got \(summary)")
        }
        return text
    }

    /// One of the names of `Choice`.
    fileprivate func choice<Choice: RawRepresentable & CaseIterable>(at path: String) throws(ConfigError) -> Choice
    where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        let expected = "one of \(names.joined(separator: ", "))"
        guard let choice = Choice(rawValue: try text(at: path, expected: expected)) else {
            throw ConfigError(location: location, message: "\(path): expected \(expected), got \(summary)")
        }
        return choice
    }

    /// A `SignedTemplate`.
    fileprivate func signedTemplate(at path: String) throws(ConfigError) -> SignedTemplate {
        let text = try text(at: path, expected: SignedTemplate.expected)
        do throws(ScalarValueError) {
            return try SignedTemplate(parsing: text)
        } catch {
            throw ConfigError(location: location, message: "\(path): \(error)")
        }
    }
}
