import Synchronization

/// Holds metric families and renders them in the Prometheus text exposition format 0.0.4.
///
/// ```swift
/// let registry = MetricsRegistry()
/// let requests = registry.counter(name: "dealhook_http_requests_total", help: "…", labelNames: ["route"])
/// requests.increment(labels: ["/healthz"])
/// print(registry.render())
/// ```
/// Families render in the order they were registered; series within a family in label order.
public final class MetricsRegistry: Sendable {
    /// The `Content-Type` of `render()`'s text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    private let families = Mutex<[any MetricFamily]>([])

    public init() {}

    /// Registers a counter: a value that only goes up.
    public func counter(name: String, help: String, labelNames: [String] = []) -> Counter {
        register(Counter(name: name, help: help, labelNames: labelNames))
    }

    /// Registers a gauge: a value that goes up and down.
    public func gauge(name: String, help: String, labelNames: [String] = []) -> Gauge {
        register(Gauge(name: name, help: help, labelNames: labelNames))
    }

    /// Registers a histogram with cumulative `buckets` (upper bounds, ascending; `+Inf` is implied).
    public func histogram(
        name: String, help: String, labelNames: [String] = [], buckets: [Double] = Histogram.defaultBuckets
    ) -> Histogram {
        register(Histogram(name: name, help: help, labelNames: labelNames, buckets: buckets))
    }

    /// Every family's `# HELP`, `# TYPE` and sample lines.
    public func render() -> String {
        let current = families.withLock { $0 }
        var text = ""
        for family in current {
            text += "# HELP \(family.name) \(MetricText.escapeHelp(family.help))\n"
            text += "# TYPE \(family.name) \(family.typeName)\n"
            family.render(into: &text)
        }
        return text
    }

    private func register<Family: MetricFamily>(_ family: Family) -> Family {
        families.withLock { families in
            precondition(!families.contains { $0.name == family.name }, "metric \(family.name) registered twice")
            families.append(family)
        }
        return family
    }
}

/// One named metric with its series.
protocol MetricFamily: Sendable {
    var name: String { get }
    var help: String { get }
    var typeName: String { get }
    func render(into text: inout String)
}

/// Text escaping and number formatting of the exposition format.
enum MetricText {
    static func escapeHelp(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    static func escapeLabelValue(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\"", with: "\\\"").replacingAll("\n", with: "\\n")
    }

    /// `{a="x",b="y"}`, or nothing when there are no labels.
    static func labels(_ names: [String], _ values: [String], extra: (String, String)? = nil) -> String {
        var pairs = zip(names, values).map { "\($0)=\"\(escapeLabelValue($1))\"" }
        if let (name, value) = extra { pairs.append("\(name)=\"\(value)\"") }
        return pairs.isEmpty ? "" : "{" + pairs.joined(separator: ",") + "}"
    }

    /// One sample line per series, in label order: `name{labels} value`.
    static func renderSamples(
        name: String, labelNames: [String], _ series: [LabelValues: Double], into text: inout String
    ) {
        for labels in series.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            text += name + MetricText.labels(labelNames, labels) + " " + MetricText.number(series[labels]!) + "\n"
        }
    }

    static func number(_ value: Double) -> String {
        if value == .infinity { return "+Inf" }
        if value == -.infinity { return "-Inf" }
        if value.isNaN { return "NaN" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}

extension String {
    fileprivate func replacingAll(_ target: Character, with replacement: String) -> String {
        guard contains(target) else { return self }
        var result = ""
        for character in self {
            if character == target { result += replacement } else { result.append(character) }
        }
        return result
    }
}

/// Label values in the order of the family's label names.
typealias LabelValues = [String]

extension MetricFamily {
    func checkLabels(_ values: LabelValues, _ names: [String]) {
        precondition(values.count == names.count, "\(name) takes labels \(names), got \(values.count) values")
    }
}
