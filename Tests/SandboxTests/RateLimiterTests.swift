import Testing

@testable import Sandbox

@Suite("Sandbox: token bucket with a stepped clock")
struct RateLimiterTests {
    @Test func refillsAtTheRateUpToTheBurst() {
        var limiter = RateLimiter(policy: RateLimitPolicy(ratePerSecond: 20, burst: 40), maxBuckets: 10)
        let start: UInt64 = 1_000_000_000
        for _ in 0..<40 { #expect(limiter.take("k", now: start).allowed) }
        let refused = limiter.take("k", now: start)
        #expect(!refused.allowed)
        #expect(refused.retryAfterSeconds == 1)
        #expect(refused.resetSeconds == 2)
        #expect(limiter.take("k", now: start + 50_000_000).allowed, "one token after 1/20 s")
        #expect(!limiter.take("k", now: start + 50_000_000).allowed)
        let later = limiter.take("k", now: start + 60_000_000_000)
        #expect(later.allowed && later.remaining == 39, "full again, never above the burst")
    }

    @Test func bucketsAreBounded() {
        var limiter = RateLimiter(policy: RateLimitPolicy(ratePerSecond: 1, burst: 2), maxBuckets: 3)
        for caller in 0..<10 { _ = limiter.take("caller \(caller)", now: UInt64(caller) * 1_000) }
        // Each bucket was used once and is not full, so the idlest were dropped: the newest still remembers.
        #expect(limiter.take("caller 9", now: 10_000).remaining == 0)
        #expect(limiter.take("caller 0", now: 10_000).remaining == 1, "forgotten, so a fresh bucket")
    }
}
