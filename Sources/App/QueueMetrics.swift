import Metrics
import Queue

/// The queue families of `/metrics`: intake outcomes, and the queue's depth and age read at each scrape.
struct QueueMetrics: Sendable {
    let intake: Counter
    let depth: Gauge
    let oldestUndelivered: Gauge
    let maxOverdue: Gauge
    let commits: Counter
    let committedEvents: Counter

    init(registry: MetricsRegistry) {
        intake = registry.counter(
            name: "dealhook_intake_requests_total", help: "Requests to routes, by route and outcome.",
            labelNames: ["route", "outcome"])
        depth = registry.gauge(name: "dealhook_queue_events", help: "Stored events, by status.", labelNames: ["status"])
        oldestUndelivered = registry.gauge(
            name: "dealhook_queue_oldest_undelivered_age_seconds", help: "Age of the oldest event not yet delivered.")
        maxOverdue = registry.gauge(
            name: "dealhook_queue_max_overdue_seconds", help: "How late the most overdue event is for its attempt.")
        commits = registry.counter(
            name: "dealhook_queue_commits_total",
            help: "Transactions of accepted requests, each one sync to disk shared by concurrent requests.")
        committedEvents = registry.counter(
            name: "dealhook_queue_committed_events_total",
            help: "Accepted events those transactions stored; per commit, the group commit's batch size.")
    }

    /// Reads the store's statistics into the gauges, and its commit totals into the counters.
    func refresh(from store: any EventStore) {
        let totals = store.commitTotals
        commits.advance(to: Double(totals.commits))
        committedEvents.advance(to: Double(totals.events))
        guard let stats = try? store.stats() else { return }
        for status in EventStatus.allCases {
            depth.set(Double(stats.counts[status] ?? 0), labels: [status.rawValue])
        }
        oldestUndelivered.set(stats.oldestUndeliveredAge.map(Self.seconds) ?? 0)
        maxOverdue.set(stats.maxOverdue.map(Self.seconds) ?? 0)
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
