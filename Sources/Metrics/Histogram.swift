import Synchronization

/// Observations counted into cumulative buckets per label set, with their sum and count.
public final class Histogram: MetricFamily {
    /// Prometheus' default buckets, in seconds: from 5 ms to 10 s.
    public static let defaultBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    let name: String
    let help: String
    let labelNames: [String]
    let buckets: [Double]
    var typeName: String { "histogram" }
    private let series = Mutex<[LabelValues: Series]>([:])

    private struct Series {
        /// Per-bucket counts (not cumulative); the last slot is `+Inf`.
        var counts: [UInt64]
        var sum: Double = 0
        var count: UInt64 = 0

        mutating func record(_ value: Double, in slot: Int) {
            counts[slot] += 1
            sum += value
            count += 1
        }
    }

    init(name: String, help: String, labelNames: [String], buckets: [Double]) {
        precondition(zip(buckets, buckets.dropFirst()).allSatisfy { $0 < $1 }, "\(name): buckets must ascend")
        self.name = name
        self.help = help
        self.labelNames = labelNames
        self.buckets = buckets
    }

    /// Records one observation in the series of `labels`.
    public func observe(_ value: Double, labels: [String] = []) {
        checkLabels(labels, labelNames)
        let slot = buckets.firstIndex { value <= $0 } ?? buckets.count
        let slotCount = buckets.count + 1
        series.withLock { all in
            // Mutated in place: a copy taken out of the dictionary would copy `counts` on every observation.
            all[labels, default: Series(counts: Array(repeating: 0, count: slotCount))].record(value, in: slot)
        }
    }

    /// How many observations the series of `labels` holds.
    public func count(labels: [String] = []) -> UInt64 {
        series.withLock { $0[labels]?.count ?? 0 }
    }

    func render(into text: inout String) {
        let snapshot = series.withLock { $0 }
        for labels in snapshot.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let entry = snapshot[labels]!
            var cumulative: UInt64 = 0
            for (index, bound) in (buckets + [.infinity]).enumerated() {
                cumulative += entry.counts[index]
                let labelText = MetricText.labels(labelNames, labels, extra: ("le", MetricText.number(bound)))
                text += "\(name)_bucket\(labelText) \(cumulative)\n"
            }
            let plain = MetricText.labels(labelNames, labels)
            text += "\(name)_sum\(plain) \(MetricText.number(entry.sum))\n"
            text += "\(name)_count\(plain) \(entry.count)\n"
        }
    }
}
