import App
import Glibc
import Logging
import Rules

/// `dealhook serve`: loads the config and runs the server until a signal stops it.
enum ServeCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(
                arguments, valued: ["--config", "--listen", "--log-level"],
                flags: ["--help", "--sandbox", "--skip-integrity-check"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.serve)
            return ExitStatus.success
        }
        guard let configPath = options.value("--config") else { return usageError("missing --config PATH") }
        var level = LogLevel.info
        if let name = options.value("--log-level") {
            guard let parsed = LogLevel(name: name) else {
                return usageError("unknown log level '\(name)'; use trace, debug, info, notice, warning, error or critical")
            }
            level = parsed
        }
        let logger = Logger(level: level, handler: JSONLinesLogHandler())
        let config: DealhookConfig
        do {
            config = try DealhookConfig.load(file: configPath, environment: ProcessEnvironment.current())
        } catch {
            StandardStream.error(error.description)
            return ExitStatus.failure
        }
        let signals = StopSignals.block()
        do {
            let service = try Service(
                config: config,
                options: ServiceOptions(
                    listen: options.values["--listen"] ?? [], sandbox: options.flags.contains("--sandbox"),
                    skipIntegrityCheck: options.flags.contains("--skip-integrity-check")),
                logger: logger)
            let bound = try service.start()
            for address in bound {
                logger.info("listening", ["address": .string(address.description)])
                StandardStream.output("dealhook listening on http://\(address)")
            }
            if let sandbox = service.sandboxURL {
                let root = String(sandbox.dropLast("/api/v2".count))
                StandardStream.output("Teamopipe sandbox: \(sandbox) (key sandbox-key); deals: curl -H 'Authorization: Bearer sandbox-key' \(sandbox)/deals; stats: \(root)/_sandbox/stats")
            }
            service.runUntilSignalled(signals) {
                do throws(ConfigDiagnostics) {
                    return try DealhookConfig.load(file: configPath, environment: ProcessEnvironment.current())
                } catch {
                    logger.error(
                        "the config has problems; the running one stays",
                        ["problems": .list(error.errors.map { .string($0.description) })])
                    return nil
                }
            }
        } catch {
            StandardStream.error("dealhook serve: \(error.description)")
            return ExitStatus.failure
        }
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook serve: \(message)\n\n" + Usage.serve)
        return ExitStatus.usage
    }
}
