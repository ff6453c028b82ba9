import HTTP
import Testing

@Suite struct HTTPHeadersTests {
    @Test(arguments: [
        ("Content-Type", "content-type", true), ("X-REQUEST-ID", "x-request-id", true), ("Accept", "Accept", true),
        ("", "", true), ("Accept", "Accept-Encoding", false), ("Accept-Encoding", "Accept", false),
        ("Content-Type", "Content-Typf", false), ("@", "`", false), ("[", "{", false), ("a", "", false),
        // Longer than a small string (stored apart), and bytes above ASCII that bit 5 alone would fold (É, é).
        ("X-Shopify-Webhook-Id", "x-shopify-webhook-id", true), ("X-Shopify-Webhook-Id", "x-shopify-webhook-ie", false),
        ("É", "é", false),
    ])
    func namesCompareIgnoringASCIICaseOnly(lhs: String, rhs: String, equal: Bool) {
        #expect(lhs.equalsIgnoringASCIICase(rhs) == equal)
        #expect(rhs.equalsIgnoringASCIICase(lhs) == equal)
    }

    @Test func lookupsFindTheFirstFieldOfANameInAnyCase() {
        var headers: HTTPHeaders = ["Host": "t", "Accept": "text/html", "Accept-Encoding": "gzip"]
        headers.add(name: "ACCEPT", value: "application/json")
        #expect(headers["accept"] == "text/html")
        #expect(headers.values(forName: "Accept") == ["text/html", "application/json"])
        #expect(headers["Accept-Encoding"] == "gzip")
        #expect(headers["Accept-Charset"] == nil)
        headers.remove(name: "accept")
        #expect(headers.count == 2)
        #expect(headers.contains(name: "ACCEPT-ENCODING"))
    }
}
