/// Request body content codings (RFC 9110 §8.4) through zlib.
public enum ContentDecoder {
    /// The most codings a Content-Encoding list may apply; one more is refused with 415.
    static let maxCodings = 2

    /// Decodes `body` per the request's Content-Encoding header value.
    ///
    /// - nil, empty or `identity`: the body unchanged;
    /// - `gzip` or `x-gzip`: gzip, concatenated members included;
    /// - `deflate`: zlib format, or raw deflate data as some clients send it.
    ///
    /// A list such as `gzip, deflate` was applied in that order, so it is decoded in reverse; at most
    /// two codings. An empty body decodes to an empty body whatever the coding.
    ///
    /// Refusals: an unknown coding (or more than two) with 415; output larger than `maxDecodedSize` with 413,
    /// inflating no further than that (a zip bomb never allocates much more than `maxDecodedSize`); corrupt or
    /// truncated data with 400.
    public static func decode(
        _ body: [UInt8], contentEncoding: String?, maxDecodedSize: Int
    ) -> Result<[UInt8], HTTPRequestError> {
        guard let contentEncoding else { return .success(body) }
        var codings: [ContentCoding] = []
        for element in contentEncoding.split(separator: ",") {
            switch element.trimmingOWS().lowercased() {
            case "", "identity": continue
            case "gzip", "x-gzip": codings.append(.gzip)
            case "deflate": codings.append(.deflate)
            case let unknown:
                return .failure(
                    HTTPRequestError(
                        status: .unsupportedMediaType, reason: "content coding '\(unknown)' is not supported"))
            }
        }
        guard codings.count <= maxCodings else {
            return .failure(
                HTTPRequestError(
                    status: .unsupportedMediaType,
                    reason: "more than \(maxCodings) content codings in '\(contentEncoding)'"))
        }
        var decoded = body
        for coding in codings.reversed() where !decoded.isEmpty {
            switch Zlib.inflate(decoded, format: format(of: decoded, codedWith: coding), maxOutput: maxDecodedSize) {
            case .success(let output):
                decoded = output
            case .failure(.tooLarge):
                return .failure(
                    HTTPRequestError(
                        status: .contentTooLarge, reason: "decoded body larger than \(maxDecodedSize) bytes"))
            case .failure(.truncated):
                return .failure(.badRequest("\(coding.rawValue) body is truncated"))
            case .failure(.corrupt(let message)):
                return .failure(.badRequest("\(coding.rawValue) body is corrupt: \(message)"))
            }
        }
        return .success(decoded)
    }

    /// Compresses `body` (under 4 GiB) with gzip or zlib-deflate, at zlib's default level.
    public static func encode(_ body: [UInt8], coding: ContentCoding) -> [UInt8] {
        Zlib.deflate(body, format: coding == .gzip ? .gzip : .zlib)
    }

    /// The zlib format of data sent as `coding`: "deflate" data is zlib when it starts with a zlib header
    /// (RFC 1950 §2.2: compression method 8, window at most 32 KiB, check bits), raw deflate otherwise.
    private static func format(of data: [UInt8], codedWith coding: ContentCoding) -> Zlib.Format {
        switch coding {
        case .gzip:
            return .gzip
        case .deflate:
            guard data.count >= 2 else { return .raw }
            let hasZlibHeader =
                data[0] & 0x0F == 8 && data[0] >> 4 <= 7 && (UInt16(data[0]) << 8 | UInt16(data[1])) % 31 == 0
            return hasZlibHeader ? .zlib : .raw
        }
    }
}
