import HTTP

/// Token buckets, one per caller (an API key, or the address of a caller without a valid key).
///
/// A pure value over a monotonic time in nanoseconds, so tests can step time without sleeping.
struct RateLimiter: Sendable {
    /// What one request got from its bucket, and the headers that say so.
    struct Decision: Sendable, Equatable {
        var allowed: Bool
        var limit: Int
        var remaining: Int
        /// Seconds until the bucket is full again.
        var resetSeconds: Int
        /// Seconds until one more request is allowed (what `Retry-After` says on a 429).
        var retryAfterSeconds: Int

        /// `X-RateLimit-Limit`, `-Remaining` and `-Reset` (seconds from now, as in the IETF RateLimit draft).
        var headers: HTTPHeaders {
            [
                "X-RateLimit-Limit": String(limit), "X-RateLimit-Remaining": String(remaining),
                "X-RateLimit-Reset": String(resetSeconds),
            ]
        }
    }

    private struct Bucket {
        var tokens: Double
        var updatedAt: UInt64
    }

    let policy: RateLimitPolicy
    let maxBuckets: Int
    private var buckets: [String: Bucket] = [:]

    init(policy: RateLimitPolicy, maxBuckets: Int) {
        self.policy = policy
        self.maxBuckets = maxBuckets
    }

    /// Takes a token from `caller`'s bucket if it has one.
    mutating func take(_ caller: String, now: UInt64) -> Decision {
        var bucket = refilled(buckets[caller] ?? Bucket(tokens: Double(policy.burst), updatedAt: now), now: now)
        let allowed = bucket.tokens >= 1
        if allowed { bucket.tokens -= 1 }
        buckets[caller] = bucket
        if buckets.count > maxBuckets { evict(now: now) }
        let rate = policy.ratePerSecond
        return Decision(
            allowed: allowed, limit: policy.burst, remaining: Int(bucket.tokens.rounded(.down)),
            resetSeconds: Int(((Double(policy.burst) - bucket.tokens) / rate).rounded(.up)),
            retryAfterSeconds: max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))))
    }

    private func refilled(_ bucket: Bucket, now: UInt64) -> Bucket {
        let elapsed = Double(now &- bucket.updatedAt) / 1e9
        let tokens = min(Double(policy.burst), bucket.tokens + max(0, elapsed) * policy.ratePerSecond)
        return Bucket(tokens: tokens, updatedAt: now)
    }

    /// Forgets full buckets (they hold nothing a new one would not), then, if still too many, the idlest.
    private mutating func evict(now: UInt64) {
        buckets = buckets.filter { refilled($0.value, now: now).tokens < Double(policy.burst) }
        while buckets.count > maxBuckets, let idlest = buckets.min(by: { $0.value.updatedAt < $1.value.updatedAt }) {
            buckets[idlest.key] = nil
        }
    }
}
