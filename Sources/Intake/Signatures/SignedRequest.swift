import HTTP

/// What a signature is checked against: one request as it arrived, before its body is decoded or parsed.
public struct SignedRequest: Sendable {
    /// The method token (`POST`; Adobe Acrobat Sign verifies its webhook with a `GET`).
    public var method: String
    /// The request target as received: path and query (`/hooks/pandadoc?signature=…`).
    public var target: String
    /// The header fields; names are looked up case-insensitively.
    public var headers: HTTPHeaders
    /// The body bytes exactly as received (after content decoding, before any parsing).
    public var body: [UInt8]
    /// The route's public URL, as registered with the provider (`https://hooks.example.com/hooks/square`); used
    /// where a scheme signs the URL and the signature settings name none.
    public var publicURL: String?

    public init(method: String = "POST", target: String, headers: HTTPHeaders, body: [UInt8], publicURL: String? = nil)
    {
        self.method = method
        self.target = target
        self.headers = headers
        self.body = body
        self.publicURL = publicURL
    }

    /// The first value of query parameter `name`, percent-decoded (`+` is a space); nil when absent.
    public func queryValue(named name: String) -> String? {
        guard let mark = target.firstIndex(of: "?") else { return nil }
        return FormEncoding.value(named: name, in: target[target.index(after: mark)...])
    }
}

/// `application/x-www-form-urlencoded` decoding of one name or value.
enum FormEncoding {
    /// The first value of field `name` in `name=value&…` text, decoded; nil when absent.
    static func value(named name: String, in text: Substring) -> String? {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let key = pair.prefix { $0 != "=" }
            guard decode(key) == name else { continue }
            return decode(pair.dropFirst(key.count + (key.count < pair.count ? 1 : 0)))
        }
        return nil
    }

    /// `text` with `+` as space and `%XX` as the byte; a malformed escape stays as written.
    static func decode<Text: StringProtocol>(_ text: Text) -> String {
        String(decoding: PercentEncoding.decode(text.utf8, plusIsSpace: true), as: UTF8.self)
    }
}
