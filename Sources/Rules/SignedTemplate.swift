/// What a generic HMAC signs: literal text and placeholders, joined as bytes in order.
///
/// Placeholders: `{body}` the raw body bytes as received; `{timestamp}` the value of `timestamp_header` as sent;
/// `{url}` the URL the provider calls (setting `url`, else the route's public URL); `{path}` the request's path
/// and query as received (`/hooks/acme?x=1`); `{header:Name}` the value of header `Name`. `{{` and `}}` are
/// literal braces. Stripe's scheme reads `{timestamp}.{body}`, Square's `{url}{body}`.
public struct SignedTemplate: Sendable, Equatable, CustomStringConvertible {
    /// One piece of the signed string.
    public enum Part: Sendable, Equatable {
        case literal(String)
        case body
        case timestamp
        case url
        case path
        case header(String)
    }

    static let expected = "a template of text and {body}, {timestamp}, {url}, {path} or {header:Name}"

    public var parts: [Part]

    public init(_ parts: [Part]) {
        self.parts = parts
    }

    /// Reads the config form; throws what is wrong otherwise.
    public init(parsing text: String) throws(ScalarValueError) {
        var parts: [Part] = []
        var literal = ""
        var rest = text[...]
        func fail(_ reason: String) -> ScalarValueError {
            ScalarValueError(text: text, expected: Self.expected, reason: reason)
        }
        while let character = rest.first {
            rest = rest.dropFirst()
            if character == "{" && rest.first == "{" || character == "}" && rest.first == "}" {
                literal.append(character)
                rest = rest.dropFirst()
            } else if character == "}" {
                throw fail("a lone '}' (write '}}' for a literal brace)")
            } else if character == "{" {
                guard let close = rest.firstIndex(of: "}") else { throw fail("'{' without a closing '}'") }
                let name = rest[..<close]
                rest = rest[rest.index(after: close)...]
                let part: Part
                switch name {
                case "body": part = .body
                case "timestamp": part = .timestamp
                case "url": part = .url
                case "path": part = .path
                default:
                    guard name.hasPrefix("header:"), Self.isHeaderName(name.dropFirst("header:".count)) else {
                        throw fail("unknown placeholder '{\(name)}'")
                    }
                    part = .header(String(name.dropFirst("header:".count)))
                }
                if !literal.isEmpty {
                    parts.append(.literal(literal))
                    literal = ""
                }
                parts.append(part)
            } else {
                literal.append(character)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        guard !parts.isEmpty else { throw fail("it is empty") }
        self.parts = parts
    }

    /// Whether a placeholder of this kind appears.
    public func contains(_ part: Part) -> Bool { parts.contains(part) }

    /// The config form.
    public var description: String {
        parts.map { part in
            switch part {
            case .literal(let text): text.replacing("{", with: "{{").replacing("}", with: "}}")
            case .body: "{body}"
            case .timestamp: "{timestamp}"
            case .url: "{url}"
            case .path: "{path}"
            case .header(let name): "{header:\(name)}"
            }
        }.joined()
    }

    /// Whether `name` is an HTTP field name (RFC 9110 §5.1: a token).
    static func isHeaderName<Text: StringProtocol>(_ name: Text) -> Bool {
        !name.isEmpty
            && name.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
                }
            }
    }
}
