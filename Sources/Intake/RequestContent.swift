import JSON
import Rules

/// A request body decoded by its media type into what templates read: `form` for form routes, `body` for
/// webhooks (and for JSON posted to a form route, both).
public struct RequestContent: Sendable, Equatable {
    public var form: JSONValue
    public var body: JSONValue

    /// Why a body could not be decoded; answered with 400 or 415.
    public struct DecodingError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Whether the media type itself is unsupported (415) rather than the content malformed (400).
        public var unsupportedMediaType: Bool
        public var message: String
        public var description: String { message }
    }

    /// Decodes `bytes` sent with `contentType` (nil: none given) to a route of `kind`.
    public init(bytes: [UInt8], contentType: String?, kind: RouteConfig.Kind) throws(DecodingError) {
        let mediaType = contentType.map(Self.mediaType) ?? (bytes.first == UInt8(ascii: "{") ? "application/json" : "")
        let decoded: JSONValue
        switch mediaType {
        case _ where mediaType == "application/json" || mediaType.hasSuffix("+json"):
            do {
                decoded = bytes.isEmpty ? .null : try JSONValue(parsing: bytes)
            } catch {
                throw DecodingError(unsupportedMediaType: false, message: "the body is not valid JSON: \(error)")
            }
        case "application/x-www-form-urlencoded", "":
            do {
                decoded = try FormURLEncoded.decode(bytes)
            } catch {
                throw DecodingError(unsupportedMediaType: false, message: "the body is not a valid form: \(error)")
            }
        default:
            throw DecodingError(unsupportedMediaType: true, message: "unsupported content type '\(mediaType)'")
        }
        form = kind == .form ? decoded : .null
        body = decoded
    }

    /// The media type of a `Content-Type` value, lowercased, without parameters.
    static func mediaType(_ value: String) -> String {
        let type = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return type.filter { $0 != " " && $0 != "\t" }.lowercased()
    }
}
