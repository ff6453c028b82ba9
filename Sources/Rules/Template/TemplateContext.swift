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
    public var form: JSONValue {
        get { shared.roots.form }
        set { roots.form = newValue }
    }
    /// The request body parsed as JSON (`body.data.object.id`).
    public var body: JSONValue {
        get { shared.roots.body }
        set { roots.body = newValue }
    }
    /// The query parameters (`query.utm_source`).
    public var query: JSONValue {
        get { shared.roots.query }
        set { roots.query = newValue }
    }
    /// The request headers, an object from name to value. Names are stored lowercased and looked up
    /// lowercased, so `headers['User-Agent']` and `headers['user-agent']` find the same header.
    public var headers: JSONValue {
        get { shared.roots.lowercasedHeaders }
        set { roots.lowercasedHeaders = Self.lowercasingKeys(newValue) }
    }
    /// The event: `id`, `received_at` (RFC 3339), `route`.
    public var event: JSONValue {
        get { shared.roots.event }
        set { roots.event = newValue }
    }
    /// The results of the plan's steps so far, an object from step id to result.
    public var steps: JSONValue {
        get { shared.roots.steps }
        set { roots.steps = newValue }
    }
    /// The time `now` stands for, in whole seconds since 1970-01-01T00:00:00Z. The planner sets it to the
    /// event's arrival, so that evaluating the same event twice gives the same values.
    public var now: Int64

    /// The values of the roots.
    private struct Roots: Sendable {
        var form: JSONValue
        var body: JSONValue
        var query: JSONValue
        var lowercasedHeaders: JSONValue
        var event: JSONValue
        var steps: JSONValue
    }

    /// `Roots` behind one reference: every template's evaluation takes a copy of the context, which then retains
    /// one object rather than each root. Set once per root when the context is made, so a setter makes a new one.
    private final class SharedRoots: Sendable {
        let roots: Roots
        init(_ roots: Roots) { self.roots = roots }
    }

    private var shared: SharedRoots

    /// Read through `shared` (a getter here would copy every root); set by making a new `SharedRoots`.
    private var roots: Roots {
        get { shared.roots }
        set { shared = SharedRoots(newValue) }
    }

    public init(
        form: JSONValue = .null, body: JSONValue = .null, query: JSONValue = .null, headers: JSONValue = .null,
        event: JSONValue = .null, steps: JSONValue = .null, now: Int64
    ) {
        shared = SharedRoots(
            Roots(
                form: form, body: body, query: query, lowercasedHeaders: Self.lowercasingKeys(headers), event: event,
                steps: steps))
        self.now = now
    }

    /// The value a root stands for.
    func value(of root: TemplateRoot) -> JSONValue {
        switch root {
        case .form: shared.roots.form
        case .body: shared.roots.body
        case .query: shared.roots.query
        case .headers: shared.roots.lowercasedHeaders
        case .event: shared.roots.event
        case .steps: shared.roots.steps
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
