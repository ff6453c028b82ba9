import COpenSSL

/// Message digests over byte arrays, computed by OpenSSL.
public enum Digest {
    /// The SHA-256 digest of `bytes` (32 bytes).
    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        hash(bytes, using: .sha256)
    }

    /// The digest of `bytes` under `hashFunction`: `hashFunction.digestLength` bytes.
    public static func hash(_ bytes: [UInt8], using hashFunction: HashFunction) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let input = bytes.isEmpty ? [0] : bytes
        let result = input.withUnsafeBytes { inputBuffer in
            output.withUnsafeMutableBufferPointer { outputBuffer in
                EVP_Digest(
                    inputBuffer.baseAddress, bytes.count, outputBuffer.baseAddress, &length,
                    hashFunction.evpMessageDigest, nil)
            }
        }
        precondition(result == 1 && Int(length) == hashFunction.digestLength, "OpenSSL EVP_Digest failed")
        return Array(output.prefix(Int(length)))
    }
}
