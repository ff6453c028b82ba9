import HTTP
import Rules

/// Checks the bearer token of admin requests against `admin.token`.
///
/// Both sides are hashed with SHA-256 before the constant-time comparison, so that neither the position of the
/// first difference nor the token's length shows in the time taken. The token is never logged.
struct AdminAuthorization: Sendable {
    private let tokenDigest: [UInt8]

    init(token: Secret) {
        tokenDigest = Digest.sha256(Array(token.value.utf8))
    }

    /// Nil when `request` carries the right token, else the 401 to answer.
    func refusal(of request: HTTPRequest) -> HTTPResponse? {
        guard let header = request.head.headers["Authorization"] else {
            return Self.unauthorized("the admin API needs 'Authorization: Bearer <admin.token>'", error: nil)
        }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else {
            return Self.unauthorized(
                "the admin API takes a bearer token: 'Authorization: Bearer <admin.token>'", error: "invalid_request")
        }
        let sent = Digest.sha256(Array(parts[1].trimmingCharacters(in: [" ", "\t"]).utf8))
        guard ConstantTime.equals(sent, tokenDigest) else {
            return Self.unauthorized("the bearer token is not admin.token", error: "invalid_token")
        }
        return nil
    }

    private static func unauthorized(_ detail: String, error: String?) -> HTTPResponse {
        var challenge = #"Bearer realm="dealhook-admin""#
        if let error { challenge += #", error="\#(error)""# }
        return ProblemBody.response(status: .unauthorized, detail: detail, headers: ["WWW-Authenticate": challenge])
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> Substring {
        var text = self
        while let first = text.first, set.contains(first) { text = text.dropFirst() }
        while let last = text.last, set.contains(last) { text = text.dropLast() }
        return text
    }
}
