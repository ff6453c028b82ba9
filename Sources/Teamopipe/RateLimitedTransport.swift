import Foundation
import Synchronization

/// One outbound rate limit for the whole workspace: a token bucket in front of another transport, shared by
/// every route and worker, so that a burst of form posts becomes a steady stream of calls instead of a storm of
/// 429s. When the API says no calls remain (`X-RateLimit-Remaining: 0`), calls wait for `X-RateLimit-Reset`.
public final class RateLimitedTransport: TeamopipeTransport {
    private let next: any TeamopipeTransport
    private let ratePerSecond: Double
    private let burst: Double
    private let bucket: Mutex<Bucket>

    private struct Bucket {
        var tokens: Double
        var refilledAt: ContinuousClock.Instant
        var blockedUntil: ContinuousClock.Instant?
    }

    /// At most `count` calls per `interval` on average, and at most `burst` at once (default: one second's worth).
    public init(wrapping next: any TeamopipeTransport, count: Int, interval: Duration, burst: Int? = nil) {
        self.next = next
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        ratePerSecond = Double(count) / seconds
        self.burst = Double(burst ?? max(1, Int(ratePerSecond.rounded(.up))))
        bucket = Mutex(Bucket(tokens: self.burst, refilledAt: .now, blockedUntil: nil))
    }

    public func send(_ request: TeamopipeRequest) throws(TeamopipeTransportError) -> TeamopipeResponse {
        acquire()
        let response = try next.send(request)
        if response.headers["x-ratelimit-remaining"] == "0", let reset = response.headers["x-ratelimit-reset"].flatMap(Double.init),
            reset > 0
        {
            let until = ContinuousClock.now + .milliseconds(Int64(min(reset, 60) * 1000))
            bucket.withLock { bucket in bucket.blockedUntil = max(bucket.blockedUntil ?? until, until) }
        }
        return response
    }

    /// Takes one token, sleeping until one is free.
    private func acquire() {
        while true {
            let wait: Duration? = bucket.withLock { bucket in
                let now = ContinuousClock.now
                if let blocked = bucket.blockedUntil {
                    if blocked > now { return blocked - now }
                    bucket.blockedUntil = nil
                }
                let elapsed = now - bucket.refilledAt
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                bucket.tokens = min(burst, bucket.tokens + seconds * ratePerSecond)
                bucket.refilledAt = now
                if bucket.tokens >= 1 {
                    bucket.tokens -= 1
                    return nil
                }
                return .milliseconds(Int64(((1 - bucket.tokens) / ratePerSecond * 1000).rounded(.up)))
            }
            guard let wait else { return }
            Thread.sleep(forTimeInterval: Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18)
        }
    }
}
