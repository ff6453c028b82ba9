import HTTP
import JSON
import Rules

/// A request body decoded by its media type into what templates read: `form` for form routes, `body` for
/// webhooks (and for JSON posted to a form route, both).
///
/// Form routes take `application/x-www-form-urlencoded` (also when no type is given), `multipart/form-data` and
/// `application/json` (an object), each held to the route's `FormSettings.Limits`; webhooks take JSON and
/// urlencoded bodies with no limit but the body size.
public struct RequestContent: Sendable, Equatable {
    public var form: JSONValue
    public var body: JSONValue

    /// Why a body could not be decoded; `status` is the answer (400, 413 or 415).
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// The kind of problem.
        public struct Reason: Sendable, Hashable, CustomStringConvertible {
            private enum Base: String {
                case malformed
                case unsupportedMediaType = "unsupported media type"
                case tooLarge = "too large"
                case fileRefused = "file refused"
            }
            private let base: Base
            private init(_ base: Base) { self.base = base }

            /// The bytes are not what their type says (400).
            public static let malformed = Reason(.malformed)
            /// The media type is not one the route takes (415).
            public static let unsupportedMediaType = Reason(.unsupportedMediaType)
            /// A limit was passed: body size, field count or field size (413).
            public static let tooLarge = Reason(.tooLarge)
            /// A multipart file under `files: refuse` (400).
            public static let fileRefused = Reason(.fileRefused)

            public var description: String { base.rawValue }
        }

        public var reason: Reason
        public var message: String
        /// The form field at fault, when one is.
        public var field: String?

        public init(_ reason: Reason, _ message: String, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }

        /// Whether the media type itself is unsupported (415) rather than the content malformed or too large.
        public var unsupportedMediaType: Bool { reason == .unsupportedMediaType }

        /// The status to answer with.
        public var status: HTTPStatus {
            switch reason {
            case .unsupportedMediaType: .unsupportedMediaType
            case .tooLarge: .contentTooLarge
            default: .badRequest
            }
        }

        public var description: String { message }
    }

    /// Decodes `bytes` sent with `contentType` (nil: none given) to a route of `kind`.
    ///
    /// `limits` applies to form routes (default: `FormSettings.Limits()`); webhook bodies are not limited here.
    /// A webhook's JSON body is built only as far as `projection` keeps it (a form's is checked whole).
    public init(
        bytes: [UInt8], contentType: String?, kind: RouteConfig.Kind, limits: FormSettings.Limits? = nil,
        keeping projection: JSONProjection = .everything
    ) throws(DecodingError) {
        let limits = kind == .form ? limits ?? FormSettings.Limits() : .unlimited
        if let maxBodySize = limits.maxBodySize, bytes.count > maxBodySize {
            throw DecodingError(.tooLarge, "the body is larger than \(maxBodySize) bytes (max_body_size)")
        }
        let mediaType =
            contentType.map(MediaType.init) ?? MediaType(bytes.first == UInt8(ascii: "{") ? "application/json" : "")
        let decoded: JSONValue
        switch mediaType.name {
        case _ where mediaType.isJSON:
            do {
                decoded =
                    bytes.isEmpty
                    ? .null : try JSONValue(parsing: bytes, keeping: kind == .form ? .everything : projection)
            } catch {
                throw DecodingError(.malformed, "the body is not valid JSON: \(error)")
            }
            if kind == .form, !bytes.isEmpty { try Self.checkJSONForm(decoded, limits: limits) }
        case "application/x-www-form-urlencoded", "":
            do {
                decoded = try FormURLEncoded.decode(bytes, limits: limits)
            } catch {
                throw error.reason == .malformed
                    ? DecodingError(.malformed, "the body is not a valid form: \(error)", field: error.field) : error
            }
        case "multipart/form-data" where kind == .form:
            guard let boundary = mediaType.parameter("boundary") else {
                throw DecodingError(.malformed, "multipart/form-data needs a boundary parameter in Content-Type")
            }
            decoded = try MultipartFormData.decode(bytes, boundary: boundary, limits: limits)
        default:
            throw DecodingError(.unsupportedMediaType, "unsupported content type '\(mediaType.name)'")
        }
        // An empty JSON body to a form is an empty form, like an empty urlencoded one.
        form = kind == .form ? (decoded.isNull ? [:] : decoded) : .null
        body = decoded
    }

    /// A JSON form is an object; its members count as fields (each element of a list too), and no string in it
    /// may be longer than `max_field_size`.
    private static func checkJSONForm(_ value: JSONValue, limits: FormSettings.Limits) throws(DecodingError) {
        guard case .object(let members) = value else {
            throw DecodingError(.malformed, "a form posted as JSON must be an object, got \(value.typeName)")
        }
        var fields = FormFields(limits: limits)
        for (name, member) in members.sorted(by: { $0.key < $1.key }) {
            for element in member.arrayValue ?? [member] {
                try fields.count(name: name)
                try checkStrings(element, name: name, fields: fields)
            }
        }
    }

    private static func checkStrings(_ value: JSONValue, name: String, fields: FormFields) throws(DecodingError) {
        switch value {
        case .string(let text): try fields.checkSize(text.utf8.count, name: name)
        case .array(let elements): for element in elements { try checkStrings(element, name: name, fields: fields) }
        case .object(let members): for member in members.values { try checkStrings(member, name: name, fields: fields) }
        default: break
        }
    }
}
