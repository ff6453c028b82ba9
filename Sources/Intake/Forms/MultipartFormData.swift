import JSON
import Rules

/// `multipart/form-data` bodies (RFC 7578 over RFC 2046): text parts become fields as in `FormURLEncoded`, file
/// parts are refused or dropped as the route says.
///
/// Strict where the RFCs are: lines end in CRLF, every part has `Content-Disposition: form-data; name="…"`, the
/// body ends with the close delimiter (an epilogue after it is ignored, a preamble before the first boundary
/// too). A file input left empty (`filename=""` and no content) is no file at all and is skipped under either
/// policy.
public enum MultipartFormData {
    /// The largest header section of one part, in bytes.
    public static let maxPartHeaderSize = 8 << 10

    private static let crlf: [UInt8] = [0x0D, 0x0A]

    /// Decodes `bytes` whose parts are delimited by `boundary` (the `Content-Type` parameter), within `limits`.
    ///
    /// Throws `.malformed` for anything that is not such a body (with what was expected where), `.tooLarge` past
    /// `max_fields` or `max_field_size`, `.fileRefused` for a file under `files: refuse`.
    public static func decode(
        _ bytes: [UInt8], boundary: String, limits: FormSettings.Limits
    ) throws(RequestContent.DecodingError) -> JSONValue {
        guard (1...70).contains(boundary.utf8.count), boundary.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }),
            boundary.last != " "
        else {
            throw malformed("the boundary parameter must be 1 to 70 printable ASCII characters")
        }
        let dashBoundary = Array("--\(boundary)".utf8)
        let delimiter = crlf + dashBoundary
        var fields = FormFields(limits: limits)
        var position: Int
        if bytes.starts(with: dashBoundary) {
            position = dashBoundary.count
        } else if let found = find(delimiter, in: bytes, from: 0) {
            position = found + delimiter.count
        } else {
            throw malformed("the body has no boundary line '--\(boundary)'")
        }
        while true {
            if bytes[position...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return fields.object }
            while position < bytes.count, bytes[position] == 0x20 || bytes[position] == 0x09 { position += 1 }
            guard position < bytes.count else { throw malformed("the body ends before the closing boundary") }
            guard bytes[position...].starts(with: crlf) else {
                throw malformed("a boundary line must end with CRLF")
            }
            position += 2
            // From the boundary line's CRLF, so that a part without headers (CRLF at once) is found too.
            let searchLimit = min(bytes.count, position + maxPartHeaderSize + 2)
            guard let headerEnd = find(crlf + crlf, in: bytes, from: position - 2, before: searchLimit) else {
                if searchLimit < bytes.count {
                    throw malformed("a part's headers are larger than \(maxPartHeaderSize) bytes")
                }
                throw malformed("the body ends inside a part's headers")
            }
            let part = try Part(headers: bytes[min(position, headerEnd)..<headerEnd])
            let contentStart = headerEnd + 4
            guard let contentEnd = find(delimiter, in: bytes, from: contentStart) else {
                throw malformed("the body ends before the closing boundary")
            }
            let content = bytes[contentStart..<contentEnd]
            position = contentEnd + delimiter.count
            if let filename = part.filename {
                try fields.count(name: part.name)
                if filename.isEmpty && content.isEmpty { continue }
                if limits.files == .refuse {
                    throw RequestContent.DecodingError(
                        .fileRefused, "field '\(part.name)' is a file, and this form takes none", field: part.name)
                }
                continue
            }
            try fields.checkSize(content.count, name: part.name)
            guard let value = String(validating: content, as: UTF8.self) else {
                throw RequestContent.DecodingError(.malformed, "field '\(part.name)' is not UTF-8", field: part.name)
            }
            try fields.append(name: part.name, value: value)
        }
    }

    /// What a part's headers say about it.
    private struct Part {
        var name: String
        /// The `filename` parameter, when the part is a file (possibly empty: no file chosen).
        var filename: String?

        init(headers: ArraySlice<UInt8>) throws(RequestContent.DecodingError) {
            var disposition: MediaType?
            var start = headers.startIndex
            while start < headers.endIndex {
                let end = find(crlf, in: headers, from: start) ?? headers.endIndex
                let line = headers[start..<end]
                start = end + 2
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex,
                    let name = String(validating: line[..<colon], as: UTF8.self),
                    !name.contains(" "), !name.contains("\t")
                else {
                    throw malformed("a part's header line is not 'Name: value'")
                }
                guard name.equalsIgnoringASCIICase("Content-Disposition") else { continue }
                guard disposition == nil else { throw malformed("a part has two Content-Disposition headers") }
                guard let value = String(validating: line[(colon + 1)...], as: UTF8.self) else {
                    throw malformed("a part's Content-Disposition is not UTF-8")
                }
                disposition = MediaType(value)
            }
            guard let disposition, disposition.name == "form-data" else {
                throw malformed("every part needs 'Content-Disposition: form-data; name=\"…\"'")
            }
            guard let name = disposition.parameter("name") else {
                throw malformed("a part's Content-Disposition has no name")
            }
            self.name = name
            filename = disposition.parameter("filename") ?? disposition.parameter("filename*")
        }
    }

    /// The index where `pattern` starts in `bytes` at or after `from` (and ending before `before`), or nil.
    private static func find<Bytes: RandomAccessCollection<UInt8>>(
        _ pattern: [UInt8], in bytes: Bytes, from: Bytes.Index, before: Bytes.Index? = nil
    ) -> Bytes.Index? where Bytes.Index == Int {
        let end = (before ?? bytes.endIndex) - pattern.count
        guard let first = pattern.first, from <= end else { return nil }
        var index = from
        while index <= end {
            guard let candidate = bytes[index...end].firstIndex(of: first) else { return nil }
            if bytes[candidate..<(candidate + pattern.count)].elementsEqual(pattern) { return candidate }
            index = candidate + 1
        }
        return nil
    }

    private static func malformed(_ message: String) -> RequestContent.DecodingError {
        RequestContent.DecodingError(.malformed, "malformed multipart body: \(message)")
    }
}
