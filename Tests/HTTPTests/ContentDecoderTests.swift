import Testing

@testable import HTTP

@Suite struct ContentDecoderTests {
    let text = Array(String(repeating: "Dealhook bridges web forms to the CRM. ", count: 200).utf8)

    func status(_ result: Result<[UInt8], HTTPRequestError>) -> HTTPStatus? {
        if case .failure(let error) = result { return error.status }
        return nil
    }

    @Test(arguments: [nil, "", "identity", " Identity "])
    func identityLeavesTheBodyAlone(coding: String?) throws {
        #expect(try ContentDecoder.decode(text, contentEncoding: coding, maxDecodedSize: 1).get() == text)
    }

    @Test func gzipRoundTrip() throws {
        let encoded = ContentDecoder.encode(text, coding: .gzip)
        #expect(encoded.starts(with: [0x1F, 0x8B]))
        #expect(encoded.count < text.count)
        for coding in ["gzip", "GZIP", "x-gzip"] {
            #expect(try ContentDecoder.decode(encoded, contentEncoding: coding, maxDecodedSize: 1 << 20).get() == text)
        }
    }

    @Test func deflateRoundTrip() throws {
        let encoded = ContentDecoder.encode(text, coding: .deflate)
        #expect(encoded[0] == 0x78)
        #expect(try ContentDecoder.decode(encoded, contentEncoding: "deflate", maxDecodedSize: 1 << 20).get() == text)
    }

    @Test func rawDeflateIsAcceptedAsDeflate() throws {
        let raw = Zlib.deflate(text, format: .raw)
        #expect(try ContentDecoder.decode(raw, contentEncoding: "deflate", maxDecodedSize: 1 << 20).get() == text)
    }

    @Test func codingsAreUndoneInReverseOrder() throws {
        let encoded = ContentDecoder.encode(ContentDecoder.encode(text, coding: .deflate), coding: .gzip)
        #expect(
            try ContentDecoder.decode(encoded, contentEncoding: "deflate, gzip", maxDecodedSize: 1 << 20).get() == text)
        #expect(
            status(ContentDecoder.decode(encoded, contentEncoding: "gzip, deflate", maxDecodedSize: 1 << 20))
                == .badRequest)
    }

    @Test func concatenatedGzipMembersAreDecoded() throws {
        let encoded =
            ContentDecoder.encode(bytes("hello, "), coding: .gzip)
            + ContentDecoder.encode(bytes("world"), coding: .gzip)
        #expect(
            try ContentDecoder.decode(encoded, contentEncoding: "gzip", maxDecodedSize: 100).get()
                == bytes("hello, world"))
    }

    @Test func emptyBodyStaysEmpty() throws {
        #expect(try ContentDecoder.decode([], contentEncoding: "gzip", maxDecodedSize: 0).get() == [])
    }

    @Test func zipBombIsRefusedAtTheLimit() {
        let bomb = ContentDecoder.encode([UInt8](repeating: 0, count: 50 << 20), coding: .gzip)
        #expect(bomb.count < 100 << 10)
        #expect(
            status(ContentDecoder.decode(bomb, contentEncoding: "gzip", maxDecodedSize: 1 << 20)) == .contentTooLarge)
        let nested = ContentDecoder.encode(bomb, coding: .gzip)
        #expect(
            status(ContentDecoder.decode(nested, contentEncoding: "gzip, gzip", maxDecodedSize: 1 << 20))
                == .contentTooLarge)
    }

    @Test func outputAtTheLimitPassesAndOneByteOverFails() throws {
        let encoded = ContentDecoder.encode(text, coding: .gzip)
        #expect(try ContentDecoder.decode(encoded, contentEncoding: "gzip", maxDecodedSize: text.count).get() == text)
        #expect(
            status(ContentDecoder.decode(encoded, contentEncoding: "gzip", maxDecodedSize: text.count - 1))
                == .contentTooLarge)
    }

    @Test func unknownCodingIs415AndNamesIt() {
        guard
            case .failure(let error) = ContentDecoder.decode(text, contentEncoding: "gzip, br", maxDecodedSize: 1 << 20)
        else {
            Issue.record("not refused")
            return
        }
        #expect(error.status == .unsupportedMediaType)
        #expect(error.reason.contains("'br'"))
    }

    @Test func moreThanTwoCodingsIs415() {
        #expect(
            status(ContentDecoder.decode(text, contentEncoding: "gzip, gzip, gzip", maxDecodedSize: 1 << 20))
                == .unsupportedMediaType)
    }

    @Test func corruptDataIs400() {
        var encoded = ContentDecoder.encode(text, coding: .gzip)
        encoded[encoded.count / 2] ^= 0xFF
        #expect(status(ContentDecoder.decode(encoded, contentEncoding: "gzip", maxDecodedSize: 1 << 20)) == .badRequest)
        #expect(status(ContentDecoder.decode(text, contentEncoding: "gzip", maxDecodedSize: 1 << 20)) == .badRequest)
        #expect(status(ContentDecoder.decode(text, contentEncoding: "deflate", maxDecodedSize: 1 << 20)) == .badRequest)
    }

    @Test func truncatedDataIs400() {
        for coding in [ContentCoding.gzip, .deflate] {
            let encoded = ContentDecoder.encode(text, coding: coding)
            let result = ContentDecoder.decode(
                Array(encoded.dropLast(5)), contentEncoding: coding.rawValue, maxDecodedSize: 1 << 20)
            #expect(status(result) == .badRequest)
        }
    }

    @Test func trailingDataAfterAZlibStreamIs400() {
        let encoded = ContentDecoder.encode(text, coding: .deflate) + [0x00]
        #expect(
            status(ContentDecoder.decode(encoded, contentEncoding: "deflate", maxDecodedSize: 1 << 20)) == .badRequest)
    }
}
