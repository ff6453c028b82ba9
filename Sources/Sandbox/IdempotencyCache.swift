import JSON

/// The first response to each `Idempotency-Key`, kept for the retention time so that a retried POST is answered
/// without acting twice. Bounded: past `capacity` the oldest keys go first.
struct IdempotencyCache: Sendable {
    struct Entry: Sendable, Equatable {
        /// `METHOD /path` of the first request; the key may not be reused for another call.
        var call: String
        /// The first request's body; the key may not be reused with another.
        var request: JSONValue
        var status: Int
        var response: JSONValue
        /// Wall-clock seconds.
        var storedAt: Int
    }

    /// The longest key accepted.
    static let maxKeyLength = 255

    let retentionSeconds: Int
    let capacity: Int
    private var entries: [String: Entry] = [:]
    /// Keys oldest first; `head` is the first still relevant (older ones are removed lazily).
    private var order: [String] = []
    private var head = 0

    init(retentionSeconds: Int, capacity: Int) {
        self.retentionSeconds = retentionSeconds
        self.capacity = capacity
    }

    var count: Int { entries.count }

    /// The entry of `key` unless it has expired.
    func entry(_ key: String, now: Int) -> Entry? {
        guard let entry = entries[key], now - entry.storedAt < retentionSeconds else { return nil }
        return entry
    }

    mutating func store(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil { order.append(key) }
        while head < order.count {
            let oldest = order[head]
            guard let stored = entries[oldest] else {
                head += 1
                continue
            }
            guard entries.count > capacity || entry.storedAt - stored.storedAt >= retentionSeconds else { break }
            entries[oldest] = nil
            head += 1
        }
        if head > 1024 && head * 2 > order.count {
            order.removeFirst(head)
            head = 0
        }
    }

    var snapshot: JSONValue {
        .array(
            order[head...].compactMap { key in
                entries[key].map { entry in
                    [
                        "key": .string(key), "call": .string(entry.call), "request": entry.request,
                        "status": .number(Double(entry.status)), "response": entry.response,
                        "stored_at": .number(Double(entry.storedAt)),
                    ]
                }
            })
    }

    mutating func restore(_ snapshot: JSONValue) throws(SandboxError) {
        guard let stored = snapshot.arrayValue else { throw SandboxError("idempotency must be an array") }
        for item in stored {
            guard let key = item["key"]?.stringValue, let call = item["call"]?.stringValue,
                let request = item["request"],
                let status = item["status"]?.intValue, let response = item["response"],
                let storedAt = item["stored_at"]?.intValue
            else { throw SandboxError("an idempotency entry lacks key, call, request, status, response or stored_at") }
            store(key, Entry(call: call, request: request, status: status, response: response, storedAt: storedAt))
        }
    }
}
