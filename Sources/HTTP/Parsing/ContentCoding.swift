/// A content coding that `ContentDecoder.encode` can produce (RFC 9110 §8.4.1).
public enum ContentCoding: String, Sendable {
    /// The gzip file format (RFC 1952).
    case gzip
    /// The zlib data format (RFC 1950), which HTTP calls "deflate".
    case deflate
}
