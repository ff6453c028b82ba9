/// JSON text being written: compact UTF-8 in memory of its own, handed over as an array at the end.
///
/// Writing a plan or a JSON value appends hundreds of short pieces. An `[UInt8]` checks on every append that its
/// buffer is not shared and goes through a generic copy for every run of bytes; here an append is a capacity check
/// and a copy, and the one extra copy is the final `bytes()`.
public struct JSONOutput: ~Copyable {
    @usableFromInline var start: UnsafeMutablePointer<UInt8>
    @usableFromInline var count = 0
    @usableFromInline var capacity: Int

    /// An empty output with room for `capacity` bytes before it grows.
    public init(capacity: Int) {
        self.capacity = Swift.max(capacity, 16)
        start = .allocate(capacity: self.capacity)
    }

    deinit { start.deallocate() }

    /// The bytes written so far.
    public var byteCount: Int { count }

    /// The text written, as an array of exactly its bytes.
    public consuming func bytes() -> [UInt8] {
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.baseAddress!.initialize(from: start, count: count)
            initialized = count
        }
    }

    /// The text written, as a string.
    public consuming func text() -> String {
        guard count > 0 else { return "" }
        return String(unsafeUninitializedCapacity: count) { buffer in
            buffer.baseAddress!.initialize(from: start, count: count)
            return count
        }
    }

    /// Appends one byte of JSON syntax (`,`, `:`, a bracket or a quote).
    @inlinable
    public mutating func append(_ byte: UInt8) {
        if count == capacity { grow(toHold: count + 1) }
        (start + count).initialize(to: byte)
        count += 1
    }

    /// Appends `bytes` as they are.
    @inlinable
    mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        if capacity - count < bytes.count { grow(toHold: count + bytes.count) }
        (start + count).initialize(from: source, count: bytes.count)
        count += bytes.count
    }

    /// Appends `literal`, JSON text written in code (`{"id":`), as it is.
    @inlinable
    public mutating func append(literal: StaticString) {
        literal.withUTF8Buffer { append($0) }
    }

    /// Appends `text` as a JSON string, quoted and escaped as `JSONValue.jsonBytes` writes strings.
    public mutating func append(string text: String) {
        JSONWriter.writeString(text, into: &self)
    }

    /// Appends `value`'s compact JSON, object keys in sorted order.
    public mutating func append(json value: JSONValue) {
        JSONWriter.write(value, into: &self)
    }

    /// Moves the bytes to a buffer that holds at least `needed`, doubling at least.
    @usableFromInline
    mutating func grow(toHold needed: Int) {
        let newCapacity = Swift.max(needed, capacity * 2)
        let newStart = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newStart.moveInitialize(from: start, count: count)
        start.deallocate()
        start = newStart
        capacity = newCapacity
    }
}
