import Synchronization

/// A monotonically increasing count per label set (`…_total`).
public final class Counter: MetricFamily {
    let name: String
    let help: String
    let labelNames: [String]
    var typeName: String { "counter" }
    private let series = Mutex<[LabelValues: Double]>([:])

    init(name: String, help: String, labelNames: [String]) {
        self.name = name
        self.help = help
        self.labelNames = labelNames
    }

    /// Adds `amount` (not negative) to the series of `labels`, in the order of the label names.
    public func increment(labels: [String] = [], by amount: Double = 1) {
        checkLabels(labels, labelNames)
        precondition(amount >= 0, "a counter cannot go down")
        series.withLock { $0[labels, default: 0] += amount }
    }

    /// Raises the series of `labels` to `total`, a count kept elsewhere that only grows (read at each scrape); a
    /// lower total leaves it as it is.
    public func advance(to total: Double, labels: [String] = []) {
        checkLabels(labels, labelNames)
        series.withLock { series in series[labels] = Swift.max(series[labels] ?? 0, total) }
    }

    /// The current value of the series of `labels` (0 if never incremented).
    public func value(labels: [String] = []) -> Double {
        series.withLock { $0[labels] ?? 0 }
    }

    func render(into text: inout String) {
        MetricText.renderSamples(name: name, labelNames: labelNames, series.withLock { $0 }, into: &text)
    }
}
