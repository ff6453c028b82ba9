import HTTP
import JSON

/// The failures the sandbox injects, set at run time through `POST /_sandbox/faults`; all zero by default.
///
/// Each API request first draws one number: below `errorRate` it gets a 500, 502 or 503; then, within the next
/// `rateLimitedRate`, a 429; then, within the next `hangRate`, no answer for `SandboxConfiguration.hangDuration`.
/// None of these acts. A request that changes the workspace is then, with `resetAfterCommitRate`, answered by a
/// connection reset after the change was committed. `latencyMilliseconds` delays every answer.
public struct FaultSettings: Sendable, Equatable {
    public var errorRate: Double
    public var rateLimitedRate: Double
    public var hangRate: Double
    public var resetAfterCommitRate: Double
    public var latencyMilliseconds: Int
    /// Route templates (`POST /deals`, `POST /deals/{id}/stage`) the faults apply to; empty means every route.
    public var routes: [String]

    /// The most latency that may be asked for.
    public static let maxLatencyMilliseconds = 60_000

    public init(
        errorRate: Double = 0, rateLimitedRate: Double = 0, hangRate: Double = 0, resetAfterCommitRate: Double = 0,
        latencyMilliseconds: Int = 0, routes: [String] = []
    ) {
        self.errorRate = errorRate
        self.rateLimitedRate = rateLimitedRate
        self.hangRate = hangRate
        self.resetAfterCommitRate = resetAfterCommitRate
        self.latencyMilliseconds = latencyMilliseconds
        self.routes = routes
    }

    /// The settings of a `POST /_sandbox/faults` body; missing members are zero. `seed` is returned apart.
    static func parse(_ body: JSONValue?) throws(APIError) -> (FaultSettings, seed: UInt64?) {
        let input = try InputValidator.object(body)
        var details: [ValidationDetail] = []
        let rates = ["error_rate", "rate_limited_rate", "hang_rate", "reset_after_commit_rate"]
        let known = rates + ["latency_ms", "seed", "routes"]
        for name in input.keys.sorted() where !known.contains(name) {
            details.append(.init(field: name, message: "unknown field; expected \(known.joined(separator: ", "))"))
        }
        var values: [String: Double] = [:]
        for name in rates {
            guard let value = input[name] else { continue }
            if let number = value.numberValue, (0...1).contains(number) {
                values[name] = number
            } else {
                details.append(.init(field: name, message: "must be a probability from 0 to 1"))
            }
        }
        var settings = FaultSettings(
            errorRate: values["error_rate"] ?? 0, rateLimitedRate: values["rate_limited_rate"] ?? 0,
            hangRate: values["hang_rate"] ?? 0, resetAfterCommitRate: values["reset_after_commit_rate"] ?? 0)
        if settings.errorRate + settings.rateLimitedRate + settings.hangRate > 1 + 1e-9 {
            details.append(
                .init(field: "error_rate", message: "error_rate + rate_limited_rate + hang_rate must not exceed 1"))
        }
        if let value = input["latency_ms"] {
            if let number = value.intValue, (0...maxLatencyMilliseconds).contains(number) {
                settings.latencyMilliseconds = number
            } else {
                details.append(
                    .init(field: "latency_ms", message: "must be an integer from 0 to \(maxLatencyMilliseconds)"))
            }
        }
        if let value = input["routes"] {
            let names = value.arrayValue?.compactMap(\.stringValue)
            if let names, names.count == value.arrayValue?.count {
                for (index, name) in names.enumerated() where Endpoint(rawValue: name) == nil {
                    details.append(
                        .init(field: "routes[\(index)]", message: "'\(name)' is not a route such as POST /deals"))
                }
                settings.routes = names
            } else {
                details.append(
                    .init(field: "routes", message: "must be an array of route templates such as POST /deals"))
            }
        }
        var seed: UInt64?
        if let value = input["seed"] {
            if let number = value.intValue, number >= 0 {
                seed = UInt64(number)
            } else {
                details.append(.init(field: "seed", message: "must be a non-negative integer"))
            }
        }
        guard details.isEmpty else { throw .validation(details) }
        return (settings, seed)
    }

    var json: JSONValue {
        [
            "error_rate": .number(errorRate), "rate_limited_rate": .number(rateLimitedRate),
            "hang_rate": .number(hangRate),
            "reset_after_commit_rate": .number(resetAfterCommitRate),
            "latency_ms": .number(Double(latencyMilliseconds)),
            "routes": .array(routes.map(JSONValue.string)),
        ]
    }

    /// What happens to one request of `endpoint`.
    func draw(for endpoint: Endpoint, dice: inout FaultDice) -> FaultPlan {
        guard routes.isEmpty || routes.contains(endpoint.rawValue) else { return FaultPlan() }
        var plan = FaultPlan(latencyMilliseconds: latencyMilliseconds)
        let roll = dice.next()
        if roll < errorRate {
            plan.failure = .error(
                [HTTPStatus.internalServerError, HTTPStatus(code: 502), .serviceUnavailable][dice.index(3)])
        } else if roll < errorRate + rateLimitedRate {
            plan.failure = .rateLimited
        } else if roll < errorRate + rateLimitedRate + hangRate {
            plan.failure = .hang
        }
        plan.resetAfterCommit = endpoint.isWrite && resetAfterCommitRate > 0 && dice.next() < resetAfterCommitRate
        return plan
    }
}

/// The faults drawn for one request.
struct FaultPlan: Sendable {
    enum Failure: Sendable, Equatable {
        case error(HTTPStatus)
        case rateLimited
        case hang
    }

    var latencyMilliseconds = 0
    /// A failure instead of acting, or nil to act.
    var failure: Failure?
    /// Reset the connection instead of answering, once the change is committed.
    var resetAfterCommit = false
}

/// A small seeded random generator (SplitMix64), so that a seed gives the same faults in the same order.
struct FaultDice: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func nextBits() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func next() -> Double { Double(nextBits() >> 11) / Double(1 << 53) }

    /// Uniform in 0..<count.
    mutating func index(_ count: Int) -> Int { Int(nextBits() % UInt64(count)) }
}
