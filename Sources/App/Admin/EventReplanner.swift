import Intake
import JSON
import Queue
import Rules

/// Plans a stored event again with a config's rules, as its route's intake planned it when it arrived: the
/// stored body decoded by its stored content type, the stored headers, the event's id and arrival time (so the
/// same rules give the same plan).
///
/// Only the headers an event keeps (`RouteIntake`'s list: content type, user agent, providers' ids) and no
/// query string are stored, so a rule that reads another header or `query` sees it empty on a re-plan.
public struct EventReplanner: Sendable {
    /// What re-planning an event gave.
    public enum Outcome: Sendable {
        /// The event's new plan (possibly with no steps: no rule matches any more).
        case planned(Plan)
        /// The config has no route of the event's name.
        case routeGone
        /// The stored body cannot be decoded as the route's kind now expects.
        case undecodable(String)
        /// The rules refuse the event now (a `required` or `email` check, a failing template).
        case refused(PlanningErrors)
    }

    public let routes: [RouteConfig]

    public init(routes: [RouteConfig]) {
        self.routes = routes
    }

    /// The plan `event` would get from these rules.
    public func replan(_ event: StoredEvent) -> Outcome {
        guard let route = routes.first(where: { $0.name == event.route }) else { return .routeGone }
        var headers: [String: String] = [:]
        for header in event.headers { headers[header.name.lowercased()] = header.value }
        let content: RequestContent
        do {
            content = try RequestContent(bytes: event.body, contentType: headers["content-type"], kind: route.kind)
        } catch {
            return .undecodable(error.message)
        }
        // Intake plans with whole seconds of the arrival time (`Date.timeIntervalSince1970` truncated).
        let input = PlanningInput(
            eventID: event.id.text, receivedAt: event.receivedAt.millisecondsSinceEpoch / 1_000, form: content.form,
            body: content.body, query: [:], headers: headers)
        do {
            return .planned(try route.plan(for: input))
        } catch {
            return .refused(error)
        }
    }

    /// The stored plan of `event`, or nil when it cannot be read.
    public static func storedPlan(of event: StoredEvent) -> Plan? {
        guard let json = try? JSONValue(parsing: event.plan) else { return nil }
        return try? Plan(json: json)
    }

    /// How many leading steps `new` shares with `old` unchanged: their stored results stay valid.
    public static func unchangedPrefix(_ old: Plan?, _ new: Plan) -> Int {
        guard let old else { return 0 }
        return zip(old.steps, new.steps).prefix { $0 == $1 }.count
    }
}

extension EventReplanner {
    /// What an operator's `retry --replan` of one event did.
    public enum RetryOutcome: Sendable {
        /// The event is pending again with `plan`; the results of its first `keptSteps` steps stay.
        case retried(plan: Plan, keptSteps: Int)
        /// No event has this id.
        case notFound
        /// Only dead and retrying events are retried; this one is `status`.
        case notRetryable(EventStatus)
        /// Re-planning did not give a plan (route gone, body undecodable, refused); nothing was changed.
        case notPlanned(Outcome)
        /// No rule matches the event any more: there is nothing to deliver (discard it instead).
        case noSteps
    }

    /// Re-plans event `id` with these rules and, if that gives a plan with steps, stores it and puts the event
    /// back to pending (`EventStore.retry(_:replacingPlan:subject:keepingSteps:)`).
    public func retry(_ id: EventID, in store: any EventStore) throws(StoreError) -> RetryOutcome {
        guard let detail = try store.event(id) else { return .notFound }
        let event = detail.event
        guard event.status == .dead || event.status == .retrying else { return .notRetryable(event.status) }
        let outcome = replan(event)
        guard case .planned(let plan) = outcome else { return .notPlanned(outcome) }
        guard !plan.steps.isEmpty else { return .noSteps }
        let kept = Self.unchangedPrefix(Self.storedPlan(of: event), plan)
        guard try store.retry(id, replacingPlan: plan.jsonBytes, subject: plan.subject, keepingSteps: kept)
        else {
            // It changed status between the read and the write (a worker claimed it, another operator acted).
            return .notRetryable((try store.event(id)?.event.status) ?? .done)
        }
        return .retried(plan: plan, keptSteps: kept)
    }
}

extension EventReplanner.Outcome {
    /// For an operator: why there is no plan (empty for `.planned`).
    public var problem: String {
        switch self {
        case .planned: ""
        case .routeGone: "the config has no route of this event's name any more"
        case .undecodable(let message): "the stored body cannot be decoded: \(message)"
        case .refused(let errors):
            "the rules refuse the event now: \(errors.errors.map(\.description).joined(separator: "; "))"
        }
    }
}
