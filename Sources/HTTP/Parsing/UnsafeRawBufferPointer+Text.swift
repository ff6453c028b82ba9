extension UnsafeRawBufferPointer {
    /// The bytes of `range` as a string (invalid UTF-8 becomes U+FFFD).
    func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeRawBufferPointer(rebasing: self[range]), as: UTF8.self)
    }
}
