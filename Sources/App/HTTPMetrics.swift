import Metrics

/// The HTTP families of `/metrics`, labelled by route template, never by raw path.
struct HTTPMetrics: Sendable {
    let requests: Counter
    let duration: Histogram
    let openConnections: Gauge

    init(registry: MetricsRegistry) {
        requests = registry.counter(
            name: "dealhook_http_requests_total", help: "HTTP requests answered, by route, method and status.",
            labelNames: ["route", "method", "status"])
        duration = registry.histogram(
            name: "dealhook_http_request_duration_seconds",
            help: "Time from a complete request to its response, by route.", labelNames: ["route"])
        openConnections = registry.gauge(
            name: "dealhook_http_open_connections", help: "HTTP connections open right now.")
    }

    /// The method as a label: the standard ones as sent, anything else as `other` (bounded cardinality).
    static func methodLabel(_ method: String) -> String {
        switch method {
        case "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS": method
        default: "other"
        }
    }
}
