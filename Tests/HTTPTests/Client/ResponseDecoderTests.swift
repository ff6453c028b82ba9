import Testing

@testable import HTTP

@Suite("Client: response decoder and pool state (pure)")
struct ResponseDecoderTests {
    private static func decoder(method: String = "GET", maxBodySize: Int = 1 << 20) -> ResponseDecoder {
        ResponseDecoder(
            requestMethod: method, limits: HTTPParserLimits(), maxBodySize: maxBodySize, decodesContent: true)
    }

    /// Feeds `pieces` one after another; the final progress or failure.
    private static func decode(
        _ pieces: [[UInt8]], method: String = "GET", end: Bool = false
    ) -> Result<ResponseDecoder.Progress, ResponseDecoder.Failure> {
        var decoder = decoder(method: method)
        var last: Result<ResponseDecoder.Progress, ResponseDecoder.Failure> = .success(.needMore)
        for piece in pieces {
            last = piece.withUnsafeBytes { decoder.receive($0) }
            if case .failure = last { return last }
        }
        return end ? decoder.receiveEnd() : last
    }

    private static let samples = [
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n",
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 5\r\n\r\nhello",
    ]

    @Test(arguments: samples)
    func everyPrefixNeedsMoreAndEverySplitCompletes(text: String) {
        let bytes = Array(text.utf8)
        for cut in 0..<bytes.count {
            guard case .success(.needMore) = Self.decode([Array(bytes[..<cut])]) else {
                Issue.record("prefix of \(cut) bytes did not answer needMore")
                return
            }
            // Closing there is an early close, never a response.
            guard case .failure(.closedEarly) = Self.decode([Array(bytes[..<cut])], end: true) else {
                Issue.record("close after \(cut) bytes was not an early close")
                return
            }
            guard
                case .success(.complete(let response, true)) = Self.decode([Array(bytes[..<cut]), Array(bytes[cut...])])
            else {
                Issue.record("split at \(cut) did not complete a reusable response")
                return
            }
            #expect(response.bodyText == "hello")
        }
    }

    @Test func noBodyForHeadAnd204And304() {
        let head = Self.decode([Array("HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n".utf8)], method: "HEAD")
        guard case .success(.complete(let response, true)) = head else {
            Issue.record("\(head)" as Comment)
            return
        }
        #expect(response.body.isEmpty)
        for status in ["204 No Content", "304 Not Modified"] {
            guard case .success(.complete(_, true)) = Self.decode([Array("HTTP/1.1 \(status)\r\n\r\n".utf8)]) else {
                Issue.record(Comment(rawValue: status))
                continue
            }
        }
    }

    @Test func closeAndExtraBytesMakeTheConnectionNotReusable() {
        for text in [
            "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\nHTTP/1.1 200 OK",
        ] {
            guard case .success(.complete(_, false)) = Self.decode([Array(text.utf8)]) else {
                Issue.record("\(text) was reusable")
                continue
            }
        }
    }

    @Test func untilCloseBodyEndsCleanlyButNotOnAnUncleanTLSClose() {
        var decoder = Self.decoder()
        _ = Array("HTTP/1.1 200 OK\r\n\r\nsome".utf8).withUnsafeBytes { decoder.receive($0) }
        var unclean = decoder
        guard case .success(.complete(let response, false)) = decoder.receiveEnd() else {
            Issue.record()
            return
        }
        #expect(response.bodyText == "some")
        guard case .failure(.closedEarly) = unclean.receiveEnd(clean: false) else {
            Issue.record()
            return
        }
    }

    @Test func limitsAreTooLarge() {
        var small = Self.decoder(maxBodySize: 4)
        let declared = Array("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".utf8).withUnsafeBytes { small.receive($0) }
        guard case .failure(.tooLarge) = declared else {
            Issue.record("\(declared)")
            return
        }
        var chunked = Self.decoder(maxBodySize: 4)
        let chunks = Array("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n".utf8).withUnsafeBytes {
            chunked.receive($0)
        }
        guard case .failure(.tooLarge) = chunks else {
            Issue.record("\(chunks)")
            return
        }
        let hugeHeader = "HTTP/1.1 200 OK\r\nX: " + String(repeating: "a", count: 70_000)
        guard case .failure(.tooLarge) = Self.decode([Array(hugeHeader.utf8)]) else {
            Issue.record()
            return
        }
    }

    @Test func poolStateBoundsReusesAndExpires() {
        typealias State = ConnectionPoolState<String>
        var state = State(maxConnectionsPerHost: 2, idleTimeout: 100)
        let a = State.Key(scheme: "https", host: "a", port: 443)
        let b = State.Key(scheme: "https", host: "b", port: 443)
        guard case .connect = state.lease(a, now: 0).lease, case .connect = state.lease(a, now: 0).lease,
            case .wait = state.lease(a, now: 0).lease, case .connect = state.lease(b, now: 0).lease
        else {
            Issue.record("bound not kept")
            return
        }
        state.release(a, connection: "a1", now: 10)
        state.release(a, connection: nil, now: 10)  // a closed one frees its slot
        #expect(state.openConnections(to: a) == 1)
        guard case .reuse("a1") = state.lease(a, now: 20).lease else {
            Issue.record("idle not reused")
            return
        }
        state.release(a, connection: "a1", now: 20)
        let (lease, expired) = state.lease(a, now: 200)
        #expect(expired == ["a1"])
        guard case .connect = lease else {
            Issue.record("expired connection reused")
            return
        }
    }
}
