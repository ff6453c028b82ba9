/// The parts of a JSON document worth building when it is parsed: the members along some paths of object keys,
/// each kept whole where its path ends. The rest is still read and checked (the document must be valid JSON all
/// the same) but never made into values.
///
/// ```swift
/// var projection = JSONProjection.nothing
/// projection.include(["data", "object", "amount"])
/// try JSONValue(parsing: #"{"id":"e1","data":{"object":{"amount":5,"lines":[1,2]}}}"#, keeping: projection)
/// // {"data":{"object":{"amount":5}}}
/// ```
/// A webhook's templates read a few fields of a body that has dozens; building only those saves most of what
/// parsing costs (the strings, the objects, freeing them).
public struct JSONProjection: Sendable, Hashable {
    /// A member kept, with what to keep of its value. Its key is also held as UTF-8, so that the parser can
    /// compare the bytes of a key it reads without making a `String` of every key it passes over.
    struct Member: Sendable, Hashable {
        var key: String
        var utf8: [UInt8]
        var projection: JSONProjection
    }

    /// The members to keep of an object here (a handful, searched in order); nil keeps the whole value.
    var members: [Member]?

    /// Keeps everything: a plain parse.
    public static let everything = JSONProjection(members: nil)
    /// Keeps nothing but the top-level value's kind (an empty object for an object); add paths with `include`.
    public static let nothing = JSONProjection(members: [])

    /// Whether the whole document is kept.
    public var keepsEverything: Bool { members == nil }

    /// Also keeps the value at `path` (object keys from the top), whole.
    public mutating func include(_ path: some Collection<String>) {
        guard var members else { return }
        guard let key = path.first else { return self = .everything }
        if let index = members.firstIndex(where: { $0.key == key }) {
            members[index].projection.include(path.dropFirst())
        } else {
            var child = JSONProjection.nothing
            child.include(path.dropFirst())
            members.append(Member(key: key, utf8: Array(key.utf8), projection: child))
        }
        self.members = members
    }
}
