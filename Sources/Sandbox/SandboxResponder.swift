import Dispatch
import HTTP
import JSON
import Logging

/// Answers the contract under `/api/v2` and the sandbox's own control calls under `/_sandbox` (no auth).
///
/// Quick calls are answered on the event loop; delayed ones (latency, hangs) from Dispatch, never blocking it.
public struct SandboxResponder: HTTPResponder {
    let core: SandboxCore

    public func bodyLimit(for head: HTTPRequestHead) -> Int { core.configuration.maxBodySize }

    public func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let path = request.head.path
        if path == "/_sandbox" || path.hasPrefix("/_sandbox/") {
            writer.write(SandboxControl(core: core).respond(to: request).response)
        } else if path.hasPrefix(Endpoint.basePath + "/") {
            respondToAPI(request, context: context, writer: writer)
        } else {
            writer.write(APIError.notFound("no route \(path); the API lives under \(Endpoint.basePath)").reply.response)
        }
    }

    private func respondToAPI(_ request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let lookup = Endpoint.lookup(
            method: request.head.method, path: request.head.path.dropFirst(Endpoint.basePath.count))
        let label: String
        if case .found(let endpoint, _) = lookup { label = endpoint.rawValue } else { label = SandboxStats.unmatched }
        let (admission, rateHeaders) = core.admit(request.head, lookup: lookup, remoteAddress: context.remoteAddress)
        let core = self.core
        // Sends a reply with the rate-limit headers, counting it in the stats unless it was counted already.
        let send: @Sendable (APIReply, _ counted: Bool) -> Void = { reply, counted in
            var response = reply.response
            for field in rateHeaders where !response.headers.contains(name: field.name) {
                response.headers.add(name: field.name, value: field.value)
            }
            if !counted { core.record(label, String(reply.status.code)) }
            writer.write(response)
        }
        let answer: @Sendable (APIReply) -> Void = { send($0, false) }
        let (endpoint, id, plan): (Endpoint, String?, FaultPlan)
        switch admission {
        case .reply(let reply):
            answer(reply)
            return
        case .proceed(let found, let foundID, let drawn):
            (endpoint, id, plan) = (found, foundID, drawn)
        }
        if plan.failure == .hang {
            core.record(label, "hang")
            core.logger.debug("sandbox fault: holding a request", ["route": .string(label)])
            DispatchQueue.global().asyncAfter(deadline: .now() + core.configuration.hangDuration.dispatch) {
                let timeout = APIError(
                    status: HTTPStatus(code: 504), code: "gateway_timeout",
                    message: "the request was held by the hang fault")
                send(timeout.reply, true)
            }
            return
        }
        let act: @Sendable () -> Void = {
            switch plan.failure {
            case .error(let status)?:
                answer(
                    APIError(
                        status: status, code: Self.errorCode(status),
                        message: "injected by the sandbox's error_rate fault"
                    ).reply)
            case .rateLimited?:
                var reply = SandboxCore.rateLimited
                reply.headers.add(name: "Retry-After", value: "1")
                answer(reply)
            case .hang?, nil:
                let (reply, changed) = core.execute(endpoint, id: id, request: request)
                if changed && plan.resetAfterCommit {
                    core.record(label, "reset")
                    core.logger.debug("sandbox fault: reset after commit", ["route": .string(label)])
                    writer.abort()
                } else {
                    answer(reply)
                }
            }
        }
        if plan.latencyMilliseconds > 0 {
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(plan.latencyMilliseconds), execute: act)
        } else {
            act()
        }
    }

    private static func errorCode(_ status: HTTPStatus) -> String {
        switch status.code {
        case 502: "bad_gateway"
        case 503: "service_unavailable"
        default: "internal_error"
        }
    }
}

extension Duration {
    /// The same span as a Dispatch interval.
    var dispatch: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }
}
