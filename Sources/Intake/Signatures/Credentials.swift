import HTTP

/// HTTP Basic authentication (RFC 7617) against one user name and the configured passwords.
enum BasicCredentials {
    static func verify(_ request: SignedRequest, username: String, passwords: [[UInt8]]) -> SignatureVerdict {
        guard let authorization = request.headers["Authorization"] else {
            return .invalid(.missingHeader("Authorization"))
        }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic", let decoded = Base64.decode(parts[1]),
            let colon = decoded.firstIndex(of: UInt8(ascii: ":"))
        else {
            return .invalid(.malformedHeader("Authorization", "expected Basic and base64 of user:password"))
        }
        let userMatches = SecretComparison.equals(Array(decoded[..<colon]), Array(username.utf8))
        let password = Array(decoded[(colon + 1)...])
        let passwordMatches = passwords.contains { SecretComparison.equals(password, $0) }
        return userMatches && passwordMatches ? .valid(eventID: nil) : .invalid(.credentialsRejected)
    }
}

/// A static token in a header; in `Authorization`, `Bearer <token>` is accepted too.
enum TokenCredentials {
    static func verify(_ request: SignedRequest, header: String, tokens: [[UInt8]]) -> SignatureVerdict {
        guard let value = request.headers[header] else { return .invalid(.missingHeader(header)) }
        var given = Array(value.utf8)
        if header.equalsIgnoringASCIICase("Authorization"), value.prefix(7).lowercased() == "bearer " {
            given = Array(value.dropFirst(7).utf8)
        }
        let matches = tokens.contains {
            SecretComparison.equals(given, $0) || SecretComparison.equals(Array(value.utf8), $0)
        }
        return matches ? .valid(eventID: nil) : .invalid(.credentialsRejected)
    }
}

/// Adobe Acrobat Sign signs nothing: it sends the client id of the app that created the webhook, to be
/// checked against an allow-list and echoed back.
enum AdobeSignClientID {
    static let header = "X-AdobeSign-ClientId"

    static func verify(_ request: SignedRequest, clientIDs: [[UInt8]]) -> SignatureVerdict {
        guard let value = request.headers[header] else { return .invalid(.missingHeader(header)) }
        let given = Array(value.utf8)
        return clientIDs.contains { SecretComparison.equals(given, $0) }
            ? .valid(eventID: nil) : .invalid(.credentialsRejected)
    }
}

/// Comparison of a received credential with a configured one that reveals neither content nor length: both
/// are hashed with SHA-256 first, and the digests compared in constant time.
enum SecretComparison {
    static func equals(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        ConstantTime.equals(Digest.sha256(given), Digest.sha256(expected))
    }
}
