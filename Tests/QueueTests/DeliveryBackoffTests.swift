import Rules
import Testing

@testable import Queue

/// The retry policy's arithmetic: `min(max_delay, base × 2^(n−1))` ±jitter, `Retry-After`, exhaustion.
@Suite struct DeliveryBackoffTests {
    /// `random: 0.5` is the middle of the jitter band: no spread.
    static let middle = 0.5

    @Test func eachAttemptDoublesTheWaitUpToTheCeiling() {
        let backoff = Backoff(policy: RetryPolicy())
        let waits = (1...6).map { backoff.delay(afterAttempt: $0, random: Self.middle) }
        #expect(waits == [.seconds(10), .seconds(20), .seconds(40), .seconds(80), .seconds(160), .seconds(320)])
        #expect(backoff.delay(afterAttempt: 12, random: Self.middle) == .seconds(20_480))
        #expect(backoff.delay(afterAttempt: 13, random: Self.middle) == .seconds(6 * 3_600))
        #expect(backoff.delay(afterAttempt: 24, random: Self.middle) == .seconds(6 * 3_600))
    }

    @Test func subSecondBaseAndCeilingKeepTheirFractions() {
        // The end-to-end tests' policy: a ceiling of 500 ms once counted as 0 s, and every retry came at once.
        let backoff = Backoff(policy: RetryPolicy(base: .milliseconds(50), maxDelay: .milliseconds(500)))
        let waits = (1...6).map { backoff.delay(afterAttempt: $0, random: Self.middle) }
        #expect(
            waits == [
                .milliseconds(50), .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(500),
                .milliseconds(500),
            ])
        let fractional = Backoff(policy: RetryPolicy(base: .milliseconds(1_500), maxDelay: .milliseconds(2_500)))
        #expect(fractional.delay(afterAttempt: 1, random: Self.middle) == .milliseconds(1_500))
        #expect(fractional.delay(afterAttempt: 2, random: Self.middle) == .milliseconds(2_500))
    }

    @Test func jitterSpreadsTheWaitWithinItsBand() {
        let backoff = Backoff(policy: RetryPolicy(base: .seconds(10), jitter: 0.2))
        #expect(backoff.delay(afterAttempt: 1, random: 0) == .seconds(8))
        #expect(backoff.delay(afterAttempt: 1, random: 0.25) == .seconds(9))
        #expect(backoff.delay(afterAttempt: 1, random: 0.999_999) == .milliseconds(12_000))
        // Capped waits are spread too, so events that failed together do not come back together.
        #expect(backoff.delay(afterAttempt: 30, random: 0) == .seconds(17_280))
        for step in 0..<100 {
            let wait = backoff.delay(afterAttempt: 3, random: Double(step) / 100)
            #expect(wait >= .seconds(32) && wait <= .seconds(48))
        }
        let steady = Backoff(policy: RetryPolicy(base: .seconds(10), jitter: 0))
        #expect(steady.delay(afterAttempt: 2, random: 0) == steady.delay(afterAttempt: 2, random: 0.99))
    }

    @Test func retryAfterIsAFloorNeverAShortcut() {
        let backoff = Backoff(policy: RetryPolicy(base: .seconds(10)))
        #expect(backoff.delay(afterAttempt: 1, random: Self.middle, retryAfter: .seconds(30)) == .seconds(30))
        #expect(backoff.delay(afterAttempt: 1, random: Self.middle, retryAfter: .seconds(2)) == .seconds(10))
        #expect(backoff.delay(afterAttempt: 1, random: Self.middle, retryAfter: .zero) == .seconds(10))
        // A server's wait beyond the ceiling is still honoured: it knows when it will take calls again.
        let short = Backoff(policy: RetryPolicy(base: .milliseconds(50), maxDelay: .milliseconds(500)))
        #expect(short.delay(afterAttempt: 9, random: Self.middle, retryAfter: .seconds(1)) == .seconds(1))
    }

    @Test func absurdAttemptNumbersNeitherOverflowNorShrinkTheWait() {
        let backoff = Backoff(policy: RetryPolicy())
        #expect(backoff.delay(afterAttempt: 0, random: Self.middle) == .seconds(10))
        #expect(backoff.delay(afterAttempt: -3, random: Self.middle) == .seconds(10))
        #expect(backoff.delay(afterAttempt: 63, random: Self.middle) == .seconds(6 * 3_600))
        #expect(backoff.delay(afterAttempt: .max, random: Self.middle) == .seconds(6 * 3_600))
    }

    @Test func anEventIsExhaustedByAttemptsOrByAge() {
        let backoff = Backoff(policy: RetryPolicy(maxAttempts: 24, maxAge: .seconds(72 * 3_600)))
        #expect(!backoff.isExhausted(attempts: 1, age: .zero))
        #expect(!backoff.isExhausted(attempts: 23, age: .seconds(72 * 3_600 - 1)))
        #expect(backoff.isExhausted(attempts: 24, age: .zero))
        #expect(backoff.isExhausted(attempts: 1, age: .seconds(72 * 3_600)))
        #expect(backoff.isExhausted(attempts: 30, age: .seconds(100 * 3_600)))
    }

    @Test func theDefaultPolicySpansAboutThreeDays() {
        let backoff = Backoff(policy: RetryPolicy())
        let total = (1..<24).reduce(Duration.zero) { $0 + backoff.delay(afterAttempt: $1, random: Self.middle) }
        #expect(total > .seconds(60 * 3_600) && total < .seconds(80 * 3_600))
    }
}
