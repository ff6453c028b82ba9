/// One path Dealhook accepts POSTs on, with its kind, its intake settings and its rules. An entry of `routes`.
public struct RouteConfig: Sendable {
    /// Who calls a route.
    public enum Kind: String, Sendable, Codable {
        /// A website form (urlencoded, multipart or JSON), answered with a redirect or JSON.
        case form
        /// A provider's webhook, verified by its signature.
        case webhook
    }

    /// The route's name: in metrics, logs, the admin API and `dealhook try --route` (key `name`).
    public var name: String
    /// The request path, starting with `/` (key `path`).
    public var path: String
    /// Key `kind`.
    public var kind: Kind
    /// Events of the same subject are delivered in order (key `subject`, a template; default: the e-mail of the
    /// first `contact.upsert` or `deal.find` action, when there is one).
    public var subject: Template?
    /// How a webhook's signature is verified (key `signature`; required on webhook routes).
    public var signature: SignatureSettings?
    /// The largest body accepted on this route (key `max_body_size`; default: `server.max_body_size`).
    public var maxBodySize: Int?
    /// What identifies a request at its source, so that a repeat is answered like the first and not stored again
    /// (key `dedupe`, a template; default for webhooks: the provider's event id).
    public var dedupe: Template?
    /// A form route's answers, limits, CORS and spam guards; nil for a webhook route.
    public var form: FormSettings?
    /// The intake settings as written, by key (what `form` was read from, and `dedupe`).
    public var intake: [String: YAMLNode]
    /// Key `rules`, in order.
    public var rules: [RuleConfig]
    /// Where the route's entry starts.
    public var location: SourceLocation
}

/// A `when` condition and the actions it starts. An entry of a route's `rules`.
public struct RuleConfig: Sendable {
    /// Key `name`; unique within its route.
    public var name: String
    /// Key `when`: the rule applies only to events for which it is truthy; no condition means always.
    public var when: TemplateExpression?
    /// Key `actions`, in order.
    public var actions: [ActionConfig]
    public var location: SourceLocation
}

/// One Teamopipe operation with its templated fields. An entry of a rule's `actions`.
public struct ActionConfig: Sendable {
    /// The step's name in plans, and `steps.<id>` for later actions (key `id`; default `<rule>.<n>`).
    public var id: String
    public var operation: Operation
    /// The operation's fields as written.
    public var input: [String: ActionValue] {
        didSet { plannedInput = PlannedValue(.object(input)) }
    }
    /// `input` made ready to plan, once rather than for every event.
    var plannedInput: PlannedValue
    /// Where each field's value is written, by its path in the action (`pipeline`, `create.stage`,
    /// `field.name`); for a mapping of dynamic fields, where each key is written (`fields.Source`).
    public var fieldLocations: [String: SourceLocation]
    public var location: SourceLocation
}
