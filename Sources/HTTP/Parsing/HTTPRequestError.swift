/// A request the server refuses; after it the connection is always closed.
///
/// `reason` is for logs and the response body: it says what was wrong and where, for example
/// `invalid character 0x01 in value of header 'X-A'`.
public struct HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The status of the response that refuses the request (400, 413, 414, 415, 431, 501 or 505).
    public var status: HTTPStatus
    /// What was wrong with the request, and where.
    public var reason: String

    /// Creates an error answered with `status`, explained by `reason`.
    public init(status: HTTPStatus, reason: String) {
        self.status = status
        self.reason = reason
    }

    /// The status and the reason, as in `400 Bad Request: bare LF in request line`.
    public var description: String { "\(status): \(reason)" }

    static func badRequest(_ reason: String) -> HTTPRequestError {
        HTTPRequestError(status: .badRequest, reason: reason)
    }
}
