import JSON

/// What a template can read while it is evaluated: the request, the event, earlier steps' results, the time.
///
/// ```swift
/// let context = TemplateContext(
///     form: ["email": "Ada@Example.com"], headers: ["User-Agent": "curl"],
///     event: ["id": "01J…", "route": "/contact", "received_at": "2026-12-04T15:27:57Z"],
///     now: 1_796_398_077)
/// ```
/// Every root defaults to null: a path under a root that is not set is null, like any missing path.
public struct TemplateContext: Sendable {
    /// The decoded form fields (`form.email`).
    public var form: JSONValue
    /// The request body parsed as JSON (`body.data.object.id`).
    public var body: JSONValue
    /// The query parameters (`query.utm_source`).
    public var query: JSONValue
    /// The request headers, an object from name to value. Names are stored lowercased and looked up
    /// lowercased, so `headers['User-Agent']` and `headers['user-agent']` find the same header.
    public var headers: JSONValue {
        get { lowercasedHeaders }
        set { lowercasedHeaders = Self.lowercasingKeys(newValue) }
    }
    /// The event: `id`, `received_at` (RFC 3339), `route`.
    public var event: JSONValue
    /// The results of the plan's steps so far, an object from step id to result.
    public var steps: JSONValue
    /// The time `now` stands for, in whole seconds since 1970-01-01T00:00:00Z. The planner sets it to the
    /// event's arrival, so that evaluating the same event twice gives the same values.
    public var now: Int64

    private var lowercasedHeaders: JSONValue

    public init(
        form: JSONValue = .null, body: JSONValue = .null, query: JSONValue = .null, headers: JSONValue = .null,
        event: JSONValue = .null, steps: JSONValue = .null, now: Int64
    ) {
        self.form = form
        self.body = body
        self.query = query
        self.lowercasedHeaders = Self.lowercasingKeys(headers)
        self.event = event
        self.steps = steps
        self.now = now
    }

    /// The value a root stands for.
    func value(of root: TemplateRoot) -> JSONValue {
        switch root {
        case .form: form
        case .body: body
        case .query: query
        case .headers: lowercasedHeaders
        case .event: event
        case .steps: steps
        // Written when read: the time filters take `now` as a number (`TemplateEvaluator.seconds(of:)`), and
        // most templates read it only through them.
        case .now: Self.text(of: now)
        }
    }

    private static func text(of seconds: Int64) -> JSONValue {
        TemplateTime.format(unixSeconds: seconds).map(JSONValue.string) ?? .null
    }

    /// Two names differing only in case keep the value of the one that sorts first, so the result does not
    /// depend on dictionary order.
    private static func lowercasingKeys(_ headers: JSONValue) -> JSONValue {
        guard case .object(let members) = headers else { return headers }
        // The planner's headers are lowercased already (ASCII, no capitals): then there is nothing to do.
        let needsLowercasing = members.keys.contains { key in
            key.utf8.contains { (0x41...0x5A).contains($0) || $0 >= 0x80 }
        }
        guard needsLowercasing else { return headers }
        var lowercased = JSONObject()
        for key in members.keys where lowercased[key.lowercased()] == nil {
            lowercased[key.lowercased()] = members[key]
        }
        return .object(lowercased)
    }
}
