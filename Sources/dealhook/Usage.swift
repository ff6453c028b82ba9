/// The help texts of the commands.
enum Usage {
    static let general = """
        dealhook — a self-hosted bridge from web forms and provider webhooks to the Teamopipe CRM

        Usage: dealhook <command> [options]

        Commands:
          serve      run the HTTP server
          check      validate a config file and summarise its routes
          try        print the plan a sample request would get, calling nothing
          plan       replay the stored events through another config's rules and show what would change
          queue      list, show, retry and discard the queue's events; its stats
          sandbox    run a simulator of the Teamopipe API, with fault injection
          sign       print the headers a provider would send with a body, to try a route
          form-token print a signed timestamp for a form's min_fill_time field
          version    print the version
          help       show help for a command (also: dealhook <command> --help)
        """

    static let serve = """
        Usage: dealhook serve --config PATH [--listen ADDR]... [--sandbox] [--skip-integrity-check]
                              [--log-level LEVEL]

        Accepts the config's routes, stores every accepted event in the queue and delivers it to Teamopipe,
        until SIGTERM or SIGINT; then finishes requests and deliveries in flight and exits 0. SIGHUP reloads the
        config (routes, rules, admin token, Teamopipe settings; docs/operating.md).

        Options:
          --config PATH           the YAML config file (required)
          --listen ADDR           address to listen on, e.g. 127.0.0.1:8080 or [::]:8080; port 0 picks a free
                                  port; repeatable; overrides server.listen and DEALHOOK_LISTEN
          --sandbox               deliver to a Teamopipe sandbox started in this process on a loopback port
                                  (needed when no API key is set: see teamopipe.api_key, TEAMOPIPE_API_KEY)
          --skip-integrity-check  open the queue without PRAGMA integrity_check (for huge stores)
          --log-level LEVEL       trace, debug, info (default), notice, warning, error or critical
          --help                  show this help
        """

    static let sandbox = """
        Usage: dealhook sandbox [--listen ADDR]... [--api-key KEY] [--data FILE] [--rate-limit 20/s|off]
                                [--seed N] [--listen-any] [--log-level LEVEL]

        Runs a simulator of the Teamopipe API (docs/teamopipe-api.md) under /api/v2, seeded with a demo
        workspace, until SIGTERM or SIGINT. Faults, stats, reset and API keys are controlled through /_sandbox
        (docs/sandbox.md).

        Options:
          --listen ADDR        address to listen on (default 127.0.0.1:8099; port 0 picks a free port);
                               repeatable; loopback only unless --listen-any
          --api-key KEY        the API key valid at start (default sandbox-key)
          --data FILE          keep the workspace in this JSON file (loaded at start, rewritten on change)
          --rate-limit LIMIT   RATE/s or RATE/s,burst=N per API key (default 20/s,burst=40), or off
          --seed N             seed the fault injection's randomness, for reproducible runs
          --listen-any         allow addresses other than loopback (the sandbox has no real security)
          --log-level LEVEL    trace, debug, info (default), notice, warning, error or critical
          --help               show this help
        """

    static let check = """
        Usage: dealhook check --config PATH [--online]

        Loads and validates the config file and prints a summary of its routes and rules (no secret is
        shown). Exits 0 when it is valid, 1 with every problem (file:line:col: message) when it is not.

        With --online, also looks up in the Teamopipe workspace every pipeline, stage, dynamic field and
        assignee that the rules write literally, through teamopipe.base_url and teamopipe.api_key
        (TEAMOPIPE_BASE_URL and TEAMOPIPE_API_KEY override them). Names written as templates are known only
        when an event arrives: they are listed as not checked. Each missing name is reported at its position
        with the names that do exist; exits 1 when one is missing, or when the API cannot be reached or
        refuses the key.

        Options:
          --config PATH   the YAML config file (required)
          --online        also check the rules' names against the Teamopipe API (reads only)
          --help          show this help
        """

    static let `try` = """
        Usage: dealhook try --config PATH --route NAME --body FILE [--content-type TYPE] [--header 'Name: value']...
                            [--now TIME]

        Plans a sample request through a route's rules and prints the plan as JSON, without calling Teamopipe
        or storing anything.

        Options:
          --config PATH        the YAML config file (required)
          --route NAME         the route to plan for (required)
          --body FILE          the request body; - reads standard input (required)
          --content-type TYPE  the body's media type (default: JSON if it starts with '{', else a form)
          --header 'N: v'      a request header; repeatable
          --now TIME           the arrival time to plan with, RFC 3339 (default: now)
          --help               show this help
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

    static let formToken = """
        Usage: dealhook form-token [--secret S] [--time T]

        Prints a fill-time token, `T.HMAC` (HMAC-SHA256 of T with S, hex), for the timestamp field of a form
        whose route sets min_fill_time (docs/forms.md). Put it in the page when the page is served:
          <input type="hidden" name="_ts" value="$(dealhook form-token)">

        Options:
          --secret S   the route's fill_time_secret (default: $DEALHOOK_FORM_SECRET)
          --time T     the time the form is shown, Unix seconds (default: now)
          --help       show this help
        """

    static let queue = """
        Usage: dealhook queue stats                          --config PATH [--json]
               dealhook queue list [--status S] [--route R] [--limit N] [--after ID]
                                                            --config PATH [--json]
               dealhook queue show ID                        --config PATH [--json]
               dealhook queue retry ID [--replan]            --config PATH [--json]
               dealhook queue retry --all-dead [--route R] [--replan] --config PATH [--json]
               dealhook queue discard ID                     --config PATH [--json]

        Works on the queue file directly (queue.path of the config; DEALHOOK_QUEUE or --queue override it), while
        Dealhook runs or not: a running Dealhook picks retried events up within a second. Bulk work reports its
        progress on standard error. Exits 1 when the event is not found or cannot be retried.

        Actions:
          stats      events by status, the oldest undelivered event's age
          list       events oldest first (50 unless --limit); 'more: --after ID' on stderr when there are more
          show       one event: its plan with each step's result, every attempt, the request as stored
          retry      put a dead (or retrying) event back to pending, due now, with a fresh attempt count
          discard    delete an event with its steps and attempts, whatever its status

        Options:
          --config PATH           the config file: the queue's path, and the rules for --replan
          --queue PATH            the queue file, instead of the config's queue.path
          --status S              pending, retrying, in_flight, dead or done (list)
          --route R               only events of route R (list, retry --all-dead)
          --limit N, --after ID   page size and the last id of the previous page (list)
          --all-dead              retry every dead letter (of --route R)
          --replan                plan the event again with the config's rules instead of its stored plan; the
                                  results of the steps the new plan shares with the old one are kept
          --skip-integrity-check  open the queue without PRAGMA integrity_check (for huge stores)
          --json                  print JSON (the admin API's forms) instead of tables
          --help                  show this help
        """

    static let plan = """
        Usage: dealhook plan --config NEW.yaml [--queue PATH] [--since 7d] [--route R] [--status S] [--verbose]
                             [--json]

        Replays the stored events through the rules of NEW.yaml, calling nothing and changing nothing, and prints
        each event whose plan would differ from the one it was accepted with (the changed values by path), then
        the counts: unchanged, changed, now fails planning, route gone. Events are re-planned with their stored
        body, the headers kept with them, their id and arrival time; the query string and other headers are not
        stored, so rules that read them see them empty.

        Options:
          --config NEW.yaml       the rules to replay with (required); its queue.path is the store unless --queue
          --queue PATH            the queue file to read
          --since AGE|TIME        only events that arrived in the last AGE (7d, 12h, 30m) or since an RFC 3339 time
          --route R               only events of route R
          --status S              only events with this status
          --verbose               also list unchanged events, and show a line diff of each changed plan's JSON
          --json                  print one JSON document: each event's outcome and changes, and the counts
          --skip-integrity-check  open the queue without PRAGMA integrity_check (for huge stores)
          --help                  show this help

        Exit status: 0 when every event still plans (unchanged or changed), 3 when some would now fail planning or
        have no route, 1 when the queue cannot be read, 2 for a usage error.
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
        case "check": check
        case "try": `try`
        case "sandbox": sandbox
        case "sign": sign
        case "form-token": formToken
        case "queue": queue
        case "plan": plan
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
