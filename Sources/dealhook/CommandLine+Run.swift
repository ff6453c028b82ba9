import App
import Glibc

extension CommandLine {
    /// Runs the command named by `arguments` and returns the process exit status (2 for usage errors).
    static func run(_ arguments: [String]) -> Int32 {
        guard let name = arguments.first else {
            StandardStream.error(Usage.general)
            return ExitStatus.usage
        }
        let rest = Array(arguments.dropFirst())
        switch name {
        case "serve":
            return ServeCommand.run(rest)
        case "check":
            return CheckCommand.run(rest)
        case "try":
            return TryCommand.run(rest)
        case "sandbox":
            return SandboxCommand.run(rest)
        case "sign":
            return SignCommand.run(rest)
        case "form-token":
            return FormTokenCommand.run(rest)
        case "queue":
            return QueueCommand.run(rest)
        case "plan":
            return PlanCommand.run(rest)
        case "version", "--version":
            StandardStream.output("dealhook \(DealhookVersion.current)")
            return ExitStatus.success
        case "help", "--help", "-h":
            return HelpCommand.run(rest)
        default:
            StandardStream.error("dealhook: unknown command '\(name)'\n\n" + Usage.general)
            return ExitStatus.usage
        }
    }
}

/// Exit statuses shared by every command.
enum ExitStatus {
    static let success: Int32 = 0
    static let failure: Int32 = 1
    static let usage: Int32 = 2
    /// `dealhook plan`: the replay worked, and some events would fail under the new rules (or lose their route).
    static let wouldFail: Int32 = 3
}

/// Writes whole lines straight to the standard streams (unbuffered, so they are seen at once).
enum StandardStream {
    /// Writes `text` and a newline (unless it ends in one) to standard output.
    static func output(_ text: String) { writeLine(text, to: STDOUT_FILENO) }

    /// Writes `text` and a newline (unless it ends in one) to standard error.
    static func error(_ text: String) { writeLine(text, to: STDERR_FILENO) }

    private static func writeLine(_ text: String, to fileDescriptor: Int32) {
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            offset += written
        }
    }
}
