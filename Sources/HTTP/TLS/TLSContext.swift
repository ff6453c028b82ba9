import COpenSSL

/// The client's TLS settings as one OpenSSL `SSL_CTX`: TLS 1.2 or later, peer verification against the system
/// trust store plus an optional extra CA file.
///
/// Configured completely in `init` and only read afterwards: OpenSSL documents an `SSL_CTX` as safe to use from
/// several threads once it is set up (each connection gets its own `SSL` from it), which is what makes the
/// `@unchecked Sendable` sound.
final class TLSContext: @unchecked Sendable {
    private let context: OpaquePointer

    /// Why the settings could not be applied (an unreadable or invalid CA file), for `HTTPClient.init`.
    struct ConfigurationError: Error {
        var reason: String
    }

    /// Creates the context; `caFile` is a PEM file of extra trusted CA certificates (for private gateways).
    init(caFile: String?) throws(ConfigurationError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw ConfigurationError(reason: "SSL_CTX_new failed: \(TLSContext.drainErrors())")
        }
        self.context = context
        guard dealhook_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) == 1 else {
            throw ConfigurationError(reason: "cannot require TLS 1.2: \(TLSContext.drainErrors())")
        }
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard SSL_CTX_set_default_verify_paths(context) == 1 else {
            throw ConfigurationError(reason: "cannot use the system trust store: \(TLSContext.drainErrors())")
        }
        if let caFile {
            guard SSL_CTX_load_verify_locations(context, caFile, nil) == 1 else {
                throw ConfigurationError(reason: "cannot load CA file '\(caFile)': \(TLSContext.drainErrors())")
            }
        }
    }

    deinit { SSL_CTX_free(context) }

    /// Starts a TLS session over `socket` for `host` and completes the handshake by `deadline`.
    func connect(socket: ClientSocket, host: String, isIPAddress: Bool, deadline: Deadline) throws(TLSHandshakeError)
        -> TLSSession
    {
        try TLSSession(context: context, socket: socket, host: host, isIPAddress: isIPAddress, deadline: deadline)
    }

    /// OpenSSL's queued error messages for this thread, joined; the queue is emptied.
    static func drainErrors() -> String {
        var messages: [String] = []
        while case let code = ERR_get_error(), code != 0 {
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            messages.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return messages.isEmpty ? "no OpenSSL error queued" : messages.joined(separator: "; ")
    }
}
