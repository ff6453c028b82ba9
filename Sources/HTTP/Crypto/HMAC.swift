import COpenSSL
import Synchronization

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

extension HMAC {
    /// A secret made ready for many messages: OpenSSL keys one context per hash function once, and each code
    /// starts from a copy of it, or from a context that finished an earlier code and was reset, instead of looking
    /// the algorithm up and hashing the key anew for every message (a third of the cost of verifying a webhook of a
    /// few hundred bytes).
    ///
    /// ```swift
    /// let key = HMAC.Key(Array("whsec_…".utf8))
    /// let code = key.authenticationCode(for: message, using: .sha256)
    /// ```
    /// Codes equal `HMAC.authenticationCode(for:key:using:)`'s. Safe to share between threads.
    public final class Key: @unchecked Sendable {
        // @unchecked: the keyed contexts are written only by `init` and freed by `deinit`; codes are computed on
        // copies, and copying only reads the original. A spare context is used by one caller at a time: it is
        // taken out of `spare` under its lock, and put back when done.
        private let keyed: [OpaquePointer]

        /// Contexts that computed a code and were then reset to the keyed state (with no key given,
        /// `EVP_MAC_init` starts a new message under the same key), one list per hash function. Taking one spares
        /// the copy of `keyed`, several allocations in OpenSSL, that each code would otherwise make and free.
        private let spare: Mutex<[[SpareContext]]>

        /// A context handed between threads through `spare`. @unchecked: only the caller that took it uses it.
        private struct SpareContext: @unchecked Sendable {
            let pointer: OpaquePointer
        }

        /// Spare contexts kept per hash function: about as many as threads verify at once.
        private static let spareLimit = 16

        /// OpenSSL's HMAC implementation, looked up once for the process. nonisolated(unsafe): an `EVP_MAC` is
        /// immutable once fetched and OpenSSL allows its use from any thread.
        nonisolated(unsafe) private static let algorithm: OpaquePointer? = EVP_MAC_fetch(nil, "HMAC", nil)

        public init(_ key: [UInt8]) {
            // An empty array may have no storage; OpenSSL is given a valid pointer and a zero length instead.
            let keyBytes = key.isEmpty ? [0] : key
            keyed = HashFunction.allCases.map { function in
                let context = Self.algorithm.flatMap { EVP_MAC_CTX_new($0) }
                let ready = keyBytes.withUnsafeBufferPointer { buffer in
                    context.map { dealhook_EVP_MAC_init_hmac($0, buffer.baseAddress, key.count, function.openSSLName) }
                }
                // Fails only when OpenSSL cannot allocate or lacks SHA-1/2: nothing to recover from.
                precondition(ready == 1, "OpenSSL could not key an HMAC context")
                return context!
            }
            spare = Mutex(Array(repeating: [], count: HashFunction.allCases.count))
        }

        deinit {
            for context in keyed { EVP_MAC_CTX_free(context) }
            spare.withLock { lists in
                for spare in lists.joined() { EVP_MAC_CTX_free(spare.pointer) }
            }
        }

        /// The authentication code of `message`: `hashFunction.digestLength` bytes.
        public func authenticationCode(for message: [UInt8], using hashFunction: HashFunction) -> [UInt8] {
            let function = HashFunction.allCases.firstIndex(of: hashFunction)!
            let reused = spare.withLock { $0[function].popLast()?.pointer }
            guard let context = reused ?? EVP_MAC_CTX_dup(keyed[function]) else {
                preconditionFailure("OpenSSL could not copy an HMAC context")
            }
            defer {
                let kept =
                    EVP_MAC_init(context, nil, 0, nil) == 1
                    && spare.withLock { lists in
                        guard lists[function].count < Self.spareLimit else { return false }
                        lists[function].append(SpareContext(pointer: context))
                        return true
                    }
                if !kept { EVP_MAC_CTX_free(context) }
            }
            var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
            var length = 0
            let messageBytes = message.isEmpty ? [0] : message
            let result = messageBytes.withUnsafeBufferPointer { messageBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    EVP_MAC_update(context, messageBuffer.baseAddress, message.count) == 1
                        && EVP_MAC_final(context, outputBuffer.baseAddress, &length, outputBuffer.count) == 1
                }
            }
            precondition(result && length == hashFunction.digestLength, "OpenSSL HMAC failed")
            return Array(output.prefix(length))
        }
    }
}
