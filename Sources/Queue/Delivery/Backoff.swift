import Rules

/// When to try an event again after a transient failure, and when to stop trying: the retry policy as pure
/// arithmetic, so that it is tested without a clock.
public struct Backoff: Sendable {
    public var policy: RetryPolicy

    public init(policy: RetryPolicy) {
        self.policy = policy
    }

    /// The wait after the `attempt`-th failed attempt (1-based): `min(maxDelay, base × 2^(attempt−1))`, spread
    /// by ±jitter with `random` in 0..<1, and never shorter than the server's `retryAfter`.
    public func delay(afterAttempt attempt: Int, random: Double, retryAfter: Duration? = nil) -> Duration {
        // Sub-second bases and ceilings are real settings (`base: 50ms`, `max_delay: 500ms`): keep the fractions.
        let doublings = UInt64(min(max(attempt - 1, 0), 62))
        let raw = min(policy.maxDelay.seconds, policy.base.seconds * Double(UInt64(1) << doublings))
        let spread = raw * (1 + policy.jitter * (2 * min(max(random, 0), 1) - 1))
        let delay = Duration.milliseconds(Int64((spread * 1000).rounded()))
        guard let retryAfter else { return delay }
        return max(delay, retryAfter)
    }

    /// Whether an event that has failed `attempts` times and is `age` old (since it arrived, or since an
    /// operator retried it) has had its chances.
    public func isExhausted(attempts: Int, age: Duration) -> Bool {
        attempts >= policy.maxAttempts || age >= policy.maxAge
    }
}

extension Duration {
    /// The duration in seconds, fractions included.
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
