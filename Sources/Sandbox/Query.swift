import HTTP
import JSON

/// The decoded query string of a request: `name=value` pairs, `+` and percent escapes undone.
struct Query: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(_ text: Substring?) {
        guard let text, !text.isEmpty else { return }
        for piece in text.split(separator: "&") where !piece.isEmpty {
            if let equals = piece.firstIndex(of: "=") {
                pairs.append((Self.decode(piece[..<equals]), Self.decode(piece[piece.index(after: equals)...])))
            } else {
                pairs.append((Self.decode(piece), ""))
            }
        }
    }

    /// The last value of `name`, or nil.
    subscript(name: String) -> String? { pairs.last { $0.name == name }?.value }

    /// Refuses any parameter not in `allowed` (nor accepted by `also`), naming it.
    func check(allowed: Set<String>, also: (String) -> Bool = { _ in false }) throws(APIError) {
        let unknown = pairs.map(\.name).filter { !allowed.contains($0) && !also($0) }
        guard unknown.isEmpty else {
            let expected = allowed.sorted().joined(separator: ", ")
            throw .validation(
                unknown.map { ValidationDetail(field: $0, message: "unknown query parameter; expected \(expected)") })
        }
    }

    /// Percent-decodes a query component, `+` meaning a space; malformed escapes stay as they are.
    static func decode(_ text: Substring) -> String {
        String(decoding: PercentEncoding.decode(text.utf8, plusIsSpace: true), as: UTF8.self)
    }
}

/// One page of a list and the cursor of the next, if there is one.
struct Page: Sendable {
    var items: [JSONValue]
    var nextCursor: String?
}

/// Cursor pagination over a list in a stable order: the cursor names the position of the last item returned.
struct PageRequest: Sendable {
    /// The contract's largest page.
    static let maxLimit = 100
    /// The page size when `limit` is not given.
    static let defaultLimit = 50

    var after: Int?
    var limit: Int

    /// Reads `cursor` and `limit` from `query`.
    init(_ query: Query) throws(APIError) {
        var details: [ValidationDetail] = []
        limit = Self.defaultLimit
        if let text = query["limit"] {
            if let value = Int(text), (1...Self.maxLimit).contains(value) {
                limit = value
            } else {
                details.append(.init(field: "limit", message: "must be an integer from 1 to \(Self.maxLimit)"))
            }
        }
        if let cursor = query["cursor"], !cursor.isEmpty {
            if cursor.hasPrefix("cur_"), let position = Int(cursor.dropFirst(4)), position >= 0 {
                after = position
            } else {
                details.append(.init(field: "cursor", message: "is not a cursor this API returned"))
            }
        }
        guard details.isEmpty else { throw .validation(details) }
    }

    /// The page of `items` (each with its stable position, in ascending order) after the cursor.
    func page(_ items: [(position: Int, json: JSONValue)]) -> Page {
        let remaining = items.drop { after != nil && $0.position <= after! }
        let slice = remaining.prefix(limit)
        let next = remaining.count > limit ? slice.last.map { "cur_\($0.position)" } : nil
        return Page(items: slice.map(\.json), nextCursor: next)
    }
}
