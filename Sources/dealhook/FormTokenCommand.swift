import Glibc
import Intake
import Rules

/// `dealhook form-token`: prints a fill-time token for a form page's timestamp field (`min_fill_time`).
enum FormTokenCommand {
    /// The environment variable read when `--secret` is not given (so that the secret stays out of `ps`).
    static let secretVariable = "DEALHOOK_FORM_SECRET"

    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(arguments, valued: ["--secret", "--time"], flags: ["--help"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.formToken)
            return ExitStatus.success
        }
        let secret = options.value("--secret") ?? getenv(secretVariable).map { String(cString: $0) }
        guard let secret, !secret.isEmpty else {
            return usageError("missing --secret S (or \(secretVariable) in the environment)")
        }
        var now = time(nil)
        if let text = options.value("--time") {
            guard let value = Int(text), value >= 0, text.utf8.count <= 12 else {
                return usageError("--time expects Unix seconds, got '\(text)'")
            }
            now = value
        }
        StandardStream.output(FillTimeToken.issue(secret: Secret(secret), at: now))
        return ExitStatus.success
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook form-token: \(message)\n\n" + Usage.formToken)
        return ExitStatus.usage
    }
}
