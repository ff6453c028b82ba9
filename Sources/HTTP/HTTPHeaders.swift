/// An ordered list of HTTP header fields; names compare case-insensitively (RFC 9110 §5.1).
///
/// Order and duplicates are kept as received, so that a header repeated on the wire can be refused or
/// combined by whoever reads it.
public struct HTTPHeaders: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    /// One header field as it arrived (name spelled as sent, value without surrounding whitespace).
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    private var fields: [Field]

    public init() { fields = [] }

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { Field(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    /// The number of fields, duplicates included.
    public var count: Int { fields.count }

    /// Makes room for `count` fields in all.
    mutating func reserveCapacity(_ count: Int) {
        fields.reserveCapacity(count)
    }

    /// Appends a field, keeping any earlier field of the same name.
    public mutating func add(name: String, value: String) {
        fields.append(Field(name: name, value: value))
    }

    /// Replaces every field of this name with one field holding `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name: name)
        fields.append(Field(name: name, value: value))
    }

    /// Removes every field of this name.
    public mutating func remove(name: String) {
        fields.removeAll { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// The value of the first field with this name, or nil.
    public subscript(name: String) -> String? {
        fields.first { $0.name.equalsIgnoringASCIICase(name) }?.value
    }

    /// Every value of fields with this name, in order.
    public func values(forName name: String) -> [String] {
        // One pass, and no array at all when no field matches (the usual answer for most names asked).
        var values: [String] = []
        for field in fields where field.name.equalsIgnoringASCIICase(name) { values.append(field.value) }
        return values
    }

    /// Whether a field with this name exists.
    public func contains(name: String) -> Bool {
        fields.contains { $0.name.equalsIgnoringASCIICase(name) }
    }

    /// The comma-separated list elements of every field with this name, trimmed and lower-cased
    /// (for list-valued fields such as `Connection` and `Transfer-Encoding`).
    public func tokens(forName name: String) -> [String] {
        values(forName: name).flatMap { value in
            value.split(separator: ",").map { $0.trimmingOWS().lowercased() }.filter { !$0.isEmpty }
        }
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension String {
    /// ASCII case-insensitive comparison, as header names and tokens need (no locale, no Unicode folding).
    @inlinable
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        // Most names looked up differ in length from most names present: a header lookup walks every field.
        guard utf8.count == other.utf8.count else { return false }
        // In place for native strings (the bytes of both at hand), else on copies.
        let inPlace = utf8.withContiguousStorageIfAvailable { lhs in
            other.utf8.withContiguousStorageIfAvailable { rhs in Self.bytesEqualIgnoringASCIICase(lhs, rhs) }
        }
        if let inPlace, let equal = inPlace { return equal }
        return Array(utf8).withUnsafeBufferPointer { lhs in
            Array(other.utf8).withUnsafeBufferPointer { rhs in Self.bytesEqualIgnoringASCIICase(lhs, rhs) }
        }
    }

    /// `equalsIgnoringASCIICase` on two byte buffers of the same length.
    @usableFromInline
    static func bytesEqualIgnoringASCIICase(_ lhs: UnsafeBufferPointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>)
        -> Bool
    {
        for index in 0..<lhs.count {
            let (a, b) = (lhs[index], rhs[index])
            if a == b { continue }
            let lower = a | 0x20
            if lower != b | 0x20 || lower < UInt8(ascii: "a") || lower > UInt8(ascii: "z") { return false }
        }
        return true
    }
}

extension StringProtocol {
    /// The string without leading and trailing optional whitespace (SP and HTAB, RFC 9110 §5.6.3).
    func trimmingOWS() -> String {
        let bytes = Array(self.utf8)
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}
