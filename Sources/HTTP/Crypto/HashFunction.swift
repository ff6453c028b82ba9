import COpenSSL

/// A hash function that HMACs and digests are computed with.
public enum HashFunction: String, Sendable, Hashable, CaseIterable {
    case sha1
    case sha256
    case sha512

    /// The length of a digest, in bytes.
    public var digestLength: Int {
        switch self {
        case .sha1: 20
        case .sha256: 32
        case .sha512: 64
        }
    }

    /// OpenSSL's static description of the function (not to be freed).
    var evpMessageDigest: OpaquePointer {
        switch self {
        case .sha1: EVP_sha1()
        case .sha256: EVP_sha256()
        case .sha512: EVP_sha512()
        }
    }

    /// The digest's name for OpenSSL's parameter lists.
    var openSSLName: String {
        switch self {
        case .sha1: "SHA1"
        case .sha256: "SHA256"
        case .sha512: "SHA512"
        }
    }
}
