import Foundation
import Glibc
import HTTP
import JSON
import Rules
import Synchronization
import Teamopipe

/// N caller threads, each creating deals one after another through one shared `TeamopipeClient` for a fixed
/// time; prints one line of figures: calls, calls/s, p50/p99 latency, failures and the connections the pool
/// opened (keep-alive means about one per caller).
///
/// The client is built as `dealhook serve` builds it (`TeamopipeConnection.make`): `HTTPClient` with a pool of
/// `max(8, callers)` connections, `HTTPTeamopipeTransport`, `RateLimitedTransport` (here at 1,000,000/s, so it
/// only adds its bookkeeping), and the workspace cache, which the warm-up fills.
enum ClientBenchmark {
    static func run(_ arguments: [String]) -> Int32 {
        guard let options = Options(arguments) else {
            FileHandle.standardError.write(
                "usage: ClientBench --base-url URL --api-key KEY --callers N [--duration S] [--warmup S]\n".data(using: .utf8)!)
            return 2
        }
        let http: HTTPClient
        do {
            http = try HTTPClient(
                configuration: HTTPClientConfiguration(
                    userAgent: "dealhook-bench", maxConnectionsPerHost: max(8, options.callers),
                    requestTimeout: .seconds(15), totalTimeout: .seconds(30)))
        } catch {
            print("ClientBench: \(error)")
            return 1
        }
        let transport = RateLimitedTransport(
            wrapping: HTTPTeamopipeTransport(client: http, baseURL: options.baseURL, apiKey: options.apiKey),
            count: 1_000_000, interval: .seconds(1))
        let client = TeamopipeClient(transport: transport, cacheTTL: .seconds(300))

        // One call first: it reads the pipelines into the cache and proves the sandbox answers.
        if case let failure? = createDeal(client, key: "warm-up:0").failure {
            print("ClientBench: the first deal could not be created: \(failure)")
            return 1
        }
        if options.warmup > 0 {
            _ = load(client, callers: options.callers, seconds: options.warmup, run: "warm-up")
        }
        if !resetSandbox(http, baseURL: options.baseURL) {
            print("ClientBench: POST /_sandbox/reset failed")
            return 1
        }
        let opened = http.statistics.connectionsOpened
        let result = load(client, callers: options.callers, seconds: options.duration, run: "run")
        var latencies = result.latencies
        latencies.sort()
        let calls = latencies.count
        let format = { (value: Double) in String(format: "%.3f", value) }
        print(
            "callers=\(options.callers) calls=\(calls) seconds=\(format(result.seconds))",
            "calls_per_s=\(format(Double(calls) / result.seconds))",
            "p50_ms=\(format(percentile(latencies, 0.50))) p99_ms=\(format(percentile(latencies, 0.99)))",
            "failures=\(result.failures) connections_opened=\(http.statistics.connectionsOpened - opened)",
            "first_failure=\(result.firstFailure.map { "\"\($0)\"" } ?? "none")")
        return 0
    }

    private static func createDeal(_ client: TeamopipeClient, key: String) -> TeamopipeOutcome {
        client.perform(
            .dealCreate,
            input: [
                "title": "Analytical Engines Ltd — website enquiry", "pipeline": "Sales", "stage": "Lead",
                "value": 12000, "currency": "EUR",
            ],
            idempotencyKey: key)
    }

    private struct LoadResult {
        var latencies: [Double] = []
        var failures = 0
        var firstFailure: String?
        var seconds = 0.0
    }

    /// `callers` threads calling for `seconds`; latencies in milliseconds of the calls that succeeded.
    private static func load(_ client: TeamopipeClient, callers: Int, seconds: Double, run: String) -> LoadResult {
        let merged = Mutex(LoadResult())
        let group = DispatchGroup()
        let start = ContinuousClock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        for caller in 0..<callers {
            group.enter()
            let thread = Thread {
                var local = LoadResult()
                local.latencies.reserveCapacity(100_000)
                var sequence = 0
                while ContinuousClock.now < end {
                    sequence += 1
                    let began = ContinuousClock.now
                    let outcome = createDeal(client, key: "\(run):\(caller):\(sequence)")
                    let elapsed = ContinuousClock.now - began
                    if let failure = outcome.failure {
                        local.failures += 1
                        if local.firstFailure == nil { local.firstFailure = failure.description }
                    } else {
                        local.latencies.append(
                            Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    }
                }
                merged.withLock { total in
                    total.latencies += local.latencies
                    total.failures += local.failures
                    if total.firstFailure == nil { total.firstFailure = local.firstFailure }
                }
                group.leave()
            }
            thread.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - start
        var result = merged.withLock { $0 }
        result.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return result
    }

    /// Empties the workspace between warm-up and run, so that a fast run stays below the sandbox's 100,000 objects.
    private static func resetSandbox(_ http: HTTPClient, baseURL: String) -> Bool {
        let root = baseURL.hasSuffix("/api/v2") ? String(baseURL.dropLast("/api/v2".count)) : baseURL
        let response = try? http.execute(HTTPClientRequest(method: "POST", url: root + "/_sandbox/reset"))
        return response?.status.code == 200
    }

    private static func percentile(_ sorted: [Double], _ fraction: Double) -> Double {
        guard !sorted.isEmpty else { return 0 }
        return sorted[min(sorted.count - 1, Int((Double(sorted.count) * fraction).rounded(.up)) - 1)]
    }
}

private struct Options {
    var baseURL = ""
    var apiKey = ""
    var callers = 1
    var duration = 10.0
    var warmup = 2.0

    init?(_ arguments: [String]) {
        var rest = arguments[...]
        while let name = rest.popFirst() {
            guard let value = rest.popFirst() else { return nil }
            switch name {
            case "--base-url": baseURL = value
            case "--api-key": apiKey = value
            case "--callers": guard let number = Int(value), number > 0 else { return nil }; callers = number
            case "--duration": guard let number = Double(value), number > 0 else { return nil }; duration = number
            case "--warmup": guard let number = Double(value), number >= 0 else { return nil }; warmup = number
            default: return nil
            }
        }
        if baseURL.isEmpty || apiKey.isEmpty { return nil }
    }
}
