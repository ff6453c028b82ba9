import Dispatch
import Foundation
import HTTP
import Intake
import Logging
import Metrics
import Queue

/// Serves one configured route: the intake decides, accepted events are committed durably, and only then is
/// the client answered — a 2xx means the event is on disk with its plan.
struct IntakeHandler: Sendable {
    /// How long a client is asked to wait when the queue cannot take an event.
    static let retryAfterSeconds = 5

    let intake: RouteIntake
    let store: any EventStore
    let ids: EventID.Generator
    let maxPending: Int
    let outcomes: Counter
    let logger: Logger

    /// Where intakes that may block (CAPTCHA checks) run, off the event loops.
    private static let blockingWork = DispatchQueue(label: "dealhook.intake", attributes: .concurrent)

    func handle(_ request: HTTPRequest, _ context: HTTPRequestContext, _ respond: @escaping Router.Respond) {
        guard intake.mayBlock else { return process(request, context, respond) }
        Self.blockingWork.async { process(request, context, respond) }
    }

    private func process(_ request: HTTPRequest, _ context: HTTPRequestContext, _ respond: @escaping Router.Respond) {
        let now = Timestamp.now()
        let id = ids.next(at: now)
        let receivedAt = Date(timeIntervalSince1970: Double(now.millisecondsSinceEpoch) / 1000)
        let route = intake.route.name
        switch intake.process(request, context: context, eventID: id.text, receivedAt: receivedAt) {
        case .respond(let response, let outcome):
            outcomes.increment(labels: [route, outcome.label])
            if outcome == .unauthorized {
                logger.warning("webhook signature not accepted", ["route": .string(route), "status": .int(Int(response.status.code))])
            }
            respond(response)
        case .accept(let accepted):
            guard store.pendingCount() < maxPending else {
                outcomes.increment(labels: [route, "overloaded"])
                respond(
                    Self.unavailable(
                        "the queue holds \(maxPending) undelivered events (queue.max_pending); try again later"))
                return
            }
            let plan = accepted.plan
            let event = NewEvent(
                route: route, receivedAt: now, body: request.body,
                headers: accepted.headers.map { Header(name: $0.name, value: $0.value) }, subject: plan.subject,
                plan: plan.jsonBytes, id: id, dedupeKey: accepted.dedupeKey)
            let answer = accepted.answer
            store.append([event]) { [outcomes, logger] result in
                // The queue's writer, which every append waits for, only hands the result over: the connection's
                // event loop makes and writes the answer, and frees the request.
                context.onConnectionThread {
                    switch result {
                    case .success(let stored):
                        outcomes.increment(labels: [route, IntakeOutcome.accepted.label])
                        respond(answer.response(eventID: stored.first?.text ?? id.text))
                    case .failure(let error):
                        outcomes.increment(labels: [route, "store_failed"])
                        logger.error(
                            "storing an event failed; answered 503",
                            ["route": .string(route), "error": .string(error.description)])
                        respond(Self.unavailable("the event could not be stored: \(error.message)"))
                    }
                }
            }
        }
    }

    private static func unavailable(_ detail: String) -> HTTPResponse {
        ProblemBody.response(
            status: .serviceUnavailable, detail: detail, headers: ["Retry-After": String(Self.retryAfterSeconds)])
    }
}
