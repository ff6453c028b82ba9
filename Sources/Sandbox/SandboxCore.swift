import HTTP
import JSON
import Logging
import Synchronization

/// The sandbox's changing state behind one lock: the workspace, keys, idempotency keys, rate-limit buckets,
/// faults and stats. Every call runs under the lock from start to end, so that calls are atomic (an idempotency
/// key is looked up, acted on and stored in one step).
final class SandboxCore: Sendable {
    struct State: Sendable {
        var workspace: Workspace
        var idempotency: IdempotencyCache
        var limiter: RateLimiter?
        var keys: [String]
        var faults = FaultSettings()
        var seed: UInt64
        var dice: FaultDice
        var stats = SandboxStats()
    }

    let configuration: SandboxConfiguration
    let logger: Logger
    private let state: Mutex<State>
    private let dataFile: DataFile?

    init(configuration: SandboxConfiguration, logger: Logger) throws(SandboxError) {
        self.configuration = configuration
        self.logger = logger
        var initial = Self.freshState(configuration)
        if let path = configuration.dataFile {
            let file = DataFile(path: path, logger: logger)
            try file.load(into: &initial.workspace, &initial.idempotency)
            dataFile = file
        } else {
            dataFile = nil
        }
        state = Mutex(initial)
    }

    private static func freshState(_ configuration: SandboxConfiguration) -> State {
        // 53 bits, so that the seed survives a trip through a JSON number.
        let seed = (configuration.faultSeed ?? UInt64(truncatingIfNeeded: MonotonicClock.now())) & ((1 << 53) - 1)
        return State(
            workspace: Workspace(maxObjects: configuration.maxObjects),
            idempotency: IdempotencyCache(
                retentionSeconds: Int(configuration.idempotencyRetention.components.seconds),
                capacity: configuration.maxIdempotencyKeys),
            limiter: configuration.rateLimit.map {
                RateLimiter(policy: $0, maxBuckets: configuration.maxRateLimitBuckets)
            },
            keys: [configuration.apiKey], seed: seed, dice: FaultDice(seed: seed))
    }

    /// Waits for pending writes of the data file.
    func flush() { dataFile?.flush() }

    // MARK: The API path

    /// What to do with an API request before it acts.
    enum Admission {
        /// Answer at once with this reply (an error).
        case reply(APIReply)
        /// Go on with the call, with the faults drawn for it.
        case proceed(Endpoint, id: String?, plan: FaultPlan)
    }

    /// Rate limit, authentication, route and fault draw, in that order. `headers` are the rate-limit headers
    /// every answer carries.
    func admit(_ head: HTTPRequestHead, lookup: Endpoint.Lookup, remoteAddress: String) -> (Admission, HTTPHeaders) {
        let token = Self.bearerToken(head.headers)
        return state.withLock { state in
            let authorized = token.map(state.keys.contains) ?? false
            var headers = HTTPHeaders()
            if var limiter = state.limiter {
                let decision = limiter.take(
                    authorized ? "key \(token!)" : "address \(remoteAddress)", now: MonotonicClock.now())
                state.limiter = limiter
                headers = decision.headers
                if !decision.allowed {
                    headers.add(name: "Retry-After", value: String(decision.retryAfterSeconds))
                    return (.reply(Self.rateLimited), headers)
                }
            }
            guard authorized else { return (.reply(APIError.unauthorized.reply), headers) }
            switch lookup {
            case .notFound:
                return (
                    .reply(APIError.notFound("no route \(head.method) \(head.path); see docs/teamopipe-api.md").reply),
                    headers
                )
            case .methodNotAllowed(let allow):
                var error = APIError(
                    status: .methodNotAllowed, code: "method_not_allowed",
                    message: "\(head.path) answers \(allow.joined(separator: ", ")), not \(head.method)")
                error.headers = ["Allow": allow.joined(separator: ", ")]
                return (.reply(error.reply), headers)
            case .found(let endpoint, let id):
                return (.proceed(endpoint, id: id, plan: state.faults.draw(for: endpoint, dice: &state.dice)), headers)
            }
        }
    }

    static let rateLimited = APIError(
        status: .tooManyRequests, code: "rate_limited",
        message: "too many requests; retry after the time in Retry-After"
    ).reply

    /// Carries out a call, replaying the first answer of a repeated `Idempotency-Key`. Returns the reply and
    /// whether the workspace changed.
    func execute(_ endpoint: Endpoint, id: String?, request: HTTPRequest) -> (APIReply, changed: Bool) {
        var body: JSONValue?
        if endpoint.isWrite && !request.body.isEmpty {
            do {
                body = try JSONValue(parsing: request.body)
            } catch {
                let error = APIError(
                    status: .badRequest, code: "invalid_json", message: "the body is not JSON: \(error.description)")
                return (error.reply, false)
            }
        }
        let query = Query(request.head.query)
        var idempotencyKey: String?
        if request.head.method == "POST", let key = request.head.headers["Idempotency-Key"] {
            guard (1...IdempotencyCache.maxKeyLength).contains(key.utf8.count) else {
                return (
                    APIError.badRequest("Idempotency-Key must be 1 to \(IdempotencyCache.maxKeyLength) bytes").reply,
                    false
                )
            }
            idempotencyKey = key
        }
        let call = "\(request.head.method) \(request.head.path)"
        return state.withLock { state in
            let now = state.workspace.clock()
            if let idempotencyKey, let entry = state.idempotency.entry(idempotencyKey, now: now) {
                guard entry.call == call, entry.request == body ?? .null else {
                    let error = APIError(
                        status: HTTPStatus(code: 409), code: "idempotency_key_reused",
                        message:
                            "Idempotency-Key '\(idempotencyKey)' was first used for \(entry.call) with another body")
                    return (error.reply, false)
                }
                return (
                    APIReply(
                        status: HTTPStatus(code: entry.status), body: entry.response,
                        headers: ["Idempotent-Replayed": "true"]), false
                )
            }
            var outcome: Outcome
            do throws(APIError) {
                outcome = try state.workspace.perform(endpoint, id: id, query: query, body: body)
            } catch {
                outcome = Outcome(reply: error.reply, changed: false)
            }
            if let idempotencyKey {
                state.idempotency.store(
                    idempotencyKey,
                    .init(
                        call: call, request: body ?? .null, status: outcome.reply.status.code,
                        response: outcome.reply.body, storedAt: now))
            }
            if outcome.changed || idempotencyKey != nil {
                dataFile?.save(state.workspace, state.idempotency)
            }
            return (outcome.reply, outcome.changed)
        }
    }

    /// Counts one answered request.
    func record(_ route: String, _ outcome: String) {
        state.withLock { $0.stats.record(route, outcome) }
    }

    static func bearerToken(_ headers: HTTPHeaders) -> String? {
        guard let value = headers["Authorization"], value.count > 7, value.prefix(7).lowercased() == "bearer " else {
            return nil
        }
        return String(value.dropFirst(7)).trimmingCharacters(in: " ")
    }

    // MARK: The control path (`/_sandbox`)

    var faults: (FaultSettings, seed: UInt64) { state.withLock { ($0.faults, $0.seed) } }

    func setFaults(_ faults: FaultSettings, seed: UInt64?) {
        state.withLock { state in
            state.faults = faults
            if let seed {
                state.seed = seed
                state.dice = FaultDice(seed: seed)
            }
        }
    }

    var stats: JSONValue {
        state.withLock { ["requests": $0.stats.json, "objects": $0.workspace.objectCounts] }
    }

    /// Back to the seeded workspace: objects, idempotency keys, stats, rate-limit buckets, keys and faults.
    func reset() {
        state.withLock { state in
            state = Self.freshState(configuration)
            dataFile?.save(state.workspace, state.idempotency)
        }
    }

    var keys: [String] { state.withLock { $0.keys } }

    /// Adds `key` (or a new random one) to the valid keys, or nil when `maxAPIKeys` are there already.
    func addKey(_ key: String?) -> String? {
        let key = key ?? Self.randomKey()
        return state.withLock { state in
            if state.keys.contains(key) { return key }
            guard state.keys.count < configuration.maxAPIKeys else { return nil }
            state.keys.append(key)
            return key
        }
    }

    /// Revokes `key`; false when it was not valid.
    func revokeKey(_ key: String) -> Bool {
        state.withLock { state in
            guard let index = state.keys.firstIndex(of: key) else { return false }
            state.keys.remove(at: index)
            return true
        }
    }

    /// Revokes every key and makes `key` (or a new random one) the only valid one.
    func rotateKeys(to key: String?) -> String {
        let key = key ?? Self.randomKey()
        state.withLock { $0.keys = [key] }
        return key
    }

    private static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let hex = (0..<4).map { _ in
            let text = String(generator.next() as UInt64, radix: 16)
            return String(repeating: "0", count: 16 - text.count) + text
        }
        return "sbx_" + hex.joined()
    }
}

extension String {
    fileprivate func trimmingCharacters(in character: Character) -> String {
        String(drop { $0 == character }.reversed().drop { $0 == character }.reversed())
    }
}
