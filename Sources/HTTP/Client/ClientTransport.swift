/// A byte stream to one server: a plain TCP socket or a TLS session over one.
///
/// Used by one thread at a time (the pool hands a connection to one caller); not `Sendable`.
protocol ClientTransport: AnyObject {
    /// Writes some of `bytes` (at least one), waiting for the socket as needed; returns how many were written.
    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int
    /// Reads what is available into `buffer`, waiting for at least one byte; returns 0 at a clean end of stream.
    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int
    /// Whether an idle connection can no longer be used: the peer closed it, reset it, or sent unasked bytes.
    /// Never blocks.
    func isStale() -> Bool
}
