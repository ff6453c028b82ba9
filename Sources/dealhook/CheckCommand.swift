import Rules

/// `dealhook check`: loads and validates a config file and prints what it describes.
enum CheckCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(arguments, valued: ["--config"], flags: ["--help"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.check)
            return ExitStatus.success
        }
        guard let path = options.value("--config") else { return usageError("missing --config PATH") }
        let config: DealhookConfig
        do {
            config = try DealhookConfig.load(file: path, environment: ProcessEnvironment.current())
        } catch {
            StandardStream.error(error.description)
            let count = error.errors.count
            StandardStream.error("\(path): \(count) problem\(count == 1 ? "" : "s") found")
            return ExitStatus.failure
        }
        StandardStream.output(summary(of: config, path: path))
        return ExitStatus.success
    }

    /// What the config sets up, without any secret.
    static func summary(of config: DealhookConfig, path: String) -> String {
        var lines = ["\(path): OK"]
        lines.append("  listen: \(config.server.listen.joined(separator: ", "))")
        let key = config.teamopipe.apiKey == nil ? "no API key (serve needs --sandbox)" : "API key set"
        lines.append("  teamopipe: \(config.teamopipe.baseURL), \(key)")
        lines.append("  queue: \(config.queue.path)")
        lines.append("  admin API: \(config.admin.token == nil ? "disabled (no token)" : "enabled")")
        lines.append("  routes: \(config.routes.count)")
        for route in config.routes {
            let actionCount = route.rules.reduce(0) { $0 + $1.actions.count }
            lines.append(
                "    \(route.name): \(route.kind.rawValue) at POST \(route.path), \(route.rules.count) rule\(route.rules.count == 1 ? "" : "s"), \(actionCount) action\(actionCount == 1 ? "" : "s")"
            )
            for rule in route.rules {
                let actions = rule.actions.map { "\($0.operation.rawValue) (\($0.id))" }.joined(separator: ", ")
                lines.append("      \(rule.name)\(rule.when == nil ? "" : " [when]"): \(actions)")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook check: \(message)\n\n" + Usage.check)
        return ExitStatus.usage
    }
}
