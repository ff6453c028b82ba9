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
        case "version", "--version":
            print("dealhook \(DealhookVersion.current)")
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
}

/// Writes to standard error.
enum StandardStream {
    static func error(_ text: String) {
        let line = text.hasSuffix("\n") ? text : text + "\n"
        _ = line.withCString { fputs($0, stderr) }
    }
}
