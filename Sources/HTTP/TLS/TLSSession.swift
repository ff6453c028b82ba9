import COpenSSL
import Glibc

/// One TLS client session (an OpenSSL `SSL`) over a non-blocking socket; the socket lives as long as the session.
///
/// Used by one thread at a time, like every `ClientTransport`.
final class TLSSession: ClientTransport {
    private let ssl: OpaquePointer
    private let socket: ClientSocket

    /// Sets up SNI and host-name (or IP address) verification for `host`, then runs the handshake.
    init(context: OpaquePointer, socket: ClientSocket, host: String, isIPAddress: Bool, deadline: Deadline)
        throws(TLSHandshakeError)
    {
        ERR_clear_error()
        guard let ssl = SSL_new(context) else { throw .protocolFailure("SSL_new: \(TLSContext.drainErrors())") }
        self.ssl = ssl
        self.socket = socket
        guard SSL_set_fd(ssl, socket.fileDescriptor) == 1 else {
            throw .protocolFailure("SSL_set_fd: \(TLSContext.drainErrors())")
        }
        if isIPAddress {
            // No SNI for addresses (RFC 6066 §3); the certificate must name the IP in its subjectAltName.
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1 else {
                throw .protocolFailure("cannot verify IP address '\(host)': \(TLSContext.drainErrors())")
            }
        } else {
            guard dealhook_SSL_set_tlsext_host_name(ssl, host) == 1 else {
                throw .protocolFailure("cannot send SNI '\(host)': \(TLSContext.drainErrors())")
            }
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard SSL_set1_host(ssl, host) == 1 else {
                throw .protocolFailure("cannot verify host name '\(host)': \(TLSContext.drainErrors())")
            }
        }
        try handshake(deadline: deadline)
    }

    deinit {
        SSL_free(ssl)
    }

    private func handshake(deadline: Deadline) throws(TLSHandshakeError) {
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            let savedErrno = errno
            if result == 1 { return }
            let code = SSL_get_error(ssl, result)
            switch code {
            case SSL_ERROR_WANT_READ: try waitDuringHandshake(for: POLLIN, deadline: deadline)
            case SSL_ERROR_WANT_WRITE: try waitDuringHandshake(for: POLLOUT, deadline: deadline)
            case SSL_ERROR_ZERO_RETURN: throw .closed
            case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
                if savedErrno == 0 { throw .closed }
                throw .transport(.socket("TLS handshake", errno: savedErrno))
            default:
                throw verificationFailure() ?? .protocolFailure(TLSContext.drainErrors())
            }
        }
    }

    private func waitDuringHandshake(for events: Int32, deadline: Deadline) throws(TLSHandshakeError) {
        do {
            try deadline.wait(for: socket.fileDescriptor, events: events)
        } catch {
            throw .transport(error)
        }
    }

    /// The certificate verification failure behind a failed handshake, if that is what failed.
    private func verificationFailure() -> TLSHandshakeError? {
        let result = Int32(SSL_get_verify_result(ssl))
        guard result != X509_V_OK else { return nil }
        ERR_clear_error()
        let reason = String(cString: X509_verify_cert_error_string(Int(result)))
        let problem: TLSHandshakeError.CertificateProblem
        switch result {
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH:
            problem = .hostnameMismatch
        case X509_V_ERR_CERT_HAS_EXPIRED:
            problem = .expired
        case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT,
            X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE, X509_V_ERR_CERT_UNTRUSTED:
            problem = .untrusted
        default:
            problem = .other
        }
        return .certificate(problem, reason: "\(reason) (X509 verify error \(result))")
    }

    func write(_ bytes: UnsafeRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        // Without SSL_MODE_ENABLE_PARTIAL_WRITE, SSL_write reports success only once all of `bytes` went out;
        // after WANT_READ/WANT_WRITE it is called again with the same buffer, as OpenSSL requires.
        let count = Int32(clamping: bytes.count)
        while true {
            ERR_clear_error()
            let result = SSL_write(ssl, bytes.baseAddress, count)
            if result > 0 { return Int(result) }
            try wait(after: result, operation: "SSL_write", deadline: deadline)
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer, deadline: Deadline) throws(TransportError) -> Int {
        let count = Int32(clamping: buffer.count)
        while true {
            ERR_clear_error()
            let result = SSL_read(ssl, buffer.baseAddress, count)
            if result > 0 { return Int(result) }
            if SSL_get_error(ssl, result) == SSL_ERROR_ZERO_RETURN { return 0 }
            try wait(after: result, operation: "SSL_read", deadline: deadline)
        }
    }

    func isStale() -> Bool {
        // A readable idle TLS socket may only carry records the server sends unasked after the handshake (TLS 1.3
        // session tickets); read them: any application data, close or error makes the connection stale.
        guard socket.isReadable() else { return false }
        var byte: UInt8 = 0
        ERR_clear_error()
        let result = SSL_read(ssl, &byte, 1)
        if result > 0 { return true }
        let code = SSL_get_error(ssl, result)
        ERR_clear_error()
        return code != SSL_ERROR_WANT_READ
    }

    /// Waits as a failed `SSL_read`/`SSL_write` asks, or throws what went wrong.
    private func wait(after result: Int32, operation: String, deadline: Deadline) throws(TransportError) {
        let savedErrno = errno
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ:
            try deadline.wait(for: socket.fileDescriptor, events: POLLIN)
        case SSL_ERROR_WANT_WRITE:
            try deadline.wait(for: socket.fileDescriptor, events: POLLOUT)
        case SSL_ERROR_SYSCALL where ERR_peek_error() == 0:
            if savedErrno == 0 { throw .uncleanClose }
            throw .socket(operation, errno: savedErrno)
        case SSL_ERROR_SSL where dealhook_ERR_is_unexpected_eof(ERR_peek_error()) != 0:
            ERR_clear_error()
            throw .uncleanClose
        default:
            throw .tls("\(operation): \(TLSContext.drainErrors())")
        }
    }
}
