import Metrics
import Queue

/// The queue families of `/metrics`: intake outcomes, and the queue's depth and age read at each scrape.
struct QueueMetrics: Sendable {
    let intake: Counter
    let depth: Gauge
    let oldestUndelivered: Gauge
    let maxOverdue: Gauge

    init(registry: MetricsRegistry) {
        intake = registry.counter(
            name: "dealhook_intake_requests_total", help: "Requests to routes, by route and outcome.",
            labelNames: ["route", "outcome"])
        depth = registry.gauge(name: "dealhook_queue_events", help: "Stored events, by status.", labelNames: ["status"])
        oldestUndelivered = registry.gauge(
            name: "dealhook_queue_oldest_undelivered_age_seconds", help: "Age of the oldest event not yet delivered.")
        maxOverdue = registry.gauge(
            name: "dealhook_queue_max_overdue_seconds", help: "How late the most overdue event is for its attempt.")
    }

    /// Reads the store's statistics into the gauges.
    func refresh(from store: any EventStore) {
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
