import HTTP
import Testing

/// One decoder serves forms, query strings and path parameters; they differ in `+` and in malformed escapes.
@Suite struct PercentEncodingTests {
    private static func decoded(_ text: String, plusIsSpace: Bool = true) -> String {
        String(decoding: PercentEncoding.decode(Array(text.utf8), plusIsSpace: plusIsSpace), as: UTF8.self)
    }

    private static func strictly(_ text: String, plusIsSpace: Bool = true) -> String? {
        PercentEncoding.decodeStrictly(text.utf8, plusIsSpace: plusIsSpace).map { String(decoding: $0, as: UTF8.self) }
    }

    @Test(arguments: [
        ("", ""), ("plain", "plain"), ("a+b", "a b"), ("%41%62c", "Abc"), ("%e2%82%ac", "€"), ("%E2%82%AC", "€"),
        ("100%25", "100%"), ("%2B", "+"), ("end%", "end%"), ("x%4", "x%4"), ("%zz1", "%zz1"), ("%+1", "% 1"),
        ("%%41", "%A"),
    ])
    func escapesAreDecodedAndMalformedOnesKeptAsWritten(text: String, expected: String) {
        #expect(Self.decoded(text) == expected)
    }

    @Test(arguments: ["end%", "x%4", "%zz1", "%+1", "%%41", "%4g"])
    func strictDecodingRefusesMalformedEscapes(text: String) {
        #expect(Self.strictly(text) == nil)
    }

    @Test func strictDecodingDecodesWellFormedText() {
        #expect(Self.strictly("Ada+Lovelace%40example.com") == "Ada Lovelace@example.com")
        #expect(Self.strictly("") == "")
    }

    @Test func plusStaysItselfOutsideForms() {
        #expect(Self.decoded("a+b%20c", plusIsSpace: false) == "a+b c")
        #expect(Self.strictly("a+b", plusIsSpace: false) == "a+b")
    }

    @Test func encodingThenDecodingGivesTheText() {
        let text = "Ada Lovelace <ada@example.com> 100% & €"
        #expect(Self.strictly(PercentEncoding.encode(text)) == text)
    }
}
