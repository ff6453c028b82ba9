import Glibc

/// Why the server could not start or listen.
public enum HTTPServerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A listen address that does not parse.
    case invalidAddress(String, reason: String)
    /// A system call failed; `operation` names it and the address it was for.
    case system(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .invalidAddress(let text, let reason):
            return "invalid listen address '\(text)': \(reason)"
        case .system(let operation, let code):
            return "\(operation): \(String(cString: strerror(code)))"
        }
    }
}
