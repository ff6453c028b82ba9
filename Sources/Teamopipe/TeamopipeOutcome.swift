import JSON

/// How one API call, or one operation, ended; the contract's error table decides which.
public enum TeamopipeOutcome: Sendable, Equatable {
    /// Done, with the returned object (null for an operation that found nothing and was told to skip).
    case success(JSONValue)
    /// Worth retrying: 408, 425, 429, 5xx, timeouts and resets; with the server's `Retry-After` when given.
    case transient(TeamopipeFailure, retryAfter: Duration?)
    /// Retrying the same call cannot help: 400, 403, 404, 409, 422, or a name that does not exist.
    case permanent(TeamopipeFailure)
    /// 401: the key is missing, wrong or revoked; every delivery should pause.
    case authFailure(TeamopipeFailure)
}

/// What went wrong, in the words an operator reads in a dead letter.
public struct TeamopipeFailure: Error, Sendable, Equatable, CustomStringConvertible {
    /// The HTTP status, when there was an answer.
    public var status: Int?
    /// The API's error code (`validation_failed`, …), when it sent one.
    public var code: String?
    public var message: String
    /// Field-level details of a validation error, `field: message` each.
    public var details: [String]
    /// The call, e.g. `POST /deals`.
    public var call: String?

    public init(status: Int? = nil, code: String? = nil, message: String, details: [String] = [], call: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.call = call
    }

    public var description: String {
        var text = call.map { "\($0): " } ?? ""
        if let status { text += "\(status) " }
        text += message
        if let code { text += " (\(code))" }
        if !details.isEmpty { text += "; " + details.joined(separator: "; ") }
        return text
    }
}

extension TeamopipeOutcome {
    /// The failure, for an outcome that is not a success.
    public var failure: TeamopipeFailure? {
        switch self {
        case .success: nil
        case .transient(let failure, _), .permanent(let failure), .authFailure(let failure): failure
        }
    }

    /// `success`, `transient`, `permanent` or `auth`: the label of metrics and of an attempt's error class.
    public var className: String {
        switch self {
        case .success: "success"
        case .transient: "transient"
        case .permanent: "permanent"
        case .authFailure: "auth"
        }
    }

    /// Classifies an HTTP answer as the contract's error table says.
    static func classify(_ response: TeamopipeResponse, call: String) -> TeamopipeOutcome {
        let parsed = try? JSONValue(parsing: response.body)
        if (200..<300).contains(response.status) {
            return .success(parsed?["data"] ?? parsed ?? .null)
        }
        let error = parsed?["error"]
        let details = (error?["details"]?.arrayValue ?? []).map { detail in
            [detail["field"]?.stringValue, detail["message"]?.stringValue].compactMap { $0 }.joined(separator: ": ")
        }
        let failure = TeamopipeFailure(
            status: response.status, code: error?["code"]?.stringValue,
            message: error?["message"]?.stringValue ?? "HTTP \(response.status)", details: details, call: call)
        switch response.status {
        case 401:
            return .authFailure(failure)
        case 408, 425, 429, 500...599:
            return .transient(failure, retryAfter: response.headers["retry-after"].flatMap { RetryAfter.parse($0) })
        default:
            return .permanent(failure)
        }
    }

    /// Classifies a call that got no answer.
    static func classify(_ error: TeamopipeTransportError, call: String) -> TeamopipeOutcome {
        let failure = TeamopipeFailure(message: error.message, call: call)
        return error.isPermanent ? .permanent(failure) : .transient(failure, retryAfter: nil)
    }
}
