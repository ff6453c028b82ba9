/// Why evaluating a template failed for one event: a value the rules require is missing or invalid, or a
/// bound was reached.
///
/// `message` is written for the person who sent the request (`email is required`); `field` names the form
/// field it concerns, so that an intake can show the message beside that field.
public struct TemplateEvaluationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case missingValue = "missing value"
            case invalidValue = "invalid value"
            case limitExceeded = "limit exceeded"
        }

        private let base: Base

        /// `required` found nothing.
        public static let missingValue = Code(base: .missingValue)
        /// A validating filter (`email`) refused its input.
        public static let invalidValue = Code(base: .invalidValue)
        /// A value grew past one of the `TemplateLimits`.
        public static let limitExceeded = Code(base: .limitExceeded)

        public var description: String { base.rawValue }

        /// Whether the error is about the request's data (and so is the sender's to fix), rather than a limit.
        public var isValidation: Bool { base != .limitExceeded }
    }

    public var code: Code
    /// The user-facing message.
    public var message: String
    /// The field the message concerns (`email`, `contact.email`), when the failing filter's input is a plain
    /// path under `form`, `query` or `body`.
    public var field: String?
    /// Where, in the config, the failing filter or operator is written.
    public var location: SourceLocation

    public init(code: Code, message: String, field: String? = nil, location: SourceLocation) {
        self.code = code
        self.message = message
        self.field = field
        self.location = location
    }

    public var description: String {
        "\(location): \(message)" + (field.map { " (field '\($0)')" } ?? "")
    }
}
