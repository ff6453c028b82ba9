/// The help texts of the commands.
enum Usage {
    static let general = """
        dealhook — a self-hosted bridge from web forms and provider webhooks to the Teamopipe CRM

        Usage: dealhook <command> [options]

        Commands:
          serve      run the HTTP server
          sign       print the headers a provider would send with a body, to try a route
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

    static let sign = """
        Usage: dealhook sign --scheme NAME --secret S --body FILE [--url U] [--timestamp T] [--id ID]

        Prints what the provider would add to a request carrying FILE's bytes, one `Name: value` header a line,
        to try a route with curl (7.55 or later reads headers from a file):
          dealhook sign --scheme stripe --secret "$SECRET" --body event.json > headers.txt
          curl -H @headers.txt --data-binary @event.json http://127.0.0.1:8080/hooks/stripe
        PandaDoc's signature is a query parameter, printed as `?signature=HEX` to append to the URL; Dropbox
        Sign's is a payload field, printed as `event.event_hash=HEX` to set in the body.

        Options:
          --scheme NAME    a preset (stripe, standard-webhooks, github, shopify, paddle, lemonsqueezy, square,
                           paystack, razorpay, gocardless, woocommerce, mollie, docusign, pandadoc, dropbox-sign,
                           yousign, typeform, calendly, adobe-sign, hmac, basic, token), or a signature mapping
                           as in the config: '{preset: hmac, header: X-Sig, signed: "{timestamp}.{body}",
                           timestamp_header: X-Ts}', '{preset: basic, username: acme}'
          --secret S       the signing secret (password for basic, token for token, client id for adobe-sign)
          --body FILE      the body to sign, sent as is
          --url U          the notification URL, for schemes that sign it (square, hmac with {url} or {path})
          --timestamp T    the signing time, Unix seconds (default: now)
          --id ID          the message id for standard-webhooks (default: derived from the body and time)
          --help           show this help
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
        case "sign": sign
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
