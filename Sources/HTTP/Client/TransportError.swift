import Glibc

/// Why a read or write on a client connection failed; `HTTPClient` turns it into an `HTTPClientError` that
/// names the server, the phase and whether the request had been sent.
enum TransportError: Error, Sendable {
    /// The deadline passed while waiting for the socket.
    case timedOut
    /// The peer reset the connection or stopped reading (`ECONNRESET`, `EPIPE`).
    case reset(errno: Int32)
    /// The peer closed a TLS connection without `close_notify`: whatever was being read may be truncated.
    case uncleanClose
    /// A system call failed for another reason.
    case system(operation: String, errno: Int32)
    /// TLS failed after the handshake (a protocol error); OpenSSL's reason.
    case tls(String)

    /// Whether the connection was lost (the server closed or reset it), as opposed to timing out or breaking.
    var isConnectionLoss: Bool {
        switch self {
        case .reset, .uncleanClose: true
        case .timedOut, .system, .tls: false
        }
    }

    /// What happened, for error messages.
    var reason: String {
        switch self {
        case .timedOut: "timed out"
        case .reset(let code): "connection lost (\(String(cString: strerror(code))))"
        case .uncleanClose: "TLS connection closed without close_notify"
        case .system(let operation, let code): "\(operation) failed: \(String(cString: strerror(code)))"
        case .tls(let reason): "TLS error: \(reason)"
        }
    }

    /// The error for a failed `send`/`recv`: `reset` for the errors of a peer that has gone.
    static func socket(_ operation: String, errno code: Int32) -> TransportError {
        switch code {
        case ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH: .reset(errno: code)
        default: .system(operation: operation, errno: code)
        }
    }
}
