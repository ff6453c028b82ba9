/// How Dealhook reaches the Teamopipe API. Config section `teamopipe`.
public struct TeamopipeSettings: Sendable, Equatable {
    /// The real API.
    public static let defaultBaseURL = "https://api.teamopipe.com/api/v2"

    /// The API's base URL (key `base_url`; `TEAMOPIPE_BASE_URL` overrides).
    public var baseURL: String
    /// The bearer key an admin generated (key `api_key`; `TEAMOPIPE_API_KEY` overrides). Without one, `serve`
    /// runs only with `--sandbox`.
    public var apiKey: Secret?
    /// An extra CA certificate file trusted besides the system store, for private gateways (key `ca_file`).
    public var caFile: String?
    /// Whether plain `http://` is allowed to hosts other than loopback (key `allow_insecure_http`).
    public var allowInsecureHTTP: Bool
    /// Time allowed for one API call, from connecting to the end of the response (key `timeout`).
    public var timeout: Duration
    /// Calls per interval to the whole workspace, shared by every route (key `rate_limit`); below the API's own
    /// limit so that bursts become a steady stream instead of 429s.
    public var rateLimit: Rate
    /// How long pipelines, dynamic fields and members are cached before they are read again (key `cache_ttl`).
    public var cacheTTL: Duration

    public init(
        baseURL: String = Self.defaultBaseURL, apiKey: Secret? = nil, caFile: String? = nil,
        allowInsecureHTTP: Bool = false, timeout: Duration = .seconds(15),
        rateLimit: Rate = Rate(count: 15, interval: .seconds(1)), cacheTTL: Duration = .seconds(300)
    ) {
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.caFile = caFile
        self.allowInsecureHTTP = allowInsecureHTTP
        self.timeout = timeout
        self.rateLimit = rateLimit
        self.cacheTTL = cacheTTL
    }
}

extension TeamopipeSettings {
    static let baseURLVariable = "TEAMOPIPE_BASE_URL"
    static let apiKeyVariable = "TEAMOPIPE_API_KEY"
    private static let keys = ["base_url", "api_key", "ca_file", "allow_insecure_http", "timeout", "rate_limit", "cache_ttl"]

    init(node: YAMLNode?, environment: [String: String], diagnostics: inout ConfigDiagnostics) {
        self.init()
        if let section = ConfigSection(node, path: "teamopipe", diagnostics: &diagnostics) {
            section.reportUnknownKeys(known: Self.keys, diagnostics: &diagnostics)
            section.read("base_url", YAMLNode.httpURL(at:), into: &baseURL, diagnostics: &diagnostics)
            section.read("api_key", YAMLNode.secret(at:), into: &apiKey, diagnostics: &diagnostics)
            section.read("ca_file", YAMLNode.string(at:), into: &caFile, diagnostics: &diagnostics)
            section.read("allow_insecure_http", YAMLNode.boolean(at:), into: &allowInsecureHTTP, diagnostics: &diagnostics)
            section.read("timeout", YAMLNode.positiveDuration(at:), into: &timeout, diagnostics: &diagnostics)
            section.read("rate_limit", YAMLNode.rate(at:), into: &rateLimit, diagnostics: &diagnostics)
            section.read("cache_ttl", YAMLNode.positiveDuration(at:), into: &cacheTTL, diagnostics: &diagnostics)
        }
        if let url = environment[Self.baseURLVariable], !url.isEmpty {
            if YAMLNode.isHTTPURL(url) {
                baseURL = url
            } else {
                diagnostics.append(
                    ConfigError(location: nil, message: "\(Self.baseURLVariable): expected an http:// or https:// URL"))
            }
        }
        if let key = environment[Self.apiKeyVariable], !key.isEmpty {
            apiKey = Secret(key)
        }
    }
}

extension YAMLNode {
    /// An `http://` or `https://` URL with a host, without a trailing slash.
    func httpURL(at path: String) throws(ConfigError) -> String {
        let text = try string(at: path)
        guard Self.isHTTPURL(text) else {
            let shown = scalar?.isSecret == true ? summary : "'\(text)'"
            throw ConfigError(location: location, message: "\(path): expected an http:// or https:// URL, got \(shown)")
        }
        return text.hasSuffix("/") ? String(text.dropLast()) : text
    }

    static func isHTTPURL(_ text: String) -> Bool {
        for scheme in ["http://", "https://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != "?" }
            return !host.isEmpty && !host.contains(" ")
        }
        return false
    }
}
