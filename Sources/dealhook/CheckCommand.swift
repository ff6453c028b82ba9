import App
import HTTP
import Rules
import Teamopipe

/// `dealhook check`: loads and validates a config file and prints what it describes; with `--online`, also
/// looks up every name its rules use in the Teamopipe workspace.
enum CheckCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(arguments, valued: ["--config"], flags: ["--help", "--online"])
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
        for route in config.routes {
            if let reason = route.signature?.disabledReason {
                StandardStream.error("\(reason.description) (route '\(route.name)' answers 503 until it is set)")
            }
        }
        guard options.flags.contains("--online") else { return ExitStatus.success }
        return OnlineCheck(config: config, path: path).run()
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

/// `dealhook check --online`: every pipeline, stage, dynamic field and assignee written literally in the rules
/// is looked up in the workspace the config's API key opens; each one missing is reported at its position.
struct OnlineCheck {
    let config: DealhookConfig
    let path: String

    func run() -> Int32 {
        let settings = config.teamopipe
        guard let apiKey = settings.apiKey?.value else {
            return failure(
                "no Teamopipe API key to check names with: set teamopipe.api_key in the config or TEAMOPIPE_API_KEY")
        }
        let client: TeamopipeClient
        do {
            let http = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    userAgent: "dealhook/\(DealhookVersion.current)", maxConnectionsPerHost: 1,
                    requestTimeout: settings.timeout, totalTimeout: settings.timeout * 2, caFile: settings.caFile,
                    allowInsecureHTTP: settings.allowInsecureHTTP))
            let transport = RateLimitedTransport(
                wrapping: HTTPTeamopipeTransport(client: http, baseURL: settings.baseURL, apiKey: apiKey),
                count: settings.rateLimit.count, interval: settings.rateLimit.interval)
            client = TeamopipeClient(transport: transport, cacheTTL: settings.cacheTTL)
        } catch {
            return failure("teamopipe: \(redacted(error.description, apiKey))")
        }

        switch client.probe() {
        case .success:
            break
        case .authFailure(let failure):
            return self.failure(
                "the Teamopipe API at \(settings.baseURL) refused the API key (\(redacted(failure.description, apiKey))); set a valid one in teamopipe.api_key or TEAMOPIPE_API_KEY"
            )
        case .transient(let failure, _), .permanent(let failure):
            return self.failure(
                "cannot reach the Teamopipe API at \(settings.baseURL): \(redacted(failure.description, apiKey))")
        }

        let names = config.names
        var misses: [(location: SourceLocation, message: String)] = []
        var answers: [NameToVerify: String?] = [:]
        var missingPipelines: Set<String> = []
        // Pipelines first: a stage of a pipeline that does not exist is not looked up again.
        let ordered =
            names.names.filter { if case .pipeline = $0.kind { true } else { false } }
            + names.names.filter { if case .pipeline = $0.kind { false } else { true } }
        for name in ordered {
            if case .stage(_, let pipeline) = name.kind, missingPipelines.contains(pipeline) { continue }
            let question = Self.question(name.kind)
            let answer: String?
            if let known = answers[question] {
                answer = known
            } else {
                answer = client.verify(question, fresh: answers.isEmpty).map { redacted($0, apiKey) }
                answers[question] = answer
            }
            guard let answer else { continue }
            // The directory names a missing name "no …"; anything else is the API failing part-way.
            guard answer.hasPrefix("no ") else {
                return failure("the Teamopipe API at \(settings.baseURL) failed while names were checked: \(answer)")
            }
            if case .pipeline(let pipeline) = name.kind { missingPipelines.insert(pipeline) }
            misses.append((name.location, answer))
        }

        var lines = [
            "  online: \(answers.count) name\(answers.count == 1 ? "" : "s") checked against \(settings.baseURL)"
        ]
        for skipped in names.unchecked {
            lines.append(
                "    not checked: \(skipped.location): \(skipped.field) of step '\(skipped.step)' in route '\(skipped.route)': \(skipped.reason)"
            )
        }
        StandardStream.output(lines.joined(separator: "\n"))
        guard !misses.isEmpty else { return ExitStatus.success }
        misses.sort { $0.location < $1.location }
        StandardStream.error(misses.map { "\($0.location): \($0.message)" }.joined(separator: "\n"))
        StandardStream.error(
            "\(path): \(misses.count) name\(misses.count == 1 ? "" : "s") not found in the Teamopipe workspace")
        return ExitStatus.failure
    }

    private static func question(_ kind: ConfigName.Kind) -> NameToVerify {
        switch kind {
        case .pipeline(let name): .pipeline(name)
        case .stage(let name, let pipeline): .stage(name, pipeline: pipeline)
        case .field(let name, let entity): .field(name, entity: entity)
        case .assignee(let email): .member(email: email)
        }
    }

    private func failure(_ message: String) -> Int32 {
        StandardStream.error("dealhook check --online: \(message)")
        return ExitStatus.failure
    }

    /// `text` with the API key blanked out, should an error ever echo it.
    private func redacted(_ text: String, _ key: String) -> String {
        key.isEmpty ? text : text.replacing(key, with: "[API key]")
    }
}
