import HTTP
import JSON

/// Dropbox Sign (HelloSign) callbacks carry no signature header: the payload's `event.event_hash` is the hex
/// HMAC-SHA256, keyed with the account's API key, of `event_time` + `event_type`. The body itself is not
/// covered: the hash proves only that the sender knows the API key and chose that time and type.
enum DropboxSignEvent {
    /// The evidence in the payload, which is JSON, either as the whole body or as the form field `json`
    /// (urlencoded or multipart).
    static func evidence(from request: SignedRequest) -> Result<HMACEvidence, SignatureFailure> {
        guard let json = payload(of: request) else {
            return .failure(.malformedPayload("expected JSON, or a form field 'json' holding it"))
        }
        guard let event = json["event"], event.objectValue != nil else {
            return .failure(.malformedPayload("no 'event' object"))
        }
        let time: String
        if let text = event["event_time"]?.stringValue {
            time = text
        } else if let number = event["event_time"]?.intValue {
            time = String(number)
        } else {
            return .failure(.malformedPayload("no event.event_time"))
        }
        guard let type = event["event_type"]?.stringValue else {
            return .failure(.malformedPayload("no event.event_type"))
        }
        guard let hashText = event["event_hash"]?.stringValue else {
            return .failure(.malformedPayload("no event.event_hash"))
        }
        guard let hash = Hex.decode(hashText) else { return .failure(.malformedPayload("event.event_hash is not hex")) }
        return .success(HMACEvidence(hashFunction: .sha256, signatures: [hash], message: Array((time + type).utf8)))
    }

    private static func payload(of request: SignedRequest) -> JSONValue? {
        let contentType = request.headers["Content-Type"]?.lowercased() ?? ""
        var json: [UInt8]?
        if contentType.hasPrefix("multipart/form-data") {
            json = MultipartFormField.value(
                named: "json", in: request.body, contentType: request.headers["Content-Type"] ?? "")
        } else if contentType.hasPrefix("application/x-www-form-urlencoded") {
            let body = String(decoding: request.body, as: UTF8.self)
            json = FormEncoding.value(named: "json", in: body[...]).map { Array($0.utf8) }
        } else {
            json = request.body
        }
        guard let json else { return nil }
        return try? JSONValue(parsing: json)
    }
}

/// The value of one field of a `multipart/form-data` body (RFC 7578), enough for a JSON field.
enum MultipartFormField {
    static func value(named name: String, in body: [UInt8], contentType: String) -> [UInt8]? {
        let parameters = contentType.split(separator: ";").map { $0.drop { $0 == " " } }
        guard let parameter = parameters.first(where: { $0.lowercased().hasPrefix("boundary=") }) else { return nil }
        var boundary = parameter.dropFirst("boundary=".count).prefix { $0 != " " }
        if boundary.hasPrefix("\""), boundary.hasSuffix("\""), boundary.count >= 2 {
            boundary = boundary.dropFirst().dropLast()
        }
        guard !boundary.isEmpty else { return nil }
        let delimiter = Array("--\(boundary)".utf8)
        let headEnd = Array("\r\n\r\n".utf8)
        var start = 0
        while let open = body.firstRange(of: delimiter, from: start) {
            let partStart = open.upperBound
            guard let next = body.firstRange(of: delimiter, from: partStart) else { return nil }
            let part = Array(body[partStart..<next.lowerBound])
            if let split = part.firstRange(of: headEnd, from: 0) {
                let head = String(decoding: part[..<split.lowerBound], as: UTF8.self).lowercased()
                if head.contains("name=\"\(name.lowercased())\"") {
                    var value = Array(part[split.upperBound...])
                    if value.suffix(2) == [0x0D, 0x0A] { value.removeLast(2) }
                    return value
                }
            }
            start = next.lowerBound
        }
        return nil
    }
}

extension Array where Element == UInt8 {
    /// The first occurrence of `needle` at or after `start`.
    fileprivate func firstRange(of needle: [UInt8], from start: Int) -> Range<Int>? {
        guard !needle.isEmpty, count >= needle.count, start <= count - needle.count else { return nil }
        for index in start...(count - needle.count) where self[index] == needle[0] {
            if self[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
        }
        return nil
    }
}
