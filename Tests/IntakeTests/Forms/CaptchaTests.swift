import Dispatch
import HTTP
import Intake
import JSON
import Logging
import Rules
import Synchronization
import Testing

/// A stand-in siteverify endpoint: `success` is true for the token `good`; `/broken` answers 500, `/text` no
/// JSON, `/slow` after a second. Every request body it got is kept.
final class StandInVerifier: HTTPResponder {
    let received = Mutex<[String]>([])

    func bodyLimit(for head: HTTPRequestHead) -> Int { 64 << 10 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let body = String(decoding: request.body, as: UTF8.self)
        received.withLock { $0.append(body) }
        switch request.head.path {
        case "/broken":
            writer.write(HTTPResponse(status: .internalServerError, contentType: "text/plain", body: "oops"))
        case "/text":
            writer.write(HTTPResponse(status: .ok, contentType: "text/html", body: "<html>"))
        case "/slow":
            DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(1)) {
                writer.write(HTTPResponse(status: .ok, contentType: "application/json", body: #"{"success":true}"#))
            }
        default:
            let form = (try? FormURLEncoded.decode(request.body)) ?? [:]
            let success = form["response"] == "good" && form["secret"] == "captcha-secret"
            writer.write(
                HTTPResponse(
                    status: .ok, contentType: "application/json",
                    body: #"{"success":\#(success),"error-codes":\#(success ? "[]" : #"["invalid-input-response"]"#)}"#)
            )
        }
    }
}

/// The stand-in on `127.0.0.1:0`, shut down when the test ends.
final class StandInServer {
    let verifier = StandInVerifier()
    let server: HTTPServer
    let port: UInt16

    init() throws {
        let configuration = HTTPServerConfiguration(
            addresses: [try BindAddress(parsing: "127.0.0.1:0")], eventLoopCount: 1)
        server = HTTPServer(
            configuration: configuration, responder: verifier,
            logger: Logger(level: .critical, handler: InMemoryLogHandler()))
        port = try server.start()[0].port
    }

    deinit { _ = server.shutdown(gracePeriod: .seconds(2)) }

    func url(_ path: String = "/siteverify") -> String { "http://127.0.0.1:\(port)\(path)" }
}

@Suite(.serialized) struct CaptchaTests {
    private let now = 1_767_225_600

    private func guards(
        _ server: StandInServer?, path: String = "/siteverify", provider: FormSettings.CaptchaProvider = .turnstile,
        timeout: Duration = .seconds(5)
    ) throws -> FormGuard {
        let url = server?.url(path) ?? "http://127.0.0.1:1/siteverify"
        let captcha = FormSettings.Captcha(
            provider: provider, secret: Secret("captcha-secret"), verifyURL: url, timeout: timeout)
        return FormGuard(settings: FormSettings(captcha: captcha), client: try HTTPClient())
    }

    @Test(arguments: FormSettings.CaptchaProvider.allCases)
    func validTokenPassesAndInvalidFails(provider: FormSettings.CaptchaProvider) throws {
        let server = try StandInServer()
        let guards = try guards(server, provider: provider)
        let field = provider.responseField
        #expect(guards.check(form: [field: "good"], head: formHead(), context: context(), now: now) == .pass)
        #expect(
            guards.check(form: [field: "bad"], head: formHead(), context: context(), now: now) == .spam(.captchaFailed))
        #expect(
            guards.check(form: ["name": "Ana"], head: formHead(), context: context(), now: now)
                == .spam(.captchaMissing))
        let sent = server.verifier.received.withLock { $0 }
        #expect(
            sent == [
                "secret=captcha-secret&response=good&remoteip=203.0.113.7",
                "secret=captcha-secret&response=bad&remoteip=203.0.113.7",
            ])
    }

    @Test func providersUseTheirDocumentedFieldsAndEndpoints() {
        #expect(FormSettings.CaptchaProvider.turnstile.responseField == "cf-turnstile-response")
        #expect(FormSettings.CaptchaProvider.hcaptcha.responseField == "h-captcha-response")
        #expect(FormSettings.CaptchaProvider.recaptcha.responseField == "g-recaptcha-response")
        #expect(
            FormSettings.CaptchaProvider.turnstile.verifyURL
                == "https://challenges.cloudflare.com/turnstile/v0/siteverify")
    }

    @Test func anUnreachableOrBrokenVerifierFailsClosed() throws {
        let server = try StandInServer()
        let field = "cf-turnstile-response"
        for guards in [
            try guards(nil), try guards(server, path: "/broken"), try guards(server, path: "/text"),
            try guards(server, path: "/slow", timeout: .milliseconds(200)),
        ] {
            let verdict = guards.check(form: [field: "good"], head: formHead(), context: context(), now: now)
            guard case .unavailable(let reason, let detail) = verdict else {
                Issue.record("expected .unavailable, got \(verdict)")
                continue
            }
            #expect(reason == .captchaUnavailable)
            #expect(detail.hasPrefix("turnstile siteverify"))
            #expect(!detail.contains("captcha-secret"))
        }
        // No client at all: the same.
        let clientless = FormGuard(
            settings: FormSettings(captcha: .init(provider: .hcaptcha, secret: Secret("s"))), client: nil)
        if case .unavailable = clientless.check(
            form: ["h-captcha-response": "t"], head: formHead(), context: context(), now: now)
        {
        } else {
            Issue.record("a guard without a client should fail closed")
        }
    }

    @Test func overlongTokensFailWithoutAsking() throws {
        let server = try StandInServer()
        let guards = try guards(server)
        let long = String(repeating: "a", count: CaptchaVerifier.maxTokenLength + 1)
        #expect(
            guards.check(form: ["cf-turnstile-response": .string(long)], head: formHead(), context: context(), now: now)
                == .spam(.captchaFailed))
        #expect(server.verifier.received.withLock { $0.isEmpty })
    }
}
