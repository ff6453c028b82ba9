import Foundation
import HTTP
import Intake
import Rules
import Testing

/// The details of single schemes, beyond what every preset shares.
@Suite struct SignatureSchemeTests {
    private let secret = [Secret(Vectors.secret)]

    private func verify(
        _ scheme: SignatureScheme, secrets: [String] = [Vectors.secret], headers: [(String, String)],
        body: String = Vectors.body, target: String = "/hooks/test", url: String? = nil, publicURL: String? = nil,
        method: String = "POST", now: Date = Vectors.now
    ) -> SignatureVerdict {
        let settings = SignatureSettings(scheme: scheme, secrets: secrets.map(Secret.init), url: url)
        let request = SignedRequest(
            method: method, target: target, headers: HTTPHeaders(headers), body: Array(body.utf8), publicURL: publicURL)
        return SignatureVerifier(settings).verify(request, now: now)
    }

    // MARK: Stripe and its shape (Calendly, Paddle)

    @Test func stripeIgnoresOtherSchemesAndAcceptsAnyV1() {
        let header =
            "t=\(Vectors.timestamp),v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39,"
            + "v1=\(Vectors.stripeSignatureWithOldSecret),v1=\(Vectors.stripeSignature)"
        #expect(verify(.preset(.stripe), headers: [("stripe-signature", header)]).isValid)
        #expect(verify(.preset(.stripe), secrets: ["old_secret"], headers: [("Stripe-Signature", header)]).isValid)
    }

    @Test func stripeItemsMayBeSpacedOrEmpty() {
        let header = ",t=\(Vectors.timestamp),, v1=not-hex,  v1=\(Vectors.stripeSignature),"
        #expect(verify(.preset(.stripe), headers: [("Stripe-Signature", header)]).isValid)
    }

    @Test(arguments: [
        ("v1=\(Vectors.stripeSignature)", "no t= Unix time"),
        ("t=soon,v1=\(Vectors.stripeSignature)", "no t= Unix time"),
        ("t=\(Vectors.timestamp)", "no v1= signature"),
        ("t=\(Vectors.timestamp),v1=not-hex", "the v1= signature is not hex"),
        ("garbage", "no t= Unix time"),
    ])
    func stripeMalformedHeaders(_ header: String, _ problem: String) {
        #expect(
            verify(.preset(.stripe), headers: [("Stripe-Signature", header)])
                == .invalid(.malformedHeader("Stripe-Signature", problem)))
    }

    @Test func paddleJoinsWithAColonNotADot() {
        // Stripe's signature (joined with '.') in Paddle's header does not pass.
        let header = "ts=\(Vectors.timestamp);h1=\(Vectors.stripeSignature)"
        #expect(verify(.preset(.paddle), headers: [("Paddle-Signature", header)]) == .invalid(.noSignatureMatches))
    }

    // MARK: Standard Webhooks and Svix

    @Test func standardWebhooksPublishedVector() {
        let headers = [
            ("webhook-id", "msg_p5jXN8AQM9LWM0D4loKWxJek"), ("webhook-timestamp", "1614265330"),
            ("webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="),
        ]
        #expect(
            verify(
                .preset(.standardWebhooks), secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"], headers: headers,
                body: #"{"test": 2432232314}"#, now: Date(timeIntervalSince1970: 1_614_265_330))
                == .valid(eventID: "msg_p5jXN8AQM9LWM0D4loKWxJek"))
    }

    @Test func svixHeadersAndSeveralSignatures() {
        let headers = [
            ("svix-id", "msg_test_1"), ("svix-timestamp", "\(Vectors.timestamp)"),
            ("svix-signature", "v1a,ed25519notchecked v1,AAAA v1,2JvcQ6Y6X0PXNSEKgxnhC0aoN5Uaxxqoc2f+yL7F084="),
        ]
        #expect(
            verify(.preset(.standardWebhooks), secrets: [Vectors.standardWebhooksSecret], headers: headers)
                == .valid(eventID: "msg_test_1"))
        // Whitelabelled senders use webhook-*; a key without the whsec_ prefix is accepted too.
        #expect(
            verify(.preset(.standardWebhooks), secrets: ["dGVzdF9zZWNyZXRfMTIz"], headers: headers)
                == .valid(eventID: "msg_test_1"))
        // A key that is not base64 is unusable (the loader refuses it first).
        #expect(
            verify(.preset(.standardWebhooks), secrets: ["whsec_dGVzdF9zZWNyZXRfMTIz="], headers: headers)
                == .invalid(.noSecretConfigured))
    }

    @Test func standardWebhooksNeedsEveryHeader() {
        let all = [
            ("webhook-id", "msg_test_1"), ("webhook-timestamp", "\(Vectors.timestamp)"),
            ("webhook-signature", "v1,2JvcQ6Y6X0PXNSEKgxnhC0aoN5Uaxxqoc2f+yL7F084="),
        ]
        let scheme = SignatureScheme.preset(.standardWebhooks)
        let secrets = [Vectors.standardWebhooksSecret]
        #expect(
            verify(scheme, secrets: secrets, headers: all.filter { $0.0 != "webhook-id" })
                == .invalid(.missingHeader("webhook-id")))
        #expect(
            verify(scheme, secrets: secrets, headers: all.filter { $0.0 != "webhook-timestamp" })
                == .invalid(.missingHeader("webhook-timestamp")))
        #expect(
            verify(scheme, secrets: secrets, headers: [all[0], all[1], ("webhook-signature", "v1a,xyz")])
                == .invalid(.malformedHeader("webhook-signature", "no v1 signature")))
        #expect(
            verify(scheme, secrets: secrets, headers: [all[0], ("webhook-timestamp", "yesterday"), all[2]])
                == .invalid(.malformedHeader("webhook-timestamp", "not a Unix time in seconds")))
        // The id is signed: another id fails.
        #expect(
            verify(scheme, secrets: secrets, headers: [("webhook-id", "msg_test_2"), all[1], all[2]])
                == .invalid(.noSignatureMatches))
    }

    // MARK: Header forms

    @Test func githubPublishedVector() {
        #expect(
            verify(
                .preset(.github), secrets: ["It's a Secret to Everybody"],
                headers: [
                    ("X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17")
                ],
                body: "Hello, World!") == .valid(eventID: nil))
    }

    @Test func prefixesAreRequiredWhereDocumented() {
        #expect(
            verify(.preset(.github), headers: [("X-Hub-Signature-256", Vectors.hexOfBody)])
                == .invalid(.malformedHeader("X-Hub-Signature-256", "expected the prefix 'sha256='")))
        // Hex digits are base64 characters too: GitHub's form in Typeform's header decodes, and does not match.
        #expect(
            verify(.preset(.typeform), headers: [("Typeform-Signature", "sha256=\(Vectors.hexOfBody)")])
                == .invalid(.noSignatureMatches))
        #expect(
            verify(.preset(.typeform), headers: [("Typeform-Signature", "sha256=!")])
                == .invalid(.malformedHeader("Typeform-Signature", "not base64")))
        #expect(
            verify(.preset(.lemonsqueezy), headers: [("X-Signature", "sha256=\(Vectors.hexOfBody)")])
                == .invalid(.malformedHeader("X-Signature", "not hex")))
        // Mollie's prefix is unconfirmed: with and without.
        #expect(verify(.preset(.mollie), headers: [("X-Mollie-Signature", Vectors.hexOfBody)]).isValid)
        // Upper-case hex is the same digest.
        #expect(verify(.preset(.lemonsqueezy), headers: [("X-Signature", Vectors.hexOfBody.uppercased())]).isValid)
    }

    @Test func repeatedHeadersAreEachTried() {
        let headers = [
            ("X-Mollie-Signature", "sha256=" + String(repeating: "0", count: 64)),
            ("X-Mollie-Signature", "sha256=\(Vectors.hexOfBody)"),
        ]
        #expect(verify(.preset(.mollie), headers: headers).isValid)
    }

    @Test func docuSignAcceptsAnyNumberedHeader() {
        let headers = [
            ("X-DocuSign-Signature-1", "AAAA"), ("x-docusign-signature-2", Vectors.base64OfBody),
            ("X-DocuSign-Signature-Ignored", Vectors.base64OfBody),
        ]
        #expect(verify(.preset(.docusign), headers: headers).isValid)
        #expect(verify(.preset(.docusign), headers: [headers[0]]) == .invalid(.noSignatureMatches))
        #expect(verify(.preset(.docusign), headers: [headers[2]]) == .invalid(.missingHeader("X-DocuSign-Signature-1")))
    }

    @Test func squareSignsTheNotificationURL() {
        let header = [("X-Square-HmacSha256-Signature", "lJuc8PuVb2tcTHOzuLQBkIj+7m81MTvrCGLS7SF9brA=")]
        #expect(verify(.preset(.square), headers: header, publicURL: Vectors.squareURL).isValid)
        #expect(
            verify(.preset(.square), headers: header, url: Vectors.squareURL, publicURL: "http://internal:8080/x")
                .isValid)
        #expect(
            verify(.preset(.square), headers: header, url: Vectors.squareURL + "/") == .invalid(.noSignatureMatches))
        #expect(verify(.preset(.square), headers: header) == .invalid(.unknownURL))
    }

    @Test func pandaDocReadsTheQuery() {
        #expect(verify(.preset(.pandadoc), headers: [], target: "/hooks/p?x=1&signature=\(Vectors.hexOfBody)").isValid)
        #expect(
            verify(.preset(.pandadoc), headers: [], target: "/hooks/p?signature=xyz")
                == .invalid(.malformedPayload("query parameter 'signature' is not hex")))
    }

    // MARK: Dropbox Sign

    @Test func dropboxSignHashDoesNotCoverTheBody() {
        let changedElsewhere = Vectors.dropboxSignBody.replacing(
            #"{"event":{"#, with: #"{"signature_request":{"title":"forged"},"event":{"#)
        #expect(verify(.preset(.dropboxSign), headers: [], body: changedElsewhere).isValid)
        #expect(
            verify(.preset(.dropboxSign), headers: [], body: "not json")
                == .invalid(.malformedPayload("expected JSON, or a form field 'json' holding it")))
        #expect(
            verify(.preset(.dropboxSign), headers: [], body: "{}") == .invalid(.malformedPayload("no 'event' object")))
    }

    @Test func dropboxSignAsFormFields() {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-_.")
        let encoded = Vectors.dropboxSignBody.addingPercentEncoding(withAllowedCharacters: allowed)!
        #expect(
            verify(
                .preset(.dropboxSign), headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: "json=\(encoded)"
            ).isValid)
        let multipart =
            "--XyZ\r\nContent-Disposition: form-data; name=\"other\"\r\n\r\nx\r\n"
            + "--XyZ\r\nContent-Disposition: form-data; name=\"json\"\r\n\r\n\(Vectors.dropboxSignBody)\r\n--XyZ--\r\n"
        #expect(
            verify(
                .preset(.dropboxSign), headers: [("Content-Type", "multipart/form-data; boundary=XyZ")], body: multipart
            )
            .isValid)
    }

    // MARK: The generic scheme

    @Test func genericHMACWithTimestampAndBase64() throws {
        let scheme = HMACSignatureScheme(
            header: "X-Signature", algorithm: .sha512, encoding: .base64, prefix: "v1=",
            signed: try SignedTemplate(parsing: "{timestamp}.{body}"), timestampHeader: "X-Timestamp")
        let signature = "v1=I/lLpTbjvo++m9cEZmYFVf9onRCyXkedYl+M2xXwdefLVZ0+0hjWHLydOc7SNiX/g8BEaJkBQHwUrwAT2tfP7g=="
        let headers = [("X-Signature", signature), ("X-Timestamp", "\(Vectors.timestamp)")]
        #expect(verify(.hmac(scheme), headers: headers) == .valid(eventID: nil))
        #expect(verify(.hmac(scheme), headers: [headers[0]]) == .invalid(.missingHeader("X-Timestamp")))
        #expect(
            verify(.hmac(scheme), headers: [headers[0], ("X-Timestamp", "\(Vectors.timestamp + 1)")])
                == .invalid(.noSignatureMatches))
        #expect(
            verify(
                .hmac(scheme), headers: headers, now: Date(timeIntervalSince1970: TimeInterval(Vectors.timestamp + 900))
            )
                == .invalid(.timestampOutsideTolerance(age: 900, tolerance: 300)))
        #expect(
            verify(.hmac(scheme), headers: [("X-Signature", String(signature.dropFirst(3))), headers[1]])
                == .invalid(.malformedHeader("X-Signature", "expected the prefix 'v1='")))
    }

    @Test func genericHMACOverURLPathAndHeaders() throws {
        let scheme = HMACSignatureScheme(
            header: "X-Sig", algorithm: .sha1,
            signed: try SignedTemplate(parsing: "{url}|{path}|{header:X-Request-Id}|{body}"))
        let headers = [("X-Sig", "d4e846dfa99bf666d8512430c4e6c345c2ffbc42"), ("X-Request-Id", "req-1")]
        #expect(
            verify(
                .hmac(scheme), headers: headers, target: "/hooks/x?a=1", publicURL: "https://hooks.example.com/hooks/x"
            )
            .isValid)
        #expect(
            verify(
                .hmac(scheme), headers: [headers[0]], target: "/hooks/x?a=1",
                publicURL: "https://hooks.example.com/hooks/x")
                == .invalid(.missingHeader("X-Request-Id")))
        #expect(verify(.hmac(scheme), headers: headers, target: "/hooks/x?a=1") == .invalid(.unknownURL))
    }

    @Test(arguments: [Int.min, Int.max, -1, 0])
    func extremeSignedTimestampsAreRefusedWithoutTrapping(_ timestamp: Int) throws {
        let scheme = HMACSignatureScheme(
            header: "X-Sig", signed: try SignedTemplate(parsing: "{timestamp}.{body}"), timestampHeader: "X-Ts")
        let code = HMAC.authenticationCode(
            for: Array("\(timestamp).\(Vectors.body)".utf8), key: Array(Vectors.secret.utf8), using: .sha256)
        let verdict = verify(.hmac(scheme), headers: [("X-Sig", Hex.encode(code)), ("X-Ts", "\(timestamp)")])
        guard case .invalid(let failure) = verdict else {
            Issue.record("accepted \(timestamp)")
            return
        }
        #expect(failure.kind == .timestampOutsideTolerance)
        #expect(
            verify(.preset(.stripe), headers: [("Stripe-Signature", "t=\(timestamp),v1=\(Vectors.stripeSignature)")])
                == .invalid(.noSignatureMatches))
    }

    @Test func genericHMACDefaultsToGitHubsShapeWithoutPrefix() {
        #expect(verify(.hmac(HMACSignatureScheme(header: "X-Sig")), headers: [("x-sig", Vectors.hexOfBody)]).isValid)
    }

    // MARK: Basic, token, Adobe Acrobat Sign

    @Test func basicAuthentication() {
        let scheme = SignatureScheme.basic(username: "acme")
        let good = [("Authorization", "Basic YWNtZTpwYTU1OndvcmQ=")]  // acme:pa55:word
        #expect(verify(scheme, secrets: ["pa55:word"], headers: good) == .valid(eventID: nil))
        #expect(verify(scheme, secrets: ["old", "pa55:word"], headers: good).isValid)
        #expect(verify(scheme, secrets: ["other"], headers: good) == .invalid(.credentialsRejected))
        #expect(
            verify(.basic(username: "acme2"), secrets: ["pa55:word"], headers: good) == .invalid(.credentialsRejected))
        #expect(verify(scheme, secrets: ["pa55:word"], headers: []) == .invalid(.missingHeader("Authorization")))
        #expect(
            verify(scheme, secrets: ["pa55:word"], headers: [("Authorization", "Bearer YWNtZTpwYTU1OndvcmQ=")])
                == .invalid(.malformedHeader("Authorization", "expected Basic and base64 of user:password")))
        let settings = SignatureSettings(scheme: scheme, secrets: [Secret("x")])
        #expect(SignatureVerifier(settings).rejectionHeaders["WWW-Authenticate"]?.hasPrefix("Basic realm=") == true)
    }

    @Test func staticToken() {
        #expect(verify(.token(header: "X-Hook-Token"), secrets: ["t0k"], headers: [("x-hook-token", "t0k")]).isValid)
        #expect(
            verify(.token(header: "X-Hook-Token"), secrets: ["t0k"], headers: [("X-Hook-Token", "t0k ")])
                == .invalid(.credentialsRejected))
        #expect(
            verify(.token(header: "X-Hook-Token"), secrets: ["t0k"], headers: [])
                == .invalid(.missingHeader("X-Hook-Token")))
        #expect(
            verify(.token(header: "Authorization"), secrets: ["t0k"], headers: [("Authorization", "Bearer t0k")])
                .isValid)
        #expect(verify(.token(header: "Authorization"), secrets: ["t0k"], headers: [("Authorization", "t0k")]).isValid)
    }

    @Test func adobeSignClientIDIsCheckedAndEchoed() {
        let settings = SignatureSettings(scheme: .preset(.adobeSign), secrets: [Secret("ABC123")])
        let verifier = SignatureVerifier(settings)
        let post = SignedRequest(
            target: "/hooks/adobe", headers: ["X-ADOBESIGN-CLIENTID": "ABC123"], body: Array("{}".utf8))
        #expect(verifier.verify(post, now: Vectors.now) == .valid(eventID: nil))
        let answer = verifier.acknowledgement(for: post)
        #expect(answer?.status == .ok)
        #expect(answer?.headers["X-AdobeSign-ClientId"] == "ABC123")
        #expect(verifier.handshake(for: post) == nil)
        let get = SignedRequest(
            method: "GET", target: "/hooks/adobe", headers: ["X-AdobeSign-ClientId": "ABC123"], body: [])
        #expect(verifier.handshake(for: get)?.headers["X-AdobeSign-ClientId"] == "ABC123")
        let stranger = SignedRequest(
            method: "GET", target: "/hooks/adobe", headers: ["X-AdobeSign-ClientId": "EVIL"], body: [])
        #expect(verifier.handshake(for: stranger) == nil)
        #expect(verifier.verify(stranger, now: Vectors.now) == .invalid(.credentialsRejected))
        #expect(verifier.acknowledgement(for: stranger) == nil)
    }

    // MARK: Answers

    @Test func answersProvidersNeed() {
        func verifier(_ preset: SignaturePreset) -> SignatureVerifier {
            SignatureVerifier(SignatureSettings(scheme: .preset(preset), secrets: secret))
        }
        let request = SignedRequest(target: "/", headers: HTTPHeaders(), body: Array(Vectors.dropboxSignBody.utf8))
        let dropbox = verifier(.dropboxSign).acknowledgement(for: request)
        #expect(dropbox?.status == .ok)
        #expect(dropbox.map { String(decoding: $0.body, as: UTF8.self) } == "Hello API Event Received")
        #expect(verifier(.lemonsqueezy).acknowledgement(for: request)?.status == .ok)
        #expect(verifier(.stripe).acknowledgement(for: request) == nil)
        #expect(verifier(.gocardless).rejectionStatus.code == 498)
        #expect(verifier(.stripe).rejectionStatus == .unauthorized)

        let ping = SignedRequest(
            target: "/", headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Array("webhook_id=42".utf8))
        #expect(verifier(.woocommerce).handshake(for: ping)?.status == .ok)
        #expect(verifier(.woocommerce).verify(ping, now: Vectors.now).isValid == false)
        #expect(verifier(.stripe).handshake(for: ping) == nil)
        let notPing = SignedRequest(target: "/", headers: HTTPHeaders(), body: Array("webhook_id=42&x=1".utf8))
        #expect(verifier(.woocommerce).handshake(for: notPing) == nil)
    }
}
