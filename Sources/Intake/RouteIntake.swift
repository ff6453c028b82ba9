import Foundation
import HTTP
import JSON
import Rules

/// One route's intake: verify the signature (webhooks), decode the body, apply CORS and the spam guards (forms),
/// and plan the event with the route's rules. Storing is the caller's job.
public struct RouteIntake: Sendable {
    /// Request headers kept with a stored event.
    static let keptHeaders = [
        "content-type", "user-agent", "x-request-id", "stripe-signature", "webhook-id", "svix-id",
        "x-github-delivery", "x-shopify-webhook-id",
    ]
    /// How long a visitor is asked to wait when a spam check could not be made.
    static let unavailableRetry: Duration = .seconds(60)

    public let route: RouteConfig
    private let verifier: SignatureVerifier?
    private let formResponder: FormResponder?
    private let formGuard: FormGuard?
    private let publicURL: String?
    /// The roots the route's templates read: the request's headers and query are decoded, and the event made,
    /// only for routes that read them.
    private let roots: Set<TemplateRoot>
    private let readsHeaders: Bool
    private let readsQuery: Bool
    /// What of a JSON body is built: what the templates read, and the provider's event id.
    private let bodyProjection: JSONProjection

    /// The intake of `route`; `publicURL` is the route's address as registered with a provider (some sign it);
    /// `client` makes CAPTCHA checks.
    public init(route: RouteConfig, publicURL: String? = nil, client: HTTPClient? = nil) {
        self.route = route
        verifier = route.signature.map(SignatureVerifier.init)
        formResponder = route.form.map(FormResponder.init)
        formGuard = route.form.map { FormGuard(settings: $0, client: client) }
        self.publicURL = publicURL
        roots = route.roots
        readsHeaders = roots.contains(.headers)
        readsQuery = roots.contains(.query)
        var projection = route.bodyProjection
        if let key = Self.providerEventIDKey(of: route) { projection.include([key]) }
        bodyProjection = projection
    }

    /// Whether `process` may block on the network (a CAPTCHA check), and so must not run on an event loop.
    public var mayBlock: Bool { route.form?.captcha != nil }

    /// Why the route answers 503 instead of accepting: its signature has no secret set.
    public var disabledReason: String? {
        guard let verifier, !verifier.isEnabled else { return nil }
        return route.signature?.disabledReason?.message
            ?? "route '\(route.name)' has no signature secret set"
    }

    /// Decides what to do with `request`, planned as event `eventID` arriving at `receivedAt`.
    public func process(
        _ request: HTTPRequest, context: HTTPRequestContext, eventID: String, receivedAt: Date
    ) -> IntakeDecision {
        if let formResponder {
            if request.head.method == "OPTIONS" {
                return .respond(formResponder.preflight(request.head), outcome: .handshake)
            }
            if let refusal = formResponder.refusal(forOrigin: request.head) {
                return .respond(refusal, outcome: .refused)
            }
        }
        if let reason = disabledReason {
            return .respond(ProblemBody.response(status: .serviceUnavailable, detail: reason), outcome: .disabled)
        }
        var providerEventID: String?
        if let verifier {
            let signed = SignedRequest(
                method: request.head.method, target: request.head.target, headers: request.head.headers,
                body: request.body, publicURL: publicURL)
            if let handshake = verifier.handshake(for: signed) {
                return .respond(handshake, outcome: .handshake)
            }
            switch verifier.verify(signed, now: receivedAt) {
            case .invalid(let failure):
                let response = ProblemBody.response(
                    status: verifier.rejectionStatus, detail: "signature not accepted: \(failure)",
                    headers: verifier.rejectionHeaders)
                return .respond(response, outcome: .unauthorized)
            case .valid(let id):
                providerEventID = id
            }
        }
        let content: RequestContent
        do {
            content = try RequestContent(
                bytes: request.body, contentType: request.head.headers["Content-Type"], kind: route.kind,
                limits: route.form?.limits, keeping: bodyProjection)
        } catch {
            let response =
                formResponder?.response(to: request.head, form: .null, outcome: .refused(error))
                ?? ProblemBody.response(status: error.status, detail: error.message)
            return .respond(response, outcome: .refused)
        }
        if let formGuard, let formResponder {
            switch formGuard.check(
                form: content.form, head: request.head, context: context, now: Int(receivedAt.timeIntervalSince1970))
            {
            case .pass:
                break
            case .spam(let reason):
                let response = formResponder.response(to: request.head, form: content.form, outcome: .spam(decoyID: eventID))
                return .respond(response, outcome: .spam(reason))
            case .unavailable(let reason, _):
                let response = formResponder.response(
                    to: request.head, form: content.form, outcome: .unavailable(retryAfter: Self.unavailableRetry))
                return .respond(response, outcome: .spam(reason))
            }
        }
        var headers: [String: String] = [:]
        if readsHeaders {
            for field in request.head.headers { headers[field.name.lowercased()] = field.value }
        }
        let input = PlanningInput(
            eventID: eventID, receivedAt: Int64(receivedAt.timeIntervalSince1970), form: content.form,
            body: content.body, query: readsQuery ? Self.query(of: request.head.target) : [:], headers: headers)
        let planning = route.templateContext(for: input, reading: roots)
        let plan: Plan
        do {
            plan = try route.plan(in: planning)
        } catch {
            let response =
                formResponder?.response(to: request.head, form: content.form, outcome: .invalid(error.errors))
                ?? Self.invalid(error.errors)
            return .respond(response, outcome: .refused)
        }
        let dedupeKey: String?
        do {
            dedupeKey =
                try route.dedupeKey(in: planning) ?? providerEventID
                ?? Self.providerEventID(in: content.body, route: route)
        } catch {
            let response =
                formResponder?.response(to: request.head, form: content.form, outcome: .invalid([error]))
                ?? Self.invalid([error])
            return .respond(response, outcome: .refused)
        }
        guard !plan.steps.isEmpty else {
            return .respond(
                HTTPResponse(status: .ok, contentType: "application/json", body: #"{"ignored":true}"#), outcome: .ignored)
        }
        let kept = Self.kept(request.head.headers)
        let acknowledgement = verifier.flatMap { verifier in
            verifier.acknowledgement(
                for: SignedRequest(target: request.head.target, headers: request.head.headers, body: request.body))
        }
        // The answer captures only what it reads: it is released where the event is committed.
        let answer: @Sendable (String) -> HTTPResponse
        if let formResponder {
            let head = request.head
            let form = content.form
            answer = { id in formResponder.response(to: head, form: form, outcome: .accepted(eventID: id)) }
        } else {
            answer = { id in
                acknowledgement
                    ?? HTTPResponse(status: .ok, contentType: "application/json", body: #"{"ok":true,"id":"\#(id)"}"#)
            }
        }
        return .accept(AcceptedEvent(plan: plan, headers: kept, dedupeKey: dedupeKey, answer: answer))
    }

    /// A webhook's answer to an event its rules refuse (`required`, …): 422 problem JSON with the fields at fault.
    static func invalid(_ errors: [PlanningError]) -> HTTPResponse {
        let items = errors.map { error -> JSONValue in
            var item: [String: JSONValue] = ["message": .string(error.message)]
            if let field = error.field { item["field"] = .string(field) }
            return .object(item)
        }
        let problem: JSONValue = [
            "type": "about:blank", "title": "Unprocessable Content", "status": 422,
            "detail": .string(errors.map(\.description).joined(separator: "; ")), "errors": .array(items),
        ]
        return HTTPResponse(status: .unprocessableContent, contentType: ProblemBody.contentType, body: problem.jsonText)
    }

    /// The event id a provider puts in the body, for the presets whose signature headers carry none.
    static func providerEventID(in body: JSONValue, route: RouteConfig) -> String? {
        providerEventIDKey(of: route).flatMap { body[$0]?.stringValue }
    }

    /// The member of the body that holds the provider's event id, for the presets that put it there.
    private static func providerEventIDKey(of route: RouteConfig) -> String? {
        guard case .preset(let preset)? = route.signature?.scheme else { return nil }
        return switch preset {
        case .stripe: "id"
        case .paddle: "event_id"
        default: nil
        }
    }

    /// The query parameters of a request target, as an object.
    static func query(of target: String) -> JSONValue {
        let utf8 = target.utf8
        guard let mark = utf8.firstIndex(of: UInt8(ascii: "?")) else { return [:] }
        return (try? FormURLEncoded.decode(Array(utf8[utf8.index(after: mark)...]))) ?? [:]
    }

    /// Each of `keptHeaders` the request has, with its last value (names compare without case, as in `headers`).
    static func kept(_ headers: HTTPHeaders) -> [(name: String, value: String)] {
        keptHeaders.compactMap { name in
            var value: String?
            // Lengths first, here as well as inside `equalsIgnoringASCIICase`: most names differ in length, and
            // seeing it without the call saves ~3,000 instructions an event (bench/intake/cost).
            for field in headers
            where field.name.utf8.count == name.utf8.count && field.name.equalsIgnoringASCIICase(name) {
                value = field.value
            }
            return value.map { (name: name, value: $0) }
        }
    }
}
