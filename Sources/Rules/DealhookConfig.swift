/// The whole Dealhook config file.
///
/// ```swift
/// let config = try DealhookConfig.load(file: "config/dealhook.yaml", environment: ProcessEnvironment.current())
/// ```
/// Any other top-level key is an error.
public struct DealhookConfig: Sendable {
    private static let keys = ["server", "teamopipe", "queue", "admin", "routes"]
    /// The environment variable holding the secret that signs form fill-time tokens (`dealhook form-token`).
    public static let formSecretVariable = "DEALHOOK_FORM_SECRET"

    /// Section `server`: where the HTTP server listens and its limits.
    public var server: ServerSettings
    /// Section `teamopipe`: the API's address, key and limits.
    public var teamopipe: TeamopipeSettings
    /// Section `queue`: the store and the retry policy.
    public var queue: QueueSettings
    /// Section `admin`: the operators' API.
    public var admin: AdminSettings
    /// Section `routes`: the paths Dealhook accepts and their rules, in order.
    public var routes: [RouteConfig]

    /// The route called `name`.
    public func route(named name: String) -> RouteConfig? {
        routes.first { $0.name == name }
    }

    /// Reads, interpolates and checks a config file (YAML or JSON).
    ///
    /// Throws every problem found, each with its position: syntax, `${…}` references that cannot be resolved
    /// from `environment`, unknown keys, values of the wrong type or out of range.
    public static func load(file: String, environment: [String: String]) throws(ConfigDiagnostics) -> DealhookConfig {
        var diagnostics = ConfigDiagnostics()
        guard let root = YAMLNode.load(file: file, diagnostics: &diagnostics) else {
            throw diagnostics.reported()
        }
        return try DealhookConfig(root: root, environment: environment, diagnostics: diagnostics)
    }

    /// Interpolates and checks a parsed config document; `diagnostics` holds problems found while parsing it.
    init(root: YAMLNode, environment: [String: String], diagnostics: ConfigDiagnostics) throws(ConfigDiagnostics) {
        var earlier = diagnostics
        let root = Interpolator(environment: environment).interpolate(root, diagnostics: &earlier)
        var found = ConfigDiagnostics()
        let section = ConfigSection(root, path: nil, diagnostics: &found)
        section?.reportUnknownKeys(known: Self.keys, diagnostics: &found)
        server = ServerSettings(node: section?["server"], environment: environment, diagnostics: &found)
        teamopipe = TeamopipeSettings(node: section?["teamopipe"], environment: environment, diagnostics: &found)
        queue = QueueSettings(node: section?["queue"], environment: environment, diagnostics: &found)
        admin = AdminSettings(node: section?["admin"], environment: environment, diagnostics: &found)
        routes = RouteConfig.load(
            section?["routes"], formSecret: environment[Self.formSecretVariable].flatMap { $0.isEmpty ? nil : Secret($0) },
            diagnostics: &found)
        // A value already reported (an unset variable, an unknown alias) would fail its type check too: the
        // first problem at a position is the one to fix.
        let reportedLocations = Set(earlier.errors.compactMap(\.location))
        for error in found.errors where error.location.map(reportedLocations.contains) != true {
            earlier.append(error)
        }
        guard earlier.isEmpty else { throw earlier.reported() }
    }
}
