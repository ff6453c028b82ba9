import JSON

/// What the planner needs of one accepted request, already decoded by the intake.
public struct PlanningInput: Sendable {
    /// The event's id.
    public var eventID: String
    /// When the event arrived, in Unix seconds; also the value of `now`, which keeps planning deterministic.
    public var receivedAt: Int64
    /// Form fields (an object; repeated fields are lists), or null for a webhook.
    public var form: JSONValue
    /// The parsed JSON body, or null.
    public var body: JSONValue
    /// Query parameters (an object).
    public var query: JSONValue
    /// Request headers, by lowercased name.
    public var headers: [String: String]

    public init(
        eventID: String, receivedAt: Int64, form: JSONValue = .null, body: JSONValue = .null,
        query: JSONValue = [:], headers: [String: String] = [:]
    ) {
        self.eventID = eventID
        self.receivedAt = receivedAt
        self.form = form
        self.body = body
        self.query = query
        self.headers = headers
    }
}

/// Why an event cannot be planned: a `required` or `email` check failed, or a template could not be evaluated.
/// Its message is meant for the person who sent the request.
public struct PlanningError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for the sender.
    public var message: String
    /// The form or body field at fault, when one is.
    public var field: String?
    /// Where the failing template is written.
    public var location: SourceLocation?

    public init(message: String, field: String? = nil, location: SourceLocation? = nil) {
        self.message = message
        self.field = field
        self.location = location
    }

    public var description: String { field.map { "\($0): \(message)" } ?? message }
}

extension RouteConfig {
    /// Picks the rules whose `when` holds for `input` and renders their actions into a plan.
    ///
    /// Templates are evaluated against the request; a template that is exactly `{{ steps.<id>.<path> }}` stays
    /// a reference, resolved at delivery. Every failing template is reported, not only the first.
    public func plan(for input: PlanningInput) throws(PlanningErrors) -> Plan {
        try plan(in: templateContext(for: input))
    }

    /// `plan(for:)` with the context already made, for a caller that also needs `dedupeKey(in:)`.
    public func plan(in context: TemplateContext) throws(PlanningErrors) -> Plan {
        var errors: [PlanningError] = []
        var matched: [String] = []
        var steps: [PlanStep] = []
        for rule in rules {
            if let when = rule.when {
                do {
                    guard try when.isTruthy(in: context) else { continue }
                } catch {
                    errors.append(PlanningError(error))
                    continue
                }
            }
            matched.append(rule.name)
            for action in rule.actions {
                let input = render(action.plannedInput, in: context, errors: &errors)
                steps.append(PlanStep(id: action.id, rule: rule.name, operation: action.operation, input: input))
            }
        }
        let subject = resolveSubject(steps: steps, context: context, errors: &errors)
        guard errors.isEmpty else { throw PlanningErrors(errors: errors) }
        return Plan(route: name, rules: matched, steps: steps, subject: subject)
    }

    /// The route's `dedupe` key for `input`, as text; nil when the route has none or it evaluates to null.
    public func dedupeKey(for input: PlanningInput) throws(PlanningError) -> String? {
        try dedupeKey(in: templateContext(for: input))
    }

    /// `dedupeKey(for:)` with the context already made.
    public func dedupeKey(in context: TemplateContext) throws(PlanningError) -> String? {
        guard let dedupe else { return nil }
        do {
            let value = try dedupe.evaluate(in: context)
            return value.isNull ? nil : value.stringValue ?? value.jsonText
        } catch {
            throw PlanningError(error)
        }
    }

    /// Every root the route's templates read: its rules' conditions, its actions, `subject` and `dedupe`. What
    /// `PlanningInput` holds for any other root is never seen, so a caller may leave it out.
    public var roots: Set<TemplateRoot> {
        var roots = (subject?.roots ?? []).union(dedupe?.roots ?? [])
        for rule in rules {
            if let when = rule.when { roots.formUnion(when.roots) }
            for action in rule.actions {
                for template in action.input.values.flatMap(\.templates) { roots.formUnion(template.roots) }
            }
        }
        return roots
    }

    /// What of a JSON body the route's templates read (its rules' conditions, its actions, `subject` and
    /// `dedupe`): planning gives the same plan for a body parsed keeping only this.
    public var bodyProjection: JSONProjection {
        var projection = JSONProjection.nothing
        subject?.includeBodyPaths(in: &projection)
        dedupe?.includeBodyPaths(in: &projection)
        for rule in rules {
            rule.when?.includeBodyPaths(in: &projection)
            for action in rule.actions {
                for template in action.input.values.flatMap(\.templates) { template.includeBodyPaths(in: &projection) }
            }
        }
        return projection
    }

    /// What the route's templates read for `input`: its request, the event (`id`, `received_at`, `route`), and
    /// `now` standing for the arrival time.
    ///
    /// `roots` (the route's `roots`, asked once) spares making the event when no template reads it.
    public func templateContext(for input: PlanningInput, reading roots: Set<TemplateRoot>? = nil) -> TemplateContext {
        var context = TemplateContext(
            form: input.form, body: input.body, query: input.query,
            headers: .object(JSONObject(input.headers.mapValues(JSONValue.string))), now: input.receivedAt)
        if roots?.contains(.event) ?? true {
            context.event = [
                "id": .string(input.eventID), "received_at": context.value(of: .now), "route": .string(name),
            ]
        }
        return context
    }

    private func render(
        _ value: PlannedValue, in context: TemplateContext, errors: inout [PlanningError]
    ) -> PlanValue {
        switch value {
        case .plain(let plain):
            return .json(render(plain, in: context, errors: &errors))
        case .reference(let step, let path):
            return .reference(step: step, path: path)
        case .list(let items):
            return .array(items.map { render($0, in: context, errors: &errors) })
        case .object(let members):
            var rendered: [PlanObject.Member] = []
            rendered.reserveCapacity(members.count)
            for member in members {
                let value = render(member.value, in: context, errors: &errors)
                rendered.append(PlanObject.Member(key: member.key, value: value))
            }
            // The config keeps members in key order, the order a plan object keeps.
            return .object(PlanObject(sorted: rendered))
        }
    }

    private func render(
        _ value: PlannedValue.PlainValue, in context: TemplateContext, errors: inout [PlanningError]
    ) -> JSONValue {
        switch value {
        case .literal(let json):
            return json
        case .template(let template):
            do {
                return try template.evaluate(in: context)
            } catch {
                errors.append(PlanningError(error))
                return .null
            }
        case .list(let items):
            return .array(items.map { render($0, in: context, errors: &errors) })
        case .object(let members):
            var rendered = JSONObject()
            rendered.reserveCapacity(members.count)
            for member in members { rendered[member.key] = render(member.value, in: context, errors: &errors) }
            return .object(rendered)
        }
    }

    /// The route's `subject` template, else the e-mail the plan is about (its first contact upsert or deal
    /// lookup by e-mail).
    private func resolveSubject(steps: [PlanStep], context: TemplateContext, errors: inout [PlanningError]) -> String? {
        if let subject {
            do {
                let value = try subject.evaluate(in: context)
                return value.isNull ? nil : (value.stringValue ?? value.jsonText)
            } catch {
                errors.append(PlanningError(error))
                return nil
            }
        }
        for step in steps {
            let email: PlanValue? =
                switch step.operation {
                case .contactUpsert: step.input["email"]
                case .dealFind: step.input["contact_email"]
                default: nil
                }
            if let text = email?.plainJSON?.stringValue, !text.isEmpty { return text }
        }
        return nil
    }
}

/// Every problem found while planning one event.
public struct PlanningErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public var errors: [PlanningError]
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

extension PlanningError {
    init(_ error: TemplateEvaluationError) {
        self.init(message: error.message, field: error.field, location: error.location)
    }
}
