import COpenSSL

/// HMAC (RFC 2104) over byte arrays, computed by OpenSSL.
///
/// ```swift
/// let code = HMAC.authenticationCode(for: Array("Hello, World!".utf8), key: Array("key".utf8), using: .sha256)
/// ```
public enum HMAC {
    /// The authentication code of `message` under `key`: `hashFunction.digestLength` bytes.
    public static func authenticationCode(for message: [UInt8], key: [UInt8], using hashFunction: HashFunction)
        -> [UInt8]
    {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // An empty array may have no storage; OpenSSL is given a valid pointer and a zero length instead.
        let keyBytes = key.isEmpty ? [0] : key
        let messageBytes = message.isEmpty ? [0] : message
        let result = keyBytes.withUnsafeBytes { keyBuffer in
            messageBytes.withUnsafeBytes { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    COpenSSL.HMAC(
                        hashFunction.evpMessageDigest, keyBuffer.baseAddress, Int32(key.count),
                        messageBuffer.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                        outputBuffer.baseAddress, &length)
                }
            }
        }
        // HMAC fails only when OpenSSL cannot allocate or the digest is unavailable: nothing to recover from.
        precondition(result != nil && Int(length) == hashFunction.digestLength, "OpenSSL HMAC failed")
        return Array(output.prefix(Int(length)))
    }
}
