/// The members of a JSON object: unique keys, kept sorted by `String`'s ordering.
///
/// A sorted array rather than a `Dictionary`: the objects Dealhook meets (webhook bodies, forms, plans) have a
/// handful of members each and are read a few times, so a binary search beats hashing every key on the way in
/// and on every lookup, one allocation per object replaces a hash table's, and the sorted order is the order
/// JSON text is written in. Keys compare as `String`s do (canonically equivalent keys are the same key), as a
/// dictionary's would.
public struct JSONObject: Sendable, Hashable {
    /// One member. A struct rather than a tuple so that the storage is `Hashable` and cheap to destroy.
    struct Member: Sendable, Hashable {
        var key: String
        var value: JSONValue
    }

    var members: [Member]

    /// An empty object.
    public init() {
        members = []
    }

    /// The members of `dictionary`.
    public init(_ dictionary: [String: JSONValue]) {
        members = dictionary.map { Member(key: $0.key, value: $0.value) }
        members.sort { $0.key < $1.key }
    }

    /// The members of `pairs`; of pairs with the same key, the last one wins (as in JSON text).
    public init(_ pairs: some Sequence<(key: String, value: JSONValue)>) {
        self.init(unsorted: pairs.map { Member(key: $0.key, value: $0.value) })
    }

    /// The members in any order, duplicates included: sorted stably, so that of equal keys the last stays.
    init(unsorted: [Member]) {
        members = unsorted
        guard members.count > 1 else { return }
        if !isStrictlySorted(members) {
            // `sort` is not promised to be stable: ties are broken by position.
            let ordered = members.indices.sorted { left, right in
                let (a, b) = (members[left].key, members[right].key)
                return a < b || (a == b && left < right)
            }
            members = ordered.map { members[$0] }
        }
        var kept = 0
        for index in members.indices {
            if kept > 0 && members[kept - 1].key == members[index].key {
                members[kept - 1] = members[index]
            } else {
                members.swapAt(kept, index)
                kept += 1
            }
        }
        members.removeSubrange(kept...)
    }

    /// The value of `key`; nil when there is none. Setting nil removes the member.
    public subscript(key: String) -> JSONValue? {
        get {
            // Not a conditional expression: its `nil` would be taken for `JSONValue`'s nil literal, `.null`.
            let position = position(of: key)
            guard position.found else { return Optional.none }
            return members[position.index].value
        }
        set {
            // Members set in key order (as a sorted source gives them) are appended without a search.
            if let value = newValue, members.last.map({ $0.key < key }) ?? true {
                members.append(Member(key: key, value: value))
                return
            }
            let position = position(of: key)
            switch (position.found, newValue) {
            case (true, let value?): members[position.index].value = value
            case (true, nil): members.remove(at: position.index)
            case (false, let value?): members.insert(Member(key: key, value: value), at: position.index)
            case (false, nil): break
            }
        }
    }

    /// Makes room for `count` members without growing the storage again.
    public mutating func reserveCapacity(_ count: Int) {
        members.reserveCapacity(count)
    }

    /// Removes the member `key`, returning its value (nil when there was none).
    @discardableResult
    public mutating func removeValue(forKey key: String) -> JSONValue? {
        let position = position(of: key)
        guard position.found else { return Optional.none }
        return members.remove(at: position.index).value
    }

    /// The keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The values, in the order of their keys.
    public var values: [JSONValue] { members.map(\.value) }

    /// The members as a dictionary.
    public var dictionary: [String: JSONValue] {
        Dictionary(uniqueKeysWithValues: members.lazy.map { ($0.key, $0.value) })
    }

    /// The object with each value transformed.
    public func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var result = self
        for index in result.members.indices { result.members[index].value = try transform(members[index].value) }
        return result
    }

    /// The members that satisfy `isIncluded`.
    public func filter(_ isIncluded: ((key: String, value: JSONValue)) throws -> Bool) rethrows -> JSONObject {
        var result = JSONObject()
        result.members = try members.filter { try isIncluded(($0.key, $0.value)) }
        return result
    }

    /// Where `key` is, or would be inserted.
    func position(of key: String) -> (index: Int, found: Bool) {
        var low = 0
        var high = members.count
        while low < high {
            let middle = (low + high) / 2
            let candidate = members[middle].key
            if candidate == key { return (middle, true) }
            if candidate < key { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }
}

/// Whether the keys are in strictly increasing order (no duplicates), the usual case for JSON we wrote ourselves.
private func isStrictlySorted(_ members: [JSONObject.Member]) -> Bool {
    var index = members.startIndex + 1
    while index < members.endIndex {
        guard members[index - 1].key < members[index].key else { return false }
        index += 1
    }
    return true
}

extension JSONObject: RandomAccessCollection {
    public typealias Element = (key: String, value: JSONValue)
    public typealias Index = Int

    public var startIndex: Int { members.startIndex }
    public var endIndex: Int { members.endIndex }
    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }

    public subscript(position: Int) -> (key: String, value: JSONValue) {
        let member = members[position]
        return (member.key, member.value)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(unsorted: elements.map { Member(key: $0.0, value: $0.1) })
    }
}

extension JSONObject: CustomStringConvertible {
    public var description: String { JSONValue.object(self).jsonText }
}
