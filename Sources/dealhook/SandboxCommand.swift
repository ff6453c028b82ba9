import App
import Glibc
import HTTP
import Logging
import Sandbox

/// `dealhook sandbox`: runs the Teamopipe API simulator until a signal stops it.
enum SandboxCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(
                arguments, valued: ["--listen", "--api-key", "--data", "--rate-limit", "--seed", "--log-level"],
                flags: ["--listen-any", "--help"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.sandbox)
            return ExitStatus.success
        }
        var configuration = SandboxConfiguration()
        do {
            if let listen = options.values["--listen"] {
                configuration.addresses = try listen.map { text throws(HTTPServerError) in
                    try BindAddress(parsing: text)
                }
            }
        } catch {
            return usageError(error.description)
        }
        if let key = options.value("--api-key") {
            guard !key.isEmpty, key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
                return usageError("--api-key must be printable ASCII without spaces")
            }
            configuration.apiKey = key
        }
        configuration.dataFile = options.value("--data")
        configuration.allowNonLoopback = options.flags.contains("--listen-any")
        if let text = options.value("--rate-limit") {
            do {
                configuration.rateLimit = try RateLimitPolicy.parse(text)
            } catch {
                return usageError(error.message)
            }
        }
        if let text = options.value("--seed") {
            guard let seed = UInt64(text) else { return usageError("--seed must be a non-negative integer") }
            configuration.faultSeed = seed
        }
        var level = LogLevel.info
        if let name = options.value("--log-level") {
            guard let parsed = LogLevel(name: name) else {
                return usageError(
                    "unknown log level '\(name)'; use trace, debug, info, notice, warning, error or critical")
            }
            level = parsed
        }
        let logger = Logger(level: level, handler: JSONLinesLogHandler())
        let stopSignals = StopSignals.block()
        let sandbox: TeamopipeSandbox
        do {
            sandbox = try TeamopipeSandbox(configuration: configuration, logger: logger)
            let bound = try sandbox.start()
            StandardStream.output("Teamopipe sandbox API key: \(sandbox.apiKey)")
            for address in bound {
                StandardStream.output("Teamopipe sandbox API: http://\(address)/api/v2")
                StandardStream.output("dealhook listening on http://\(address)")
            }
        } catch {
            StandardStream.error("dealhook sandbox: \(error.message)")
            return ExitStatus.failure
        }
        waitForSignal(stopSignals, sandbox, logger: logger)
    }

    /// Waits for SIGTERM or SIGINT, then shuts down (writing the data file) and exits 0.
    private static func waitForSignal(_ signals: StopSignals, _ sandbox: TeamopipeSandbox, logger: Logger) -> Never {
        // Waited for before logging: the log call's arguments are not evaluated when info is off.
        let signal = signals.wait()
        logger.info("signal received", ["signal": .string(signal)])
        sandbox.shutdown()
        exit(ExitStatus.success)
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook sandbox: \(message)\n\n" + Usage.sandbox)
        return ExitStatus.usage
    }
}
