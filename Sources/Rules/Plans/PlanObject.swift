/// The members of a plan's object that holds a reference somewhere inside: unique keys, kept sorted by `String`'s
/// ordering, the order its JSON is written in.
///
/// A sorted array rather than a dictionary, as `JSONObject` is: planning builds one for each such object of each
/// event from members the config already holds in key order, so there is nothing to hash and nothing to sort.
public struct PlanObject: Sendable, Hashable, ExpressibleByDictionaryLiteral {
    /// One member.
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: PlanValue
    }

    /// The members in key order.
    public private(set) var members: [Member]

    /// Members whose keys are unique and already in order, as the planner and `JSONObject` hold them.
    init(sorted members: [Member]) {
        assert(zip(members, members.dropFirst()).allSatisfy { $0.key < $1.key }, "plan object members out of order")
        self.members = members
    }

    /// The members of `pairs`; of pairs with the same key, the last one wins.
    public init(_ pairs: some Sequence<(key: String, value: PlanValue)>) {
        var byKey: [String: PlanValue] = [:]
        for (key, value) in pairs { byKey[key] = value }
        self.init(sorted: byKey.map { Member(key: $0.key, value: $0.value) }.sorted { $0.key < $1.key })
    }

    public init(dictionaryLiteral elements: (String, PlanValue)...) {
        self.init(elements.lazy.map { (key: $0.0, value: $0.1) })
    }

    /// The value of `key`; nil when there is none.
    public subscript(key: String) -> PlanValue? {
        // A handful of members: a scan is as quick as a search, and simpler.
        members.first { $0.key == key }?.value
    }

    /// The same keys with each value transformed.
    func mapValues<Value>(_ transform: (PlanValue) -> Value) -> [(key: String, value: Value)] {
        members.map { (key: $0.key, value: transform($0.value)) }
    }
}
