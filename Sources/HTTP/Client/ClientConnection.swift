/// One connection to one server, plain or TLS, with the buffer its responses are read into.
///
/// Lives in the pool while idle and with one caller while leased; closed (socket and TLS session freed) when
/// the last reference goes.
final class ClientConnection {
    let transport: any ClientTransport
    /// Whether it has served a request already (a reused connection may turn out stale).
    var requestsServed = 0
    let readBuffer: UnsafeMutableRawBufferPointer

    /// Bytes read from the socket at a time.
    static let readBufferSize = 16 * 1024

    init(transport: any ClientTransport) {
        self.transport = transport
        readBuffer = .allocate(byteCount: Self.readBufferSize, alignment: 16)
    }

    deinit { readBuffer.deallocate() }
}
