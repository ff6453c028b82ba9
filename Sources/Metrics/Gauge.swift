import Synchronization

/// A value that goes up and down per label set. A gauge without labels renders 0 until first set.
public final class Gauge: MetricFamily {
    let name: String
    let help: String
    let labelNames: [String]
    var typeName: String { "gauge" }
    private let series: Mutex<[LabelValues: Double]>

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
        series = Mutex(labelNames.isEmpty ? [[]: 0] : [:])
    }

    /// Sets the series of `labels` to `value`.
    public func set(_ value: Double, labels: [String] = []) {
        checkLabels(labels, labelNames)
        series.withLock { $0[labels] = value }
    }

    /// Adds `amount` (which may be negative) to the series of `labels`.
    public func add(_ amount: Double, labels: [String] = []) {
        checkLabels(labels, labelNames)
        series.withLock { $0[labels, default: 0] += amount }
    }

    /// The current value of the series of `labels` (0 if never set).
    public func value(labels: [String] = []) -> Double {
        series.withLock { $0[labels] ?? 0 }
    }

    func render(into text: inout String) {
        MetricText.renderSamples(name: name, labelNames: labelNames, series.withLock { $0 }, into: &text)
    }
}
