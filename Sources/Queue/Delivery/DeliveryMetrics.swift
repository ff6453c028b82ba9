import Metrics
import Teamopipe

/// The delivery families of `/metrics`.
public struct DeliveryMetrics: Sendable {
    let deliveries: Counter
    let attempts: Counter
    let apiDuration: Histogram

    public init(registry: MetricsRegistry) {
        deliveries = registry.counter(
            name: "dealhook_deliveries_total", help: "Events whose delivery ended, by outcome (delivered, dead).",
            labelNames: ["outcome"])
        attempts = registry.counter(
            name: "dealhook_delivery_attempts_total", help: "Delivery attempts that did not finish an event, by class.",
            labelNames: ["class"])
        apiDuration = registry.histogram(
            name: "dealhook_teamopipe_call_duration_seconds",
            help: "Teamopipe operations, by operation, outcome and HTTP status (2xx, the failing status, or none).",
            labelNames: ["operation", "outcome", "status"])
    }

    func recordCall(operation: String, outcome: TeamopipeOutcome, seconds duration: Duration) {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        let status: String =
            switch outcome {
            case .success: "2xx"
            default: outcome.failure?.status.map(String.init) ?? "none"
            }
        apiDuration.observe(seconds, labels: [operation, outcome.className, status])
    }
}
