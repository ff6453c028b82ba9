/// Why a TLS handshake failed.
enum TLSHandshakeError: Error {
    /// The server's certificate did not verify; `problem` classifies OpenSSL's verify result, `reason` is its text
    /// (`X509_verify_cert_error_string`).
    case certificate(CertificateProblem, reason: String)
    /// The handshake failed for another reason (protocol version, cipher, alert from the peer); OpenSSL's reason.
    case protocolFailure(String)
    /// The transport failed: timeout, reset, close.
    case transport(TransportError)
    /// The server closed the connection during the handshake.
    case closed

    /// The classes of certificate verification failure a caller may want to tell apart.
    enum CertificateProblem {
        case hostnameMismatch
        case expired
        case untrusted
        case other
    }
}
