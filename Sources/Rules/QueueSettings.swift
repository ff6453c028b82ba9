/// Where accepted events are stored and how their delivery is retried. Config section `queue`.
public struct QueueSettings: Sendable, Equatable {
    /// The store: a SQLite file path, or a `postgres://` URL (key `path`; `DEALHOOK_QUEUE` overrides).
    public var path: String
    /// Events delivered at the same time, at most (key `concurrency`).
    public var concurrency: Int
    /// Events waiting for delivery beyond which intake answers 503 (key `max_pending`).
    public var maxPending: Int
    /// How long delivered events are kept before they are purged (key `retain_delivered`).
    public var retainDelivered: Duration
    /// Backoff between attempts (key `retry`).
    public var retry: RetryPolicy
    /// How long a delivery worker holds a claimed event before another may take it (key `lease`): after a crash,
    /// the events that were being delivered wait this long. Longer than the slowest delivery of one event.
    public var lease: Duration

    public init(
        path: String = "data/dealhook.sqlite", concurrency: Int = 8, maxPending: Int = 100_000,
        retainDelivered: Duration = .seconds(7 * 86_400), retry: RetryPolicy = RetryPolicy(),
        lease: Duration = .seconds(300)
    ) {
        self.path = path
        self.concurrency = concurrency
        self.maxPending = maxPending
        self.retainDelivered = retainDelivered
        self.retry = retry
        self.lease = lease
    }
}

/// Exponential backoff with jitter: attempt n waits `min(maxDelay, base × 2^(n−1))` ±`jitter`, for at most
/// `maxAttempts` attempts and `maxAge` after the event arrived, whichever ends first.
///
/// The defaults (10 s doubling to 6 h, 24 attempts) span about three days: long enough to outlast a weekend
/// outage, as Stripe's three days of retries do.
public struct RetryPolicy: Sendable, Equatable {
    /// The first wait (key `base`).
    public var base: Duration
    /// The longest wait (key `max_delay`).
    public var maxDelay: Duration
    /// Attempts before the event becomes a dead letter (key `max_attempts`).
    public var maxAttempts: Int
    /// Age after which an event stops being retried (key `max_age`).
    public var maxAge: Duration
    /// Relative spread of each wait, 0.2 meaning ±20 % (key `jitter`).
    public var jitter: Double

    public init(
        base: Duration = .seconds(10), maxDelay: Duration = .seconds(6 * 3_600), maxAttempts: Int = 24,
        maxAge: Duration = .seconds(72 * 3_600), jitter: Double = 0.2
    ) {
        self.base = base
        self.maxDelay = maxDelay
        self.maxAttempts = maxAttempts
        self.maxAge = maxAge
        self.jitter = jitter
    }
}

extension QueueSettings {
    static let pathVariable = "DEALHOOK_QUEUE"
    private static let keys = ["path", "concurrency", "max_pending", "retain_delivered", "retry", "lease"]
    private static let retryKeys = ["base", "max_delay", "max_attempts", "max_age", "jitter"]

    init(node: YAMLNode?, environment: [String: String], diagnostics: inout ConfigDiagnostics) {
        self.init()
        if let section = ConfigSection(node, path: "queue", diagnostics: &diagnostics) {
            section.reportUnknownKeys(known: Self.keys, diagnostics: &diagnostics)
            section.read("path", YAMLNode.string(at:), into: &path, diagnostics: &diagnostics)
            section.read("concurrency", YAMLNode.positiveInteger(at:), into: &concurrency, diagnostics: &diagnostics)
            section.read("max_pending", YAMLNode.positiveInteger(at:), into: &maxPending, diagnostics: &diagnostics)
            section.read(
                "retain_delivered", YAMLNode.positiveDuration(at:), into: &retainDelivered, diagnostics: &diagnostics)
            section.read("lease", YAMLNode.positiveDuration(at:), into: &lease, diagnostics: &diagnostics)
            if let retrySection = ConfigSection(section["retry"], path: "queue.retry", diagnostics: &diagnostics) {
                retrySection.reportUnknownKeys(known: Self.retryKeys, diagnostics: &diagnostics)
                retrySection.read("base", YAMLNode.positiveDuration(at:), into: &retry.base, diagnostics: &diagnostics)
                retrySection.read(
                    "max_delay", YAMLNode.positiveDuration(at:), into: &retry.maxDelay, diagnostics: &diagnostics)
                retrySection.read(
                    "max_attempts", YAMLNode.positiveInteger(at:), into: &retry.maxAttempts, diagnostics: &diagnostics)
                retrySection.read("max_age", YAMLNode.positiveDuration(at:), into: &retry.maxAge, diagnostics: &diagnostics)
                retrySection.read("jitter", YAMLNode.fraction(at:), into: &retry.jitter, diagnostics: &diagnostics)
            }
        }
        if let override = environment[Self.pathVariable], !override.isEmpty {
            path = override
        }
    }
}

extension YAMLNode {
    /// A number from 0 to 1 inclusive.
    func fraction(at path: String) throws(ConfigError) -> Double {
        let text = try text(at: path, expected: "a number from 0 to 1")
        guard let value = Double(text), value >= 0, value <= 1 else {
            throw ConfigError(location: location, message: "\(path): expected a number from 0 to 1, got \(summary)")
        }
        return value
    }
}
