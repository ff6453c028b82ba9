import Foundation
import HTTP
import Intake
import Rules
import Testing

/// The reference's §3 inputs: every provider's signature over the same body, secret and time.
enum Vectors {
    static let secret = "test_secret_123"
    static let body = #"{"id":"evt_1","type":"payment.succeeded"}"#
    static let timestamp = 1_767_225_600
    static let squareURL = "https://hooks.example.com/hooks/square"
    static let standardWebhooksSecret = "whsec_dGVzdF9zZWNyZXRfMTIz"
    /// Ten seconds after the signed time.
    static let now = Date(timeIntervalSince1970: TimeInterval(timestamp + 10))

    static let hexOfBody = "d75fdf45be573989258440c830a4cfa08d64a97a572256343b3426e0f645d3fb"
    static let base64OfBody = "11/fRb5XOYklhEDIMKTPoI1kqXpXIlY0OzQm4PZF0/s="
    static let stripeSignature = "fc8f0679110044bcac1114d3b26e53514cb34e77a76d5328530a092f3f1fe827"
    /// `old_secret`'s Stripe signature of the same body and time.
    static let stripeSignatureWithOldSecret = "2de4fcb59fca4ee679c20a7b56a1af38fffa9a5a7287a3140901e632cb49a051"
    static let dropboxSignHash = "d9fd255e2098a8cd20fb08cbb2eef0831fc7af9a1886346bb178e836c9b0e28f"
    static let dropboxSignBody =
        #"{"event":{"event_time":"1767225600","event_type":"signature_request_all_signed","event_hash":"\#(dropboxSignHash)"}}"#
}

/// One preset's valid request, and what a test may take away from it.
struct PresetVector: Sendable, CustomTestStringConvertible {
    var preset: SignaturePreset
    var secret: String = Vectors.secret
    var headers: [(String, String)]
    var target: String = "/hooks/test"
    var body: String = Vectors.body
    var url: String?
    /// The eventID a valid request yields.
    var eventID: String?
    /// What `verify` says once the signature's carrier (header, query, payload field) is taken away.
    var missing: SignatureFailure
    /// Whether the scheme signs a time (so that an old request fails).
    var isTimestamped: Bool { preset.isTimestamped }

    var testDescription: String { preset.rawValue }

    var settings: SignatureSettings {
        SignatureSettings(scheme: .preset(preset), secrets: [Secret(secret)], url: url)
    }

    func request(body: String? = nil, headers: [(String, String)]? = nil, target: String? = nil) -> SignedRequest {
        SignedRequest(
            target: target ?? self.target, headers: HTTPHeaders(headers ?? self.headers),
            body: Array((body ?? self.body).utf8))
    }

    /// The request without its signature.
    var unsigned: SignedRequest {
        switch preset {
        case .pandadoc: return request(target: "/hooks/test")
        case .dropboxSign: return request(body: #"{"event":{"event_time":"1","event_type":"x"}}"#)
        default:
            return request(
                headers: headers.filter {
                    !$0.0.lowercased().contains("signature") && !$0.0.lowercased().contains("hmac")
                })
        }
    }

    /// The request with its body changed (for Dropbox Sign, the signed event type).
    var tampered: SignedRequest {
        switch preset {
        case .dropboxSign:
            request(body: body.replacing("signature_request_all_signed", with: "signature_request_declined"))
        default: request(body: body.replacing("payment.succeeded", with: "payment.refunded"))
        }
    }

    static let all: [PresetVector] = [
        PresetVector(
            preset: .stripe, headers: [("Stripe-Signature", "t=\(Vectors.timestamp),v1=\(Vectors.stripeSignature)")],
            missing: .missingHeader("Stripe-Signature")),
        PresetVector(
            preset: .standardWebhooks, secret: Vectors.standardWebhooksSecret,
            headers: [
                ("webhook-id", "msg_test_1"), ("webhook-timestamp", "\(Vectors.timestamp)"),
                ("webhook-signature", "v1,2JvcQ6Y6X0PXNSEKgxnhC0aoN5Uaxxqoc2f+yL7F084="),
            ], eventID: "msg_test_1", missing: .missingHeader("webhook-signature")),
        PresetVector(
            preset: .github,
            headers: [("X-Hub-Signature-256", "sha256=\(Vectors.hexOfBody)"), ("X-GitHub-Delivery", "72d3162e")],
            eventID: "72d3162e", missing: .missingHeader("X-Hub-Signature-256")),
        PresetVector(
            preset: .shopify,
            headers: [("X-Shopify-Hmac-Sha256", Vectors.base64OfBody), ("X-Shopify-Event-Id", "98880550-7158-44d4")],
            eventID: "98880550-7158-44d4", missing: .missingHeader("X-Shopify-Hmac-Sha256")),
        PresetVector(
            preset: .paddle,
            headers: [
                (
                    "Paddle-Signature",
                    "ts=\(Vectors.timestamp);h1=f452317275ee7951c111521ff975ba3205e5bea227e591f770f7dc4e5201a0a1"
                )
            ], missing: .missingHeader("Paddle-Signature")),
        PresetVector(
            preset: .lemonsqueezy, headers: [("X-Signature", Vectors.hexOfBody)], missing: .missingHeader("X-Signature")
        ),
        PresetVector(
            preset: .square,
            headers: [("x-square-hmacsha256-signature", "lJuc8PuVb2tcTHOzuLQBkIj+7m81MTvrCGLS7SF9brA=")],
            url: Vectors.squareURL, missing: .missingHeader("X-Square-HmacSha256-Signature")),
        PresetVector(
            preset: .paystack,
            headers: [
                (
                    "x-paystack-signature",
                    "0e58f1a068b214772cf8665fc5ada7090ef2453e7277eb91212ebc3823f99dbd2f2a63242dc8cc3001167c3deaba5f12"
                        + "2d29dc728c3f90c94d80ec6a576d4658"
                )
            ], missing: .missingHeader("X-Paystack-Signature")),
        PresetVector(
            preset: .razorpay,
            headers: [("X-Razorpay-Signature", Vectors.hexOfBody), ("x-razorpay-event-id", "KYkNVxLvJmyrgT")],
            eventID: "KYkNVxLvJmyrgT", missing: .missingHeader("X-Razorpay-Signature")),
        PresetVector(
            preset: .gocardless, headers: [("Webhook-Signature", Vectors.hexOfBody)],
            missing: .missingHeader("Webhook-Signature")),
        PresetVector(
            preset: .woocommerce, headers: [("X-WC-Webhook-Signature", Vectors.base64OfBody)],
            missing: .missingHeader("X-WC-Webhook-Signature")),
        PresetVector(
            preset: .mollie, headers: [("X-Mollie-Signature", "sha256=\(Vectors.hexOfBody)")],
            missing: .missingHeader("X-Mollie-Signature")),
        PresetVector(
            preset: .docusign, headers: [("X-DocuSign-Signature-1", Vectors.base64OfBody)],
            missing: .missingHeader("X-DocuSign-Signature-1")),
        PresetVector(
            preset: .pandadoc, headers: [("X-PandaDoc-Webhook-Event-Id", "0b2c5e5e")],
            target: "/hooks/test?signature=\(Vectors.hexOfBody)", eventID: "0b2c5e5e",
            missing: .missingQueryParameter("signature")),
        PresetVector(
            preset: .dropboxSign, headers: [("Content-Type", "application/json")], body: Vectors.dropboxSignBody,
            missing: .malformedPayload("no event.event_hash")),
        PresetVector(
            preset: .yousign, headers: [("X-Yousign-Signature-256", "sha256=\(Vectors.hexOfBody)")],
            missing: .missingHeader("X-Yousign-Signature-256")),
        PresetVector(
            preset: .typeform, headers: [("Typeform-Signature", "sha256=\(Vectors.base64OfBody)")],
            missing: .missingHeader("Typeform-Signature")),
        PresetVector(
            preset: .calendly,
            headers: [("Calendly-Webhook-Signature", "t=\(Vectors.timestamp),v1=\(Vectors.stripeSignature)")],
            missing: .missingHeader("Calendly-Webhook-Signature")),
    ]
}
