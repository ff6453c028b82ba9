/// Limits of the request head; every one has a default.
///
/// The same limits bound the trailer section of a chunked body.
public struct HTTPParserLimits: Sendable, Equatable {
    /// The longest request line accepted, in bytes, not counting its CRLF; a longer one is refused with 414.
    public var maxRequestLineLength: Int
    /// The largest header (or trailer) section accepted, in bytes: every field line with its CRLF, not counting
    /// the request line or the empty line that ends the section. A larger one is refused with 431.
    public var maxHeaderBytes: Int
    /// The most header (or trailer) fields accepted; one more is refused with 431.
    public var maxHeaderCount: Int

    /// Creates limits; the defaults are 8 KiB for the request line, 64 KiB and 100 fields for the header section.
    public init(maxRequestLineLength: Int = 8 * 1024, maxHeaderBytes: Int = 64 * 1024, maxHeaderCount: Int = 100) {
        self.maxRequestLineLength = maxRequestLineLength
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
    }
}
