import Metrics
import Testing

@Suite struct MetricsRegistryTests {
    @Test func rendersCountersWithEscapedLabels() {
        let registry = MetricsRegistry()
        let counter = registry.counter(name: "x_total", help: "Things.\nMore.", labelNames: ["route", "status"])
        counter.increment(labels: ["/b", "200"])
        counter.increment(labels: ["/a\"q", "500"], by: 2)
        counter.increment(labels: ["/b", "200"])
        #expect(
            registry.render() == """
                # HELP x_total Things.\\nMore.
                # TYPE x_total counter
                x_total{route="/a\\"q",status="500"} 2
                x_total{route="/b",status="200"} 2

                """)
        #expect(counter.value(labels: ["/b", "200"]) == 2)
    }

    /// A counter read from a total kept elsewhere only ever goes up, as Prometheus expects of a counter.
    @Test func aCounterAdvancesToATotalButNeverBack() {
        let registry = MetricsRegistry()
        let counter = registry.counter(name: "commits_total", help: "Commits.")
        counter.advance(to: 5)
        counter.advance(to: 12)
        counter.advance(to: 7)
        #expect(counter.value() == 12)
        #expect(registry.render().hasSuffix("commits_total 12\n"))
    }

    @Test func unlabelledGaugeStartsAtZero() {
        let registry = MetricsRegistry()
        let gauge = registry.gauge(name: "open", help: "Open.")
        #expect(registry.render().hasSuffix("open 0\n"))
        gauge.set(3)
        gauge.add(-1)
        #expect(registry.render().hasSuffix("open 2\n"))
        gauge.set(0.25)
        #expect(registry.render().hasSuffix("open 0.25\n"))
    }

    @Test func histogramBucketsAreCumulative() {
        let registry = MetricsRegistry()
        let histogram = registry.histogram(name: "d_seconds", help: "D.", labelNames: ["r"], buckets: [0.1, 1])
        histogram.observe(0.05, labels: ["x"])
        histogram.observe(0.1, labels: ["x"])
        histogram.observe(0.5, labels: ["x"])
        histogram.observe(7, labels: ["x"])
        #expect(
            registry.render() == """
                # HELP d_seconds D.
                # TYPE d_seconds histogram
                d_seconds_bucket{r="x",le="0.1"} 2
                d_seconds_bucket{r="x",le="1"} 3
                d_seconds_bucket{r="x",le="+Inf"} 4
                d_seconds_sum{r="x"} 7.65
                d_seconds_count{r="x"} 4

                """)
        #expect(histogram.count(labels: ["x"]) == 4)
    }

    @Test func familiesRenderInRegistrationOrder() {
        let registry = MetricsRegistry()
        _ = registry.gauge(name: "b", help: "B.")
        _ = registry.counter(name: "a_total", help: "A.")
        let types = registry.render().split(separator: "\n").filter { $0.hasPrefix("# TYPE") }
        #expect(types == ["# TYPE b gauge", "# TYPE a_total counter"])
    }
}
