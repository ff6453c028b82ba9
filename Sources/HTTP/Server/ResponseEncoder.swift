import Glibc

/// Serialises responses to HTTP/1.1 bytes and keeps the `Date` header value fresh (one per second, per loop).
public struct ResponseEncoder: Sendable {
    private var cachedSecond: time_t = -1
    private var cachedDate: [UInt8] = []

    /// An encoder with an empty date cache.
    public init() {}

    /// Appends the status line, headers and body of `response` to `buffer`.
    ///
    /// The encoder owns `Date`, `Content-Length` and `Connection`; values a responder set for them are replaced.
    public mutating func encode(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, headOnly: Bool, into buffer: inout [UInt8]
    ) {
        buffer.append(contentsOf: version == .http1_0 ? Self.http10 : Self.http11)
        appendDecimal(response.status.code, to: &buffer)
        buffer.append(0x20)
        buffer.append(contentsOf: response.status.reasonPhrase.utf8)
        buffer.append(contentsOf: Self.crlf)
        buffer.append(contentsOf: Self.datePrefix)
        buffer.append(contentsOf: currentDate())
        buffer.append(contentsOf: Self.crlf)
        for field in response.headers where !Self.isOwnedByEncoder(field.name) {
            buffer.append(contentsOf: field.name.utf8)
            buffer.append(0x3A)
            buffer.append(0x20)
            buffer.append(contentsOf: field.value.utf8)
            buffer.append(contentsOf: Self.crlf)
        }
        let bodyAllowed = response.status.code >= 200 && response.status.code != 204 && response.status.code != 304
        if bodyAllowed {
            buffer.append(contentsOf: Self.contentLengthPrefix)
            appendDecimal(response.body.count, to: &buffer)
            buffer.append(contentsOf: Self.crlf)
        }
        if !keepAlive {
            buffer.append(contentsOf: Self.connectionClose)
        } else if version == .http1_0 {
            buffer.append(contentsOf: Self.connectionKeepAlive)
        }
        buffer.append(contentsOf: Self.crlf)
        if bodyAllowed && !headOnly {
            buffer.append(contentsOf: response.body)
        }
    }

    /// The interim `100 Continue` response.
    public static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)

    private mutating func currentDate() -> [UInt8] {
        let now = time(nil)
        if now != cachedSecond {
            cachedSecond = now
            cachedDate = Array(HTTPDate.format(now).utf8)
        }
        return cachedDate
    }

    /// Appends the decimal digits of `value` (not negative) without a temporary array: this runs twice for
    /// every response (status code, `Content-Length`).
    private func appendDecimal(_ value: Int, to buffer: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            buffer.append(UInt8(ascii: "0") + UInt8(truncatingIfNeeded: rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Whether `name` is one of the fields the encoder writes itself; the length test spares most fields the
    /// three case-insensitive comparisons.
    private static func isOwnedByEncoder(_ name: String) -> Bool {
        switch name.utf8.count {
        case 4: name.equalsIgnoringASCIICase("Date")
        case 10: name.equalsIgnoringASCIICase("Connection")
        case 14: name.equalsIgnoringASCIICase("Content-Length")
        default: false
        }
    }

    private static let http11: [UInt8] = Array("HTTP/1.1 ".utf8)
    private static let http10: [UInt8] = Array("HTTP/1.0 ".utf8)
    private static let crlf: [UInt8] = [0x0D, 0x0A]
    private static let datePrefix: [UInt8] = Array("Date: ".utf8)
    private static let contentLengthPrefix: [UInt8] = Array("Content-Length: ".utf8)
    private static let connectionClose: [UInt8] = Array("Connection: close\r\n".utf8)
    private static let connectionKeepAlive: [UInt8] = Array("Connection: keep-alive\r\n".utf8)
}

/// IMF-fixdate, the HTTP date format (RFC 9110 §5.6.7): `Sun, 06 Nov 1994 08:49:37 GMT`.
public enum HTTPDate {
    /// Formats seconds since the epoch as an IMF-fixdate.
    public static func format(_ seconds: time_t) -> String {
        var time = seconds
        var parts = tm()
        gmtime_r(&time, &parts)
        let day = weekdays[Int(parts.tm_wday)]
        let month = months[Int(parts.tm_mon)]
        return "\(day), \(twoDigits(parts.tm_mday)) \(month) \(parts.tm_year + 1900) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }

    private static func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
    private static let weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
