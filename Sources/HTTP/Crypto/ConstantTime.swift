import COpenSSL

/// Comparisons whose duration does not depend on where the inputs differ, for secrets and signatures.
public enum ConstantTime {
    /// Whether `lhs` and `rhs` hold the same bytes.
    ///
    /// The time taken depends only on the lengths: a length mismatch returns at once (lengths of digests are
    /// public), equal lengths are compared in full with OpenSSL's `CRYPTO_memcmp`.
    public static func equals(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        guard !lhs.isEmpty else { return true }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}
