import Rules
import Synchronization

/// Token buckets per client: `rate.count` posts at once, refilled continuously at `rate.count` per
/// `rate.interval`. A pure state machine over a monotonic time in nanoseconds, so tests step time.
///
/// Memory is bounded: clients are kept in two generations of at most `maxClients / 2` each; when the current
/// one is full it becomes the previous one and the old previous is forgotten, so a client not seen for a
/// whole generation starts again with a full bucket. A client seen again moves to the current generation.
public struct TokenBuckets: Sendable {
    public let rate: Rate
    public let maxClients: Int
    private var current: [String: Bucket] = [:]
    private var previous: [String: Bucket] = [:]

    private struct Bucket {
        var tokens: Double
        var updatedAt: UInt64
    }

    public init(rate: Rate, maxClients: Int) {
        self.rate = rate
        self.maxClients = max(2, maxClients)
    }

    /// Clients remembered now (at most `maxClients`).
    public var count: Int { current.count + previous.count }

    /// Takes a token from `client`'s bucket at time `now`; false when it is empty.
    public mutating func admit(_ client: String, now: UInt64) -> Bool {
        let capacity = Double(rate.count)
        var bucket =
            current.removeValue(forKey: client) ?? previous.removeValue(forKey: client)
            ?? Bucket(tokens: capacity, updatedAt: now)
        let (seconds, attoseconds) = rate.interval.components
        let intervalNanoseconds = Double(seconds) * 1e9 + Double(attoseconds) / 1e9
        let elapsed = now > bucket.updatedAt ? Double(now - bucket.updatedAt) : 0
        bucket.tokens = min(capacity, bucket.tokens + elapsed * capacity / intervalNanoseconds)
        bucket.updatedAt = max(now, bucket.updatedAt)
        let admitted = bucket.tokens >= 1
        if admitted { bucket.tokens -= 1 }
        if current.count >= maxClients / 2 {
            previous = current
            current = [:]
        }
        current[client] = bucket
        return admitted
    }
}

/// `TokenBuckets` shared by the threads answering one route's posts.
public final class ClientRateLimiter: Sendable {
    private let buckets: Mutex<TokenBuckets>

    public init(_ settings: FormSettings.RateLimit) {
        buckets = Mutex(TokenBuckets(rate: settings.rate, maxClients: settings.maxClients))
    }

    /// Takes a token for `client` (a `ClientAddress.rateLimitKey`) at monotonic time `now` (nanoseconds).
    public func admit(_ client: String, now: UInt64) -> Bool {
        buckets.withLock { $0.admit(client, now: now) }
    }

    /// Clients remembered now.
    public var count: Int { buckets.withLock { $0.count } }
}
