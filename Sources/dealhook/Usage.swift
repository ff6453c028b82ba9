/// The help texts of the commands.
enum Usage {
    static let general = """
        dealhook — a self-hosted bridge from web forms and provider webhooks to the Teamopipe CRM

        Usage: dealhook <command> [options]

        Commands:
          serve      run the HTTP server
          version    print the version
          help       show help for a command (also: dealhook <command> --help)
        """

    static let serve = """
        Usage: dealhook serve --config PATH [--listen ADDR]... [--log-level LEVEL]

        Runs the HTTP server until SIGTERM or SIGINT, then finishes requests in flight and exits 0.

        Options:
          --config PATH      the YAML config file (required)
          --listen ADDR      address to listen on, e.g. 127.0.0.1:8080 or [::]:8080; port 0 picks a free
                             port; repeatable; overrides server.listen and DEALHOOK_LISTEN
          --log-level LEVEL  trace, debug, info (default), notice, warning, error or critical
          --help             show this help
        """

    static let version = """
        Usage: dealhook version

        Prints the version of dealhook.
        """

    static let help = """
        Usage: dealhook help [COMMAND]

        Shows the help of COMMAND, or the list of commands.
        """

    /// The help of `command`, or nil for an unknown command.
    static func of(_ command: String) -> String? {
        switch command {
        case "serve": serve
        case "version": version
        case "help": help
        default: nil
        }
    }
}

/// `dealhook help [COMMAND]`.
enum HelpCommand {
    static func run(_ arguments: [String]) -> Int32 {
        guard let command = arguments.first else {
            StandardStream.output(Usage.general)
            return ExitStatus.success
        }
        guard arguments.count == 1, let text = Usage.of(command) else {
            StandardStream.error("dealhook help: unknown command '\(arguments.joined(separator: " "))'\n\n" + Usage.general)
            return ExitStatus.usage
        }
        StandardStream.output(text)
        return ExitStatus.success
    }
}
