import HTTP

/// Everything the Teamopipe sandbox can be told; every limit has a name and a default.
public struct SandboxConfiguration: Sendable {
    /// Where to listen; port 0 picks an ephemeral port. Only loopback addresses unless `allowNonLoopback`.
    public var addresses: [BindAddress]
    /// Lets the sandbox listen on addresses other than loopback (`--listen-any`): it has no real security.
    public var allowNonLoopback: Bool
    /// The API key valid at start (`Authorization: Bearer <key>`); more can be made and revoked at run time.
    public var apiKey: String
    /// A JSON file holding the workspace's objects and idempotency keys: loaded at start, rewritten (atomically)
    /// after every change. Nil keeps everything in memory.
    public var dataFile: String?
    /// The token bucket per API key, or nil for no rate limit (`--rate-limit off`).
    public var rateLimit: RateLimitPolicy?
    /// Deals, contacts, organizations, tasks and activities together; a create beyond it gets 403 `limit_reached`.
    public var maxObjects: Int
    /// The largest request body; the HTTP layer answers a larger one with 413.
    public var maxBodySize: Int
    /// How long a POST's `Idempotency-Key` is remembered.
    public var idempotencyRetention: Duration
    /// Remembered idempotency keys; past this the oldest are forgotten first.
    public var maxIdempotencyKeys: Int
    /// API keys that may exist at once (made through `POST /_sandbox/keys`).
    public var maxAPIKeys: Int
    /// Rate-limit buckets kept (one per API key, or per address for unauthenticated callers); full ones are
    /// dropped first when there are more.
    public var maxRateLimitBuckets: Int
    /// How long a request picked by the `hang_rate` fault is held before the sandbox answers 504.
    public var hangDuration: Duration
    /// Seeds the fault dice, for reproducible runs; nil seeds from the clock. `POST /_sandbox/faults` may reseed.
    public var faultSeed: UInt64?
    /// Event loop threads of the sandbox's HTTP server.
    public var eventLoopCount: Int

    public init(
        addresses: [BindAddress] = [BindAddress(host: "127.0.0.1", port: 8099)],
        allowNonLoopback: Bool = false,
        apiKey: String = SandboxConfiguration.defaultAPIKey,
        dataFile: String? = nil,
        rateLimit: RateLimitPolicy? = RateLimitPolicy(),
        maxObjects: Int = 100_000,
        maxBodySize: Int = 1024 * 1024,
        idempotencyRetention: Duration = .seconds(24 * 3600),
        maxIdempotencyKeys: Int = 100_000,
        maxAPIKeys: Int = 100,
        maxRateLimitBuckets: Int = 10_000,
        hangDuration: Duration = .seconds(300),
        faultSeed: UInt64? = nil,
        eventLoopCount: Int = 1
    ) {
        self.addresses = addresses
        self.allowNonLoopback = allowNonLoopback
        self.apiKey = apiKey
        self.dataFile = dataFile
        self.rateLimit = rateLimit
        self.maxObjects = maxObjects
        self.maxBodySize = maxBodySize
        self.idempotencyRetention = idempotencyRetention
        self.maxIdempotencyKeys = maxIdempotencyKeys
        self.maxAPIKeys = maxAPIKeys
        self.maxRateLimitBuckets = maxRateLimitBuckets
        self.hangDuration = hangDuration
        self.faultSeed = faultSeed
        self.eventLoopCount = eventLoopCount
    }

    /// The key used when none is configured.
    public static let defaultAPIKey = "sandbox-key"
}

/// A token bucket: `ratePerSecond` tokens flow in, up to `burst`; each request takes one.
public struct RateLimitPolicy: Sendable, Equatable, CustomStringConvertible {
    public var ratePerSecond: Double
    public var burst: Int

    /// The contract's defaults: 20 requests per second per key, burst 40.
    public init(ratePerSecond: Double = 20, burst: Int = 40) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
    }

    /// Parses `20/s`, `20/s,burst=40` or `off` (nil). The burst defaults to twice the rate.
    public static func parse(_ text: String) throws(SandboxError) -> RateLimitPolicy? {
        if text == "off" { return nil }
        let invalid = SandboxError("invalid rate limit '\(text)': expected RATE/s, RATE/s,burst=N or off (e.g. 20/s)")
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts[0].hasSuffix("/s"), let rate = Double(parts[0].dropLast(2)), rate > 0,
            rate.isFinite
        else { throw invalid }
        var burst = max(1, Int((rate * 2).rounded(.up)))
        if parts.count == 2 {
            guard parts[1].hasPrefix("burst="), let value = Int(parts[1].dropFirst(6)), value >= 1 else {
                throw invalid
            }
            burst = value
        }
        return RateLimitPolicy(ratePerSecond: rate, burst: burst)
    }

    public var description: String { "\(ratePerSecond.compactText)/s,burst=\(burst)" }
}

/// A failure to configure or start the sandbox, with a message for the operator.
public struct SandboxError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension Double {
    /// Integral values without a fraction (`20`, not `20.0`).
    var compactText: String {
        rounded() == self && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
