import HTTP
import Intake
import JSON
import Rules
import Testing

/// A multipart body as a browser writes it: `parts` are (headers after Content-Disposition's name, content).
func multipart(boundary: String = "----WebKitFormBoundary7MA4YWxkTrZu0gW", _ parts: [(String, String)]) -> [UInt8] {
    var text = ""
    for (disposition, content) in parts {
        text += "--\(boundary)\r\nContent-Disposition: form-data; \(disposition)\r\n\r\n\(content)\r\n"
    }
    return Array((text + "--\(boundary)--\r\n").utf8)
}

let browserBoundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
let multipartType = "multipart/form-data; boundary=\(browserBoundary)"

/// Decodes a form-route body, returning the form or the error.
func decodeForm(
    _ bytes: [UInt8], _ contentType: String?, limits: FormSettings.Limits = FormSettings.Limits()
) -> Result<JSONValue, RequestContent.DecodingError> {
    Result { () throws(RequestContent.DecodingError) in
        try RequestContent(bytes: bytes, contentType: contentType, kind: .form, limits: limits).form
    }
}

@Suite struct FormBodyTests {
    @Test func multipartTextFieldsWithRepeatsAsLists() throws {
        let body = multipart([
            (#"name="name""#, "Ana Lima"), (#"name="tag""#, "a"), (#"name="tag""#, "b"),
            (#"name="message""#, "line one\r\nline two — ünïcode"), (#"name="empty""#, ""),
        ])
        let form = try decodeForm(body, multipartType).get()
        #expect(
            form == [
                "name": "Ana Lima", "tag": ["a", "b"], "message": "line one\r\nline two — ünïcode", "empty": "",
            ])
    }

    @Test func multipartWithPreambleEpilogueQuotedBoundaryAndPartContentType() throws {
        let text =
            "preamble to ignore\r\n--b0undary'()+_,-./:=?\r\nContent-Disposition: form-data; name=\"a\"\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n\r\n1\r\n--b0undary'()+_,-./:=? \t\r\n"
            + "content-disposition: FORM-DATA; NAME=b\r\n\r\n2\r\n--b0undary'()+_,-./:=?--epilogue"
        let form = try decodeForm(
            Array(text.utf8), #"Multipart/Form-Data; charset=utf-8; boundary="b0undary'()+_,-./:=?""#
        )
        .get()
        #expect(form == ["a": "1", "b": "2"])
    }

    @Test func filesAreRefusedOrDroppedAsTheRouteSays() throws {
        let body = multipart([
            (#"name="name""#, "Ana"),
            ("name=\"cv\"; filename=\"cv.pdf\"\r\nContent-Type: application/pdf", "%PDF-1.7 binary \u{1}\u{2}"),
        ])
        let refused = decodeForm(body, multipartType)
        #expect(throws: RequestContent.DecodingError.self) { try refused.get() }
        if case .failure(let error) = refused {
            #expect(error.reason == .fileRefused)
            #expect(error.status == .badRequest)
            #expect(error.field == "cv")
        }
        let dropped = try decodeForm(body, multipartType, limits: FormSettings.Limits(files: .drop)).get()
        #expect(dropped == ["name": "Ana"])
    }

    @Test func anEmptyFileInputIsNoFile() throws {
        let body = multipart([
            (#"name="name""#, "Ana"), ("name=\"cv\"; filename=\"\"\r\nContent-Type: application/octet-stream", ""),
        ])
        #expect(try decodeForm(body, multipartType).get() == ["name": "Ana"])
    }

    @Test func aRepeatedNameKeepsEveryValueInOrder() throws {
        let body = "a=1&b=2&a=3&&a=4&c="
        let expected: JSONValue = ["a": ["1", "3", "4"], "b": "2", "c": ""]
        #expect(try decodeForm(Array(body.utf8), nil).get() == expected)
        #expect(try FormURLEncoded.decode(Array(body.utf8)) == expected)
    }

    @Test func fieldCountLimitAtAndPastTheBoundary() throws {
        let limits = FormSettings.Limits(maxFields: 3)
        let three = "a=1&b=2&a=3"
        #expect(try decodeForm(Array(three.utf8), nil, limits: limits).get() == ["a": ["1", "3"], "b": "2"])
        let four = decodeForm(Array((three + "&c=4").utf8), nil, limits: limits)
        #expect(four.failure?.reason == .tooLarge)
        #expect(four.failure?.status == .contentTooLarge)
        #expect(four.failure?.message == "the form has more than 3 fields (max_fields)")

        let parts = (1...3).map { (#"name="f\#($0)""#, "x") }
        #expect(try decodeForm(multipart(parts), multipartType, limits: limits).get().objectValue?.count == 3)
        #expect(
            decodeForm(multipart(parts + [(#"name="f4""#, "x")]), multipartType, limits: limits).failure?.reason
                == .tooLarge)
        // A dropped file counts: a flood of parts is bounded either way.
        let withFile = parts + [("name=\"f\"; filename=\"a.txt\"", "x")]
        let dropping = FormSettings.Limits(maxFields: 3, files: .drop)
        #expect(decodeForm(multipart(withFile), multipartType, limits: dropping).failure?.reason == .tooLarge)

        let json = #"{"a":"1","b":["2","3"]}"#
        #expect(
            try decodeForm(Array(json.utf8), "application/json", limits: limits).get() == ["a": "1", "b": ["2", "3"]])
        let jsonFour = #"{"a":"1","b":["2","3"],"c":true}"#
        #expect(decodeForm(Array(jsonFour.utf8), "application/json", limits: limits).failure?.reason == .tooLarge)
    }

    @Test func fieldSizeLimitAtAndPastTheBoundary() throws {
        let limits = FormSettings.Limits(maxFieldSize: 8)
        #expect(try decodeForm(Array("a=12345678".utf8), nil, limits: limits).get() == ["a": "12345678"])
        // Counted after decoding: %C3%A9 is two bytes.
        #expect(try decodeForm(Array("a=123456%C3%A9".utf8), nil, limits: limits).get() == ["a": "123456é"])
        let long = decodeForm(Array("a=123456789".utf8), nil, limits: limits)
        #expect(long.failure?.reason == .tooLarge)
        #expect(long.failure?.field == "a")
        #expect(long.failure?.message == "field 'a' is larger than 8 bytes (max_field_size)")

        #expect(
            try decodeForm(multipart([(#"name="a""#, "12345678")]), multipartType, limits: limits).get() == [
                "a": "12345678"
            ])
        #expect(
            decodeForm(multipart([(#"name="a""#, "123456789")]), multipartType, limits: limits).failure?.field == "a")

        #expect(
            try decodeForm(Array(#"{"a":"12345678"}"#.utf8), "application/json", limits: limits).get() == [
                "a": "12345678"
            ])
        #expect(
            decodeForm(Array(#"{"a":["123456789"]}"#.utf8), "application/json", limits: limits).failure?.field == "a")
    }

    @Test func bodySizeLimitAtAndPastTheBoundary() throws {
        let limits = FormSettings.Limits(maxBodySize: 7)
        #expect(try decodeForm(Array("a=12345".utf8), nil, limits: limits).get() == ["a": "12345"])
        #expect(decodeForm(Array("a=123456".utf8), nil, limits: limits).failure?.status == .contentTooLarge)
    }

    @Test func badUTF8IsRefusedInEveryType() {
        let bad: [UInt8] = [0xC3, 0x28]
        let multipartBody =
            Array("--\(browserBoundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n".utf8) + bad
            + Array("\r\n--\(browserBoundary)--\r\n".utf8)
        for (body, type) in [
            (Array("a=".utf8) + bad, "application/x-www-form-urlencoded"), (multipartBody, multipartType),
            (Array(#"{"a":""#.utf8) + bad + Array(#""}"#.utf8), "application/json"),
        ] {
            let result = decodeForm(body, type)
            #expect(result.failure?.reason == .malformed, "\(type)")
            #expect(result.failure?.status == .badRequest, "\(type)")
        }
    }

    @Test func malformedMultipartIsA400WithAClearMessage() {
        let good = multipart([(#"name="a""#, "1"), (#"name="b""#, "2")])
        let cases: [(body: [UInt8], type: String, message: String)] = [
            (good, "multipart/form-data", "multipart/form-data needs a boundary parameter in Content-Type"),
            (
                good, "multipart/form-data; boundary=",
                "malformed multipart body: the boundary parameter must be 1 to 70 printable ASCII characters"
            ),
            (
                good, "multipart/form-data; boundary=other",
                "malformed multipart body: the body has no boundary line '--other'"
            ),
            (
                Array("--\(browserBoundary)\r\nX: y\r\n\r\nv\r\n--\(browserBoundary)--".utf8), multipartType,
                "malformed multipart body: every part needs 'Content-Disposition: form-data; name=\"…\"'"
            ),
            (
                Array("--\(browserBoundary)\r\nContent-Disposition: form-data\r\n\r\nv\r\n--\(browserBoundary)--".utf8),
                multipartType, "malformed multipart body: a part's Content-Disposition has no name"
            ),
            (
                Array("--\(browserBoundary)\r\nno colon here\r\n\r\nv\r\n--\(browserBoundary)--".utf8), multipartType,
                "malformed multipart body: a part's header line is not 'Name: value'"
            ),
            (
                Array("--\(browserBoundary)x\r\n".utf8), multipartType,
                "malformed multipart body: a boundary line must end with CRLF"
            ),
            (
                Array("--\(browserBoundary)\n".utf8), multipartType,
                "malformed multipart body: a boundary line must end with CRLF"
            ),
            (
                Array("--\(browserBoundary)".utf8), multipartType,
                "malformed multipart body: the body ends before the closing boundary"
            ),
            (
                Array("--\(browserBoundary)\r\nContent-Disposition: form-data; name=a\r\n".utf8), multipartType,
                "malformed multipart body: the body ends inside a part's headers"
            ),
            (
                Array("--\(browserBoundary)\r\n".utf8) + Array(repeating: UInt8(ascii: "x"), count: 9000),
                multipartType,
                "malformed multipart body: a part's headers are larger than 8192 bytes"
            ),
        ]
        for item in cases {
            let result = decodeForm(item.body, item.type)
            #expect(result.failure?.message == item.message, "\(String(decoding: item.body.prefix(80), as: UTF8.self))")
            #expect(result.failure?.status == .badRequest)
        }
    }

    /// Every prefix of a valid body, and every one-byte corruption of it, either decodes or is refused: never a
    /// crash.
    @Test func everyTruncationAndCorruptionIsHandled() {
        let body = multipart([(#"name="a""#, "1"), ("name=\"f\"; filename=\"x\"", "data"), (#"name="b""#, "two")])
        let limits = FormSettings.Limits(files: .drop)
        var decoded = 0
        for length in 0...body.count {
            if case .success = decodeForm(Array(body[..<length]), multipartType, limits: limits) { decoded += 1 }
        }
        #expect(decoded >= 1)  // the whole body (and the body without its final CRLF)
        for index in body.indices {
            for replacement: UInt8 in [0x00, 0x0D, 0x0A, UInt8(ascii: "-"), UInt8(ascii: "\""), 0xFF] {
                var corrupted = body
                corrupted[index] = replacement
                _ = decodeForm(corrupted, multipartType, limits: limits)
            }
        }
    }

    @Test func jsonFormsMustBeObjects() {
        #expect(
            decodeForm(Array("[1,2]".utf8), "application/json").failure?.message
                == "a form posted as JSON must be an object, got array")
        #expect(decodeForm(Array("{".utf8), "application/json").failure?.reason == .malformed)
    }

    @Test func otherTypesAre415() {
        let result = decodeForm([1, 2, 3], "text/plain")
        #expect(result.failure?.status == .unsupportedMediaType)
        // Multipart is for forms: a webhook may not send one.
        #expect(throws: RequestContent.DecodingError.self) {
            try RequestContent(bytes: multipart([(#"name="a""#, "1")]), contentType: multipartType, kind: .webhook)
        }
    }

    @Test func webhooksAreNotHeldToFormLimits() throws {
        let many = (1...300).map { "f\($0)=x" }.joined(separator: "&")
        let content = try RequestContent(bytes: Array(many.utf8), contentType: nil, kind: .webhook)
        #expect(content.body.objectValue?.count == 300)
        #expect(decodeForm(Array(many.utf8), nil).failure?.reason == .tooLarge)
    }

    @Test func percentEncodingForQueries() {
        #expect(PercentEncoding.encode("a b&c=d/é~") == "a%20b%26c%3Dd%2F%C3%A9~")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
