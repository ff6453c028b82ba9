import Foundation
import JSON
import Testing

/// The writer's output is stored (plans) and compared, so it is pinned byte for byte.
@Suite struct JSONWriterTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    @Test(arguments: [
        ("", #""""#), ("plain", #""plain""#), ("\"quoted\"", #""\"quoted\"""#), ("a\\b", #""a\\b""#),
        ("\n\r\t", #""\n\r\t""#), ("\u{0}\u{8}\u{C}\u{1F}", #""\u0000\u0008\u000c\u001f""#), ("\u{7F}/", "\"\u{7F}/\""),
        ("é日😀", "\"é日😀\""), ("end\n", #""end\n""#), ("sixteen bytes!!!\u{1}x", #""sixteen bytes!!!\u0001x""#),
    ])
    func strings(text: String, json: String) {
        #expect(JSONValue.string(text).jsonText == json)
        #expect(JSONValue.object([text: .string(text)]).jsonText == "{" + json + ":" + json + "}")
    }

    @Test(
        arguments: [
            (0, "0"), (-0.0, "0"), (-5, "-5"), (7, "7"), (999_999_999_999_999, "999999999999999"),
            (-999_999_999_999_999, "-999999999999999"), (1e15, "1000000000000000"), (0.5, "0.5"), (-2.5, "-2.5"),
            (1e20, "1e+20"), (1e-7, "1e-07"), (9_007_199_254_740_992, "9007199254740992"), (9_007_199_254_740_994, "9.007199254740994e+15"), (.nan, "null"),
            (.infinity, "null"), (-.infinity, "null"),
        ] as [(Double, String)])
    func numbers(number: Double, json: String) {
        #expect(JSONValue.number(number).jsonText == json)
    }

    @Test func keysAreSortedAtEveryDepth() {
        let value: JSONValue = ["b": ["z": 1, "y": [["d": 1, "c": 2]]], "a": [:], "é": 1, "e": 2, "B": true]
        #expect(value.jsonText == #"{"B":true,"a":{},"b":{"y":[{"c":2,"d":1}],"z":1},"e":2,"é":1}"#)
    }

    @Test func typesWritingTheirOwnJSONAppendLiteralsStringsAndValues() {
        var output = JSONOutput(capacity: 64)
        output.append(literal: #"{"name":"#)
        output.append(string: "Ada \"A\" L")
        output.append(literal: #","tags":"#)
        output.append(json: ["x", 1])
        output.append(UInt8(ascii: "}"))
        #expect(output.byteCount == 37)
        #expect(output.text() == #"{"name":"Ada \"A\" L","tags":["x",1]}"#)
    }

    /// An output grows past its first buffer many times over and keeps every byte, whether the pieces are bytes,
    /// runs of bytes or escaped strings, and longer than the room left.
    @Test func anOutputGrowsWithoutLosingBytes() {
        var output = JSONOutput(capacity: 1)
        var expected: [UInt8] = []
        for round in 0..<300 {
            let text = String(repeating: "a\"é", count: round % 40)
            output.append(string: text)
            expected += JSONValue.string(text).jsonBytes
            output.append(UInt8(ascii: ","))
            expected.append(UInt8(ascii: ","))
        }
        #expect(output.byteCount == expected.count)
        #expect(output.bytes() == expected)
    }

    @Test func aStripeEventIsWrittenAsBefore() throws {
        let body = #"""
            {"id":"evt_1QbenchStripeCheckout","object":"event","api_version":"2024-06-20","created":1764844800,\#
            "type":"checkout.session.completed","livemode":false,"pending_webhooks":1,\#
            "request":{"id":null,"idempotency_key":null},"data":{"object":{"id":"cs_test_a1B2c3D4e5F6g7H8i9J0",\#
            "object":"checkout.session","amount_total":129900,"currency":"eur","customer":"cus_QbenchCustomer01",\#
            "customer_details":{"email":"ada@example.com","name":"Ada Lovelace","phone":null,"address":{"city":"London",\#
            "country":"GB","line1":"12 St James's Square","postal_code":"SW1Y 4JH"}},"mode":"payment",\#
            "payment_status":"paid","status":"complete","metadata":{"plan":"growth"}}}}
            """#
        let written = #"""
            {"api_version":"2024-06-20","created":1764844800,"data":{"object":{"amount_total":129900,"currency":"eur",\#
            "customer":"cus_QbenchCustomer01","customer_details":{"address":{"city":"London","country":"GB",\#
            "line1":"12 St James's Square","postal_code":"SW1Y 4JH"},"email":"ada@example.com","name":"Ada Lovelace",\#
            "phone":null},"id":"cs_test_a1B2c3D4e5F6g7H8i9J0","metadata":{"plan":"growth"},"mode":"payment",\#
            "object":"checkout.session","payment_status":"paid","status":"complete"}},"id":"evt_1QbenchStripeCheckout",\#
            "livemode":false,"object":"event","pending_webhooks":1,"request":{"id":null,"idempotency_key":null},\#
            "type":"checkout.session.completed"}
            """#
        #expect(try JSONValue(parsing: body).jsonText == written)
        #expect(try JSONValue(parsing: written).jsonText == written)
    }

    /// Every JSON fixture survives parse → write → parse, and writing is stable from then on.
    @Test func fixturesRoundTrip() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter {
            $0.hasSuffix(".json")
        }
        #expect(!names.isEmpty)
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: Self.fixtures.appendingPathComponent(name)))
            let value = try JSONValue(parsing: bytes)
            let written = value.jsonBytes
            #expect(try JSONValue(parsing: written) == value, "\(name)")
            #expect(try JSONValue(parsing: written).jsonBytes == written, "\(name)")
        }
    }

    @Test func corpusRoundTrips() throws {
        let corpus = [
            #"{"a":[1,-2.5,true,false,null,{}],"b":{"c":"d\n\u00e9😀","e":[]},"n":-0,"s":"\"\\\/"}"#,
            #"[[[[]]],{"":""},"\u0000",0.1,1e-300,123456789012345678]"#,
            #"{"k\u0001":"\u007f","z":["\u0000","\ud834\udd1e"]}"#,
        ]
        for text in corpus {
            let value = try JSONValue(parsing: text)
            #expect(try JSONValue(parsing: value.jsonBytes) == value, "\(text)")
        }
    }
}
