import Dispatch
import Foundation
import HTTP
import Logging
import Rules
import Synchronization
import Teamopipe

/// Delivers stored events: claims what is due as soon as it commits, runs up to `concurrency` plans at once,
/// and decides after each attempt whether the event is done, waits for a retry, or becomes a dead letter.
///
/// A 401 pauses every delivery (the key was revoked): the event in hand is released unharmed, `authProblem`
/// says why, and a probe every few seconds resumes deliveries once the key works again. So does a run of
/// `outageThreshold` transient failures in a row (`outage` says why): Teamopipe is down or out of reach, and
/// trying each new event meanwhile would only spend its attempts and keep the queue's writer busy.
public final class DeliveryLoop: Sendable {
    /// How long a claimed event stays with its worker before another may take it (a crashed process's events
    /// come back after this).
    public static let defaultLease: Duration = .seconds(300)
    /// The longest the scheduler sleeps without a wake-up, so that retries come due on time.
    static let maxIdleWait: Duration = .seconds(1)
    /// While Teamopipe refuses the key, the first probe comes after this; each failed one doubles the wait.
    static let firstProbeDelay: Duration = .seconds(1)
    /// The longest wait between probes: how late deliveries may resume after the key works again.
    static let maxProbeDelay: Duration = .seconds(30)
    /// Transient failures in a row, over all deliveries, that pause deliveries until a probe succeeds. High
    /// enough that a flaky but working Teamopipe (a few 5xx and 429s) never trips it.
    static let outageThreshold = 10

    private let store: any EventStore
    private let runner: PlanRunner
    private let backoff: Backoff
    private let concurrency: Int
    private let lease: Duration
    private let logger: Logger
    private let metrics: DeliveryMetrics?
    private let state = Mutex(State())
    private let workers = DispatchQueue(label: "dealhook.delivery", attributes: .concurrent)
    private let idle = DispatchSemaphore(value: 0)

    private struct State {
        var running = false
        var stopping = false
        var inFlight = 0
        var pausedRoutes: Set<String> = []
        var authProblem: String?
        var outage: String?
        var transientStreak = 0

        /// Why deliveries are paused, if they are.
        var pauseReason: String? { authProblem ?? outage }
    }

    public init(
        store: any EventStore, performer: any StepPerformer, policy: RetryPolicy, concurrency: Int,
        lease: Duration = DeliveryLoop.defaultLease, logger: Logger, metrics: DeliveryMetrics? = nil
    ) {
        self.store = store
        runner = PlanRunner(store: store, performer: performer, metrics: metrics)
        backoff = Backoff(policy: policy)
        self.concurrency = concurrency
        self.lease = lease
        self.logger = logger
        do {
            let paused = try store.pausedRoutes()
            state.withLock { $0.pausedRoutes = paused }
            if !paused.isEmpty {
                logger.notice(
                    "routes paused by an operator stay paused; POST /admin/routes/{name}/resume to resume",
                    ["routes": .string(paused.sorted().joined(separator: ", "))])
            }
        } catch {
            logger.error("reading the paused routes failed; none is held", ["error": .string(error.description)])
        }
        self.metrics = metrics
    }

    /// Why deliveries are paused, when Teamopipe refused the key; nil while they run.
    public var authProblem: String? { state.withLock { $0.authProblem } }

    /// Why deliveries are paused, when Teamopipe failed `outageThreshold` calls in a row; nil while they run.
    public var outage: String? { state.withLock { $0.outage } }

    /// Resumes deliveries paused by a refused key at once, without waiting for a probe: the key was replaced
    /// (a config reload). If the new key is refused too, the next delivery pauses them again.
    public func credentialsChanged() {
        let was = state.withLock { state -> String? in
            defer { state.authProblem = nil }
            return state.authProblem
        }
        if let was { logger.notice("the API key was replaced; deliveries resume", ["was": .string(was)]) }
        store.wakeUp.signal()
    }

    /// Starts the scheduler thread.
    public func start() {
        let started = state.withLock { state -> Bool in
            guard !state.running else { return false }
            state.running = true
            return true
        }
        guard started else { return }
        let threadStarted = POSIXThread.startDetached(named: "delivery") { [self] in schedule() }
        precondition(threadStarted, "no thread could be started for the delivery loop")
    }

    /// Stops claiming, waits up to `timeout` for the deliveries in flight, and returns whether they finished.
    /// Unfinished ones keep their lease and are claimed again after it expires.
    @discardableResult
    public func stop(timeout: Duration) -> Bool {
        state.withLock { $0.stopping = true }
        store.wakeUp.signal()
        let deadline = ContinuousClock.now + timeout
        while state.withLock({ $0.inFlight > 0 || $0.running }) {
            if ContinuousClock.now >= deadline { return false }
            _ = idle.wait(timeout: .now() + .milliseconds(20))
        }
        return true
    }

    /// Holds the events of `route` (intake goes on; nothing is discarded) until `resume(route:)`, across
    /// restarts: the pause is stored first.
    public func pause(route: String) throws(StoreError) {
        try store.setRoute(route, paused: true)
        state.withLock { _ = $0.pausedRoutes.insert(route) }
    }

    /// Lets held events of `route` drain, in order.
    public func resume(route: String) throws(StoreError) {
        try store.setRoute(route, paused: false)
        state.withLock { _ = $0.pausedRoutes.remove(route) }
        store.wakeUp.signal()
    }

    /// The routes paused now.
    public var pausedRoutes: Set<String> { state.withLock { $0.pausedRoutes } }

    private func schedule() {
        var probeDelay = Self.firstProbeDelay
        while !state.withLock({ $0.stopping }) {
            if let problem = state.withLock({ $0.pauseReason }) {
                // The wait is by the clock: appends wake the loop all the time, and probing (and doubling the
                // delay) at each wake-up took the delay to its ceiling within a few form posts of an outage.
                guard waitForProbe(after: probeDelay) else { break }
                guard state.withLock({ $0.pauseReason }) != nil else {
                    probeDelay = Self.firstProbeDelay  // resumed by credentialsChanged()
                    continue
                }
                if case .success = runner.performer.probe() {
                    state.withLock { state in
                        state.authProblem = nil
                        state.outage = nil
                        state.transientStreak = 0
                    }
                    logger.notice("Teamopipe answers again; deliveries resume", ["was": .string(problem)])
                    probeDelay = Self.firstProbeDelay
                } else {
                    probeDelay = min(probeDelay * 2, Self.maxProbeDelay)
                }
                continue
            }
            let (free, paused) = state.withLock { (concurrency - $0.inFlight, $0.pausedRoutes) }
            var claimed: [ClaimedEvent] = []
            if free > 0 {
                do {
                    claimed = try store.claim(limit: free, now: .now(), leaseFor: lease, excludingRoutes: paused)
                } catch {
                    logger.error("claiming events failed", ["error": .string(error.description)])
                }
            }
            for event in claimed {
                state.withLock { $0.inFlight += 1 }
                workers.async { [self] in
                    deliver(event)
                    state.withLock { $0.inFlight -= 1 }
                    idle.signal()
                    store.wakeUp.signal()
                }
            }
            if claimed.count == free {
                // Every worker is busy: a finishing one signals the wake-up.
                _ = store.wakeUp.wait(timeout: Self.maxIdleWait)
            } else if claimed.isEmpty {
                _ = store.wakeUp.wait(timeout: waitTime(paused: paused))
            }
        }
        state.withLock { $0.running = false }
        idle.signal()
    }

    /// Sleeps `delay`, whatever wakes the store meanwhile, unless the key is replaced; false if the loop is stopping.
    private func waitForProbe(after delay: Duration) -> Bool {
        let deadline = ContinuousClock.now + delay
        while !state.withLock({ $0.stopping }) {
            let left = deadline - ContinuousClock.now
            guard left > .zero, state.withLock({ $0.pauseReason }) != nil else { return true }
            _ = store.wakeUp.wait(timeout: left)
        }
        return false
    }

    /// Nothing could be claimed: wait until the next retry comes due, at most `maxIdleWait`. An event that is due
    /// but was not claimed waits behind an earlier one of its subject, and only a worker finishing (which signals
    /// the wake-up) can free it, so it is no reason to poll.
    private func waitTime(paused: Set<String>) -> Duration {
        guard let next = try? store.nextDueAt(excludingRoutes: paused) else { return Self.maxIdleWait }
        let wait = next - Timestamp.now()
        return wait > .zero ? min(wait, Self.maxIdleWait) : Self.maxIdleWait
    }

    private func deliver(_ claimed: ClaimedEvent) {
        let eventLogger = logger.with([
            "event.id": .string(claimed.event.id.text), "route": .string(claimed.event.route),
        ])
        do throws(StoreError) {
            switch try runner.run(claimed) {
            case .delivered(let lastStep):
                state.withLock { $0.transientStreak = 0 }
                try store.complete(claimed.lease, lastStep: lastStep)
                metrics?.deliveries.increment(labels: ["delivered"])
                eventLogger.debug("delivered")
            case .unreadable(let problem):
                try store.markDead(claimed.lease, reason: "the stored plan cannot be read: \(problem)")
                metrics?.deliveries.increment(labels: ["dead"])
                eventLogger.error("dead letter: unreadable plan", ["error": .string(problem)])
            case .leaseExpired(let step):
                // Due again at once if no one took it meanwhile; if someone did, theirs it is.
                try? store.release(claimed.lease)
                eventLogger.warning(
                    "the lease ran out before the delivery finished; it goes on at the next claim (queue.lease is "
                        + "shorter than this delivery)",
                    ["step": .int(step), "lease_ms": .int(Int(lease.wholeMilliseconds))])
            case .stopped(_, let outcome, let attempt):
                // A 401 is the key's fault, not the event's: it is released unharmed, with no attempt counted.
                let keyRefused = if case .authFailure = outcome { true } else { false }
                if !keyRefused { try store.recordAttempt(claimed.event.id, attempt) }
                metrics?.attempts.increment(labels: [outcome.className])
                noteOutage(after: outcome)
                try settle(claimed, outcome: outcome, attempt: attempt, logger: eventLogger)
            }
        } catch {
            eventLogger.error(
                "recording a delivery failed; the event will be claimed again", ["error": .string(error.description)])
        }
    }

    /// Counts transient failures in a row, and pauses deliveries at `outageThreshold`.
    private func noteOutage(after outcome: TeamopipeOutcome) {
        guard case .transient(let failure, _) = outcome else {
            state.withLock { $0.transientStreak = 0 }
            return
        }
        let reason = "Teamopipe failed \(Self.outageThreshold) calls in a row, the last: \(failure)"
        let paused = state.withLock { state -> Bool in
            state.transientStreak += 1
            guard state.transientStreak >= Self.outageThreshold, state.pauseReason == nil else { return false }
            state.outage = reason
            return true
        }
        if paused {
            logger.error(
                "Teamopipe is failing; deliveries pause until a probe succeeds (events wait, none is lost)",
                ["error": .string(failure.description), "in_a_row": .int(Self.outageThreshold)])
        }
    }

    private func settle(_ claimed: ClaimedEvent, outcome: TeamopipeOutcome, attempt: Attempt, logger: Logger)
        throws(StoreError)
    {
        let failure = outcome.failure?.description ?? "unknown failure"
        switch outcome {
        case .success:
            break
        case .authFailure:
            state.withLock { $0.authProblem = "Teamopipe refused the API key: \(failure)" }
            try store.release(claimed.lease)
            logger.critical(
                "Teamopipe refused the API key; deliveries are paused until it works again", ["error": .string(failure)]
            )
        case .permanent:
            try store.markDead(claimed.lease, reason: failure)
            metrics?.deliveries.increment(labels: ["dead"])
            logger.error("dead letter", ["error": .string(failure), "attempt": .int(attempt.number)])
        case .transient(_, let retryAfter):
            let since = claimed.event.retriedAt ?? claimed.event.receivedAt
            let age = Timestamp.now() - since
            if backoff.isExhausted(attempts: attempt.number, age: age) {
                try store.markDead(claimed.lease, reason: "gave up after \(attempt.number) attempts: \(failure)")
                metrics?.deliveries.increment(labels: ["dead"])
                logger.error(
                    "dead letter: retries exhausted", ["error": .string(failure), "attempt": .int(attempt.number)])
            } else {
                let delay = backoff.delay(
                    afterAttempt: attempt.number, random: Double.random(in: 0..<1), retryAfter: retryAfter)
                try store.scheduleRetry(claimed.lease, at: Timestamp.now() + delay)
                logger.info(
                    "delivery will be retried",
                    [
                        "error": .string(failure), "attempt": .int(attempt.number),
                        "retry_in_ms": .int(Int(delay.wholeMilliseconds)),
                    ])
            }
        }
    }
}
