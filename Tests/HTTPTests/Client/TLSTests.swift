import HTTP
import Testing

@Suite("Client: TLS against openssl s_server")
struct TLSTests {
    private let fixture: TLSFixture

    init() throws {
        fixture = try TLSFixture.shared.get()
    }

    private func client(caFile: String? = nil) throws -> HTTPClient {
        try HTTPClient(configuration: HTTPClientConfiguration(caFile: caFile ?? fixture.caFile))
    }

    @Test func goodChainWithTheCAFilePasses() throws {
        let server = try fixture.serve("good")
        let client = try client()
        let response = try client.execute(HTTPClientRequest(url: "https://localhost:\(server.port)/"))
        #expect(response.status == .ok)
        #expect(response.version == .http1_0)
        #expect(response.bodyText.contains("TLSv1.3") || response.bodyText.contains("TLSv1.2"))
        // By IP address: verified against the certificate's IP subjectAltName, no SNI.
        let byAddress = try client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(server.port)/"))
        #expect(byAddress.status == .ok)
    }

    @Test func wrongHostNameIsRefused() throws {
        let server = try fixture.serve("other-name")
        let error = clientError {
            _ = try client().execute(HTTPClientRequest(url: "https://localhost:\(server.port)/"))
        }
        #expect(error?.code == .certificateHostnameMismatch)
        #expect(error?.reason.lowercased().contains("hostname mismatch") == true, "\(String(describing: error))")
        #expect(error?.requestSent == false)
    }

    @Test func expiredCertificateIsRefused() throws {
        let server = try fixture.serve("expired")
        let error = clientError {
            _ = try client().execute(HTTPClientRequest(url: "https://localhost:\(server.port)/"))
        }
        #expect(error?.code == .certificateExpired)
        #expect(error?.reason.contains("certificate has expired") == true, "\(String(describing: error))")
    }

    @Test func unknownCAIsRefused() throws {
        let server = try fixture.serve("unknown-ca")
        let error = clientError {
            _ = try client().execute(HTTPClientRequest(url: "https://localhost:\(server.port)/"))
        }
        #expect(error?.code == .certificateUntrusted)
        #expect(
            error?.reason.contains("unable to get local issuer certificate") == true, "\(String(describing: error))")
    }

    @Test func withoutTheCAFileTheTestCAIsUnknown() throws {
        let server = try fixture.serve("good")
        let client = try HTTPClient()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: "https://localhost:\(server.port)/")) }
        #expect(error?.code == .certificateUntrusted)
        #expect(error?.code.isCertificateFailure == true)
    }

    @Test func plainHTTPServerIsNotMistakenForTLS() throws {
        let live = try LiveServer(responder: ClientTestResponder())
        let error = clientError { _ = try client().execute(HTTPClientRequest(url: "https://127.0.0.1:\(live.port)/")) }
        #expect(error?.code == .tlsHandshakeFailed, "\(String(describing: error))")
    }
}
