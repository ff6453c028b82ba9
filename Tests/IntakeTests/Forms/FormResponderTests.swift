import HTTP
import Intake
import JSON
import Rules
import Testing

/// A POST head to the contact form with `headers`.
func formHead(_ headers: HTTPHeaders = [:]) -> HTTPRequestHead {
    HTTPRequestHead(method: "POST", target: "/forms/contact", version: .http1_1, headers: headers)
}

let browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

extension HTTPResponse {
    var text: String { String(decoding: body, as: UTF8.self) }
}

@Suite struct FormResponderTests {
    private let settings = FormSettings(
        redirect: "https://www.example.com/thanks", errorRedirect: "https://www.example.com/contact#form",
        allowedRedirects: [.exact("https://www.example.com/welcome"), .prefix("https://www.example.com/thanks/")])
    private let emailError = PlanningError(message: "Please give your e-mail address", field: "email")

    @Test func classicPostIsRedirectedToTheRoutesPage() {
        let response = FormResponder(settings: settings).response(
            to: formHead(["Accept": browserAccept]), form: ["name": "Ana"], outcome: .accepted(eventID: "ev_1"))
        #expect(response.status == .seeOther)
        #expect(response.headers["Location"] == "https://www.example.com/thanks")
        #expect(response.headers["Cache-Control"] == "no-store")
        #expect(response.body.isEmpty)
    }

    @Test func nextIsHonouredOnlyWhenAllowed() {
        let responder = FormResponder(settings: settings)
        for (next, expected) in [
            ("https://www.example.com/welcome", "https://www.example.com/welcome"),
            ("https://www.example.com/thanks/de", "https://www.example.com/thanks/de"),
            ("https://www.example.com/thanks/../../x", "https://www.example.com/thanks/../../x"),
            // Refused, so the route's own page is used:
            ("https://www.example.com/welcome?x", "https://www.example.com/thanks"),
            ("https://evil.example/", "https://www.example.com/thanks"),
            ("https://www.example.com/thanks", "https://www.example.com/thanks"),
            ("https://www.example.com.evil.example/thanks/", "https://www.example.com/thanks"),
            ("https://www.example.com/thanks/\\evil", "https://www.example.com/thanks"),
            ("https://www.example.com/thanks/\r\nSet-Cookie: a=b", "https://www.example.com/thanks"),
            ("//evil.example/", "https://www.example.com/thanks"),
            ("javascript:alert(1)", "https://www.example.com/thanks"),
        ] {
            let response = responder.response(
                to: formHead(), form: ["_next": .string(next)], outcome: .accepted(eventID: "ev_1"))
            #expect(response.headers["Location"] == expected, "\(next)")
        }
        let listed = FormResponder(settings: settings).response(
            to: formHead(), form: ["_next": ["https://www.example.com/welcome", "x"]], outcome: .accepted(eventID: "e"))
        #expect(listed.headers["Location"] == "https://www.example.com/thanks")
    }

    @Test func prefixPatternsCannotMatchAnotherHostOrUser() {
        let pattern = FormSettings.RedirectPattern.prefix("https://www.example.com/")
        #expect(pattern.matches("https://www.example.com/a"))
        #expect(!pattern.matches("https://www.example.com@evil.example/"))
        #expect(!pattern.matches("https://www.example.com./"))
        #expect(!pattern.matches("https://www.example.com/a b"))
    }

    @Test func validationFailureRedirectsToTheErrorPageWithTheReason() {
        let response = FormResponder(settings: settings).response(
            to: formHead(["Accept": browserAccept]), form: [:], outcome: .invalid([emailError]))
        #expect(response.status == .seeOther)
        #expect(
            response.headers["Location"]
                == "https://www.example.com/contact?error=Please%20give%20your%20e-mail%20address&field=email#form")
        var query = settings
        query.errorRedirect = "/contact?lang=de"
        #expect(
            FormResponder(settings: query).response(to: formHead(), form: [:], outcome: .invalid([emailError]))
                .headers["Location"] == "/contact?lang=de&error=Please%20give%20your%20e-mail%20address&field=email")
    }

    @Test func withoutPagesABuiltInPageAnswersAndEscapes() {
        let responder = FormResponder(settings: FormSettings())
        let thanks = responder.response(to: formHead(), form: [:], outcome: .accepted(eventID: "ev_1"))
        #expect(thanks.status == .ok)
        #expect(thanks.headers["Content-Type"] == "text/html; charset=utf-8")
        #expect(thanks.text.contains("<h1>Thank you</h1>"))

        let hostile = PlanningError(
            message: "'<script>alert(\"x\")</script>' is not a valid email address", field: "e&<mail>")
        let page = responder.response(to: formHead(), form: [:], outcome: .invalid([hostile, emailError]))
        #expect(page.status == .unprocessableContent)
        #expect(!page.text.contains("<script>"))
        #expect(
            page.text.contains(
                "<li>e&amp;&lt;mail&gt;: &#39;&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; is not a valid email address</li>"
            ))
        #expect(page.text.contains("<li>email: Please give your e-mail address</li>"))
    }

    @Test func ajaxPostsGetJSON() throws {
        let responder = FormResponder(settings: settings)
        let accepted = responder.response(
            to: formHead(["Accept": "application/json"]), form: ["_next": "https://www.example.com/welcome"],
            outcome: .accepted(eventID: "ev_0193"))
        #expect(accepted.status == .accepted)
        #expect(accepted.headers["Content-Type"] == "application/json")
        #expect(accepted.text == #"{"ok":true,"id":"ev_0193"}"#)

        let invalid = responder.response(
            to: formHead(["Accept": "application/json"]), form: [:],
            outcome: .invalid([emailError, PlanningError(message: "too long")]))
        #expect(invalid.status == .unprocessableContent)
        #expect(invalid.headers["Content-Type"] == "application/problem+json")
        let problem = try JSONValue(parsing: invalid.body)
        #expect(problem["status"] == 422)
        #expect(problem["title"] == "Unprocessable Content")
        #expect(
            problem["errors"]
                == [
                    ["field": "email", "message": "Please give your e-mail address"],
                    ["field": nil, "message": "too long"],
                ])
    }

    @Test func spamIsAnsweredExactlyAsAccepted() {
        let responder = FormResponder(settings: settings)
        for headers: HTTPHeaders in [["Accept": "application/json"], ["Accept": browserAccept]] {
            let real = responder.response(to: formHead(headers), form: [:], outcome: .accepted(eventID: "ev_1"))
            let spam = responder.response(to: formHead(headers), form: [:], outcome: .spam(decoyID: "ev_1"))
            #expect(real.status == spam.status)
            #expect(real.headers == spam.headers)
            #expect(real.body == spam.body)
        }
    }

    @Test func refusedBodiesAndOutagesAreTold() throws {
        let responder = FormResponder(settings: FormSettings())
        let tooLarge = RequestContent.DecodingError(
            .tooLarge, "field 'message' is larger than 8 bytes", field: "message")
        let json = responder.response(
            to: formHead(["Accept": "application/json"]), form: .null, outcome: .refused(tooLarge))
        #expect(json.status == .contentTooLarge)
        #expect(try JSONValue(parsing: json.body)["errors"]?[0]?["field"] == "message")
        let page = responder.response(to: formHead(), form: .null, outcome: .refused(tooLarge))
        #expect(page.status == .contentTooLarge)
        #expect(page.text.contains("The form could not be sent"))
        let down = responder.response(to: formHead(), form: .null, outcome: .unavailable(retryAfter: .seconds(60)))
        #expect(down.status == .serviceUnavailable)
        #expect(down.headers["Retry-After"] == "60")
        let redirected = FormResponder(settings: settings).response(
            to: formHead(), form: .null, outcome: .unavailable(retryAfter: .seconds(30)))
        #expect(redirected.status == .seeOther)
        #expect(
            redirected.headers["Location"]?.hasPrefix("https://www.example.com/contact?error=the%20form%20cannot")
                == true)
    }

    @Test(arguments: [
        ("application/json", true), ("application/json, text/plain, */*", true), ("application/problem+json", true),
        (browserAccept, false), ("*/*", false), ("text/html, application/json;q=0.9", false),
        ("application/json;q=0", false), ("application/json;q=1, text/html;q=0.5", true),
    ])
    func acceptDecidesJSON(accept: String, json: Bool) {
        #expect(FormResponder.wantsJSON(formHead(["Accept": accept])) == json)
    }

    @Test func xhrAndJSONBodiesWantJSON() {
        #expect(FormResponder.wantsJSON(formHead(["X-Requested-With": "XMLHttpRequest"])))
        #expect(FormResponder.wantsJSON(formHead(["Content-Type": "application/json; charset=utf-8"])))
        #expect(!FormResponder.wantsJSON(formHead(["Content-Type": "application/x-www-form-urlencoded"])))
    }
}

@Suite struct FormCORSTests {
    private let responder = FormResponder(
        settings: FormSettings(allowedOrigins: .list(["https://www.example.com", "http://localhost:3000"])))

    private func preflightHead(origin: String?, method: String = "POST") -> HTTPRequestHead {
        var headers: HTTPHeaders = [
            "Access-Control-Request-Method": method, "Access-Control-Request-Headers": "content-type",
        ]
        if let origin { headers.add(name: "Origin", value: origin) }
        return HTTPRequestHead(method: "OPTIONS", target: "/forms/contact", version: .http1_1, headers: headers)
    }

    @Test func preflightFromAnAllowedOrigin() {
        let response = responder.preflight(preflightHead(origin: "https://www.example.com"))
        #expect(response.status == .noContent)
        #expect(response.headers["Access-Control-Allow-Origin"] == "https://www.example.com")
        #expect(response.headers["Access-Control-Allow-Methods"] == "POST")
        #expect(response.headers["Access-Control-Allow-Headers"] == "Accept, Content-Type, X-Requested-With")
        #expect(response.headers["Access-Control-Max-Age"] == "600")
        #expect(response.headers["Vary"]?.hasPrefix("Origin") == true)
    }

    @Test func preflightFromAnotherOriginOrForAnotherMethodIsRefused() {
        let other = responder.preflight(preflightHead(origin: "https://evil.example"))
        #expect(other.status == .forbidden)
        #expect(other.headers["Access-Control-Allow-Origin"] == nil)
        #expect(responder.preflight(preflightHead(origin: nil)).status == .forbidden)
        #expect(
            responder.preflight(preflightHead(origin: "https://www.example.com", method: "PUT")).status
                == .methodNotAllowed)
        #expect(
            FormResponder(settings: FormSettings()).preflight(preflightHead(origin: "https://a.example")).status
                == .forbidden)
    }

    @Test func postsFromOtherOriginsAreRefused() throws {
        let refusal = try #require(responder.refusal(forOrigin: formHead(["Origin": "https://evil.example"])))
        #expect(refusal.status == .forbidden)
        #expect(refusal.headers["Content-Type"] == "application/problem+json")
        #expect(refusal.headers["Vary"] == "Origin")
        #expect(refusal.headers["Access-Control-Allow-Origin"] == nil)
        #expect(responder.refusal(forOrigin: formHead(["Origin": "null"])) != nil)
        #expect(responder.refusal(forOrigin: formHead(["Origin": "HTTPS://WWW.EXAMPLE.COM"])) == nil)
        #expect(responder.refusal(forOrigin: formHead(["Origin": "https://www.example.com"])) == nil)
        #expect(responder.refusal(forOrigin: formHead()) == nil)
        // Without allowed_origins, any page may post (classically).
        #expect(
            FormResponder(settings: FormSettings()).refusal(forOrigin: formHead(["Origin": "https://a.example"])) == nil
        )
    }

    @Test func answersEchoAnAllowedOriginAndVary() {
        let allowed = responder.response(
            to: formHead(["Origin": "http://localhost:3000", "Accept": "application/json"]), form: [:],
            outcome: .accepted(eventID: "e"))
        #expect(allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:3000")
        #expect(allowed.headers["Vary"] == "Origin")
        let noOrigin = responder.response(to: formHead(), form: [:], outcome: .accepted(eventID: "e"))
        #expect(noOrigin.headers["Access-Control-Allow-Origin"] == nil)
        #expect(noOrigin.headers["Vary"] == "Origin")
        let any = FormResponder(settings: FormSettings(allowedOrigins: .any)).response(
            to: formHead(["Origin": "https://a.example"]), form: [:], outcome: .accepted(eventID: "e"))
        #expect(any.headers["Access-Control-Allow-Origin"] == "*")
        #expect(any.headers["Vary"] == nil)
        let none = FormResponder(settings: FormSettings()).response(
            to: formHead(["Origin": "https://a.example"]), form: [:], outcome: .accepted(eventID: "e"))
        #expect(none.headers["Access-Control-Allow-Origin"] == nil)
    }
}
