import Foundation
import HTTP
import JSON
import Rules

/// One route's intake: verify the signature (webhooks), decode the body, apply the spam guards (forms), and
/// plan the event with the route's rules. Pure apart from the clock it is given: storing is the caller's job.
public struct RouteIntake: Sendable {
    /// Request headers kept with a stored event.
    static let keptHeaders = [
        "content-type", "user-agent", "x-request-id", "stripe-signature", "webhook-id", "svix-id",
        "x-github-delivery", "x-shopify-webhook-id",
    ]

    public let route: RouteConfig
    private let verifier: SignatureVerifier?
    private let publicURL: String?

    /// The intake of `route`; `publicURL` is the route's address as registered with a provider (some sign it).
    public init(route: RouteConfig, publicURL: String? = nil) {
        self.route = route
        verifier = route.signature.map(SignatureVerifier.init)
        self.publicURL = publicURL
    }

    /// Why the route answers 503 instead of accepting: its signature has no secret set.
    public var disabledReason: String? {
        guard let verifier, !verifier.isEnabled else { return nil }
        return route.signature?.disabledReason?.message
            ?? "route '\(route.name)' has no signature secret set"
    }

    /// Decides what to do with `request`, planned as event `eventID` arriving at `receivedAt`.
    public func process(_ request: HTTPRequest, eventID: String, receivedAt: Date) -> IntakeDecision {
        if let reason = disabledReason {
            return .respond(ProblemBody.response(status: .serviceUnavailable, detail: reason), outcome: .disabled)
        }
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
            case .valid:
                break
            }
        }
        let content: RequestContent
        do {
            content = try RequestContent(
                bytes: request.body, contentType: request.head.headers["Content-Type"], kind: route.kind)
        } catch {
            let status: HTTPStatus = error.unsupportedMediaType ? .unsupportedMediaType : .badRequest
            return .respond(ProblemBody.response(status: status, detail: error.message), outcome: .refused)
        }
        if route.kind == .form, let honeypot = route.intake["honeypot"]?.scalar?.value,
            let value = content.form[honeypot], value != .string(""), !value.isNull
        {
            return .respond(FormAnswer.accepted(request: request, route: route, eventID: eventID), outcome: .spam)
        }
        let query = Self.query(of: request.head.target)
        var headers: [String: String] = [:]
        for field in request.head.headers { headers[field.name.lowercased()] = field.value }
        let input = PlanningInput(
            eventID: eventID, receivedAt: Int64(receivedAt.timeIntervalSince1970), form: content.form,
            body: content.body, query: query, headers: headers)
        let plan: Plan
        do {
            plan = try route.plan(for: input)
        } catch {
            return .respond(FormAnswer.invalid(request: request, route: route, errors: error.errors), outcome: .refused)
        }
        guard !plan.steps.isEmpty else {
            return .respond(
                HTTPResponse(status: .ok, contentType: "application/json", body: #"{"ignored":true}"#), outcome: .ignored)
        }
        let kept = Self.keptHeaders.compactMap { name in headers[name].map { (name: name, value: $0) } }
        let route = self.route
        let acknowledgement = verifier.flatMap { verifier in
            verifier.acknowledgement(
                for: SignedRequest(target: request.head.target, headers: request.head.headers, body: request.body))
        }
        return .accept(
            AcceptedEvent(plan: plan, headers: kept) { id in
                if let acknowledgement { return acknowledgement }
                return route.kind == .form
                    ? FormAnswer.accepted(request: request, route: route, eventID: id)
                    : HTTPResponse(status: .ok, contentType: "application/json", body: #"{"ok":true,"id":"\#(id)"}"#)
            })
    }

    /// The query parameters of a request target, as an object.
    static func query(of target: String) -> JSONValue {
        guard let mark = target.firstIndex(of: "?") else { return [:] }
        return (try? FormURLEncoded.decode(Array(target[target.index(after: mark)...].utf8))) ?? [:]
    }
}
