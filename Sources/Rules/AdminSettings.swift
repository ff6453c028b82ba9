/// The operators' API under `/admin`. Config section `admin`.
public struct AdminSettings: Sendable, Equatable {
    /// The bearer token the admin API requires (key `token`; `DEALHOOK_ADMIN_TOKEN` overrides). Without one the
    /// admin API is disabled.
    public var token: Secret?

    public init(token: Secret? = nil) {
        self.token = token
    }
}

extension AdminSettings {
    static let tokenVariable = "DEALHOOK_ADMIN_TOKEN"

    init(node: YAMLNode?, environment: [String: String], diagnostics: inout ConfigDiagnostics) {
        self.init()
        if let section = ConfigSection(node, path: "admin", diagnostics: &diagnostics) {
            section.reportUnknownKeys(known: ["token"], diagnostics: &diagnostics)
            section.read("token", YAMLNode.secret(at:), into: &token, diagnostics: &diagnostics)
        }
        if let override = environment[Self.tokenVariable], !override.isEmpty {
            token = Secret(override)
        }
    }
}
