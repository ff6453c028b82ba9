/// An accepted request to store: what the intake hands to `EventStore.append`.
public struct NewEvent: Sendable, Equatable {
    /// The id, when the caller made it before storing (the planner's `event.id`); nil: the store makes one.
    public var id: EventID?
    /// The route's name.
    public var route: String
    /// When the request arrived.
    public var receivedAt: Timestamp
    /// The raw body, as received (after content decoding).
    public var body: [UInt8]
    /// The headers that matter (signature, content type, …), in order; names as received.
    public var headers: [Header]
    /// Events with the same subject (a contact's e-mail, say) are delivered one at a time, in arrival order.
    public var subject: String?
    /// The plan, as the planner wrote it (JSON); the store keeps these bytes and never reads them.
    public var plan: [UInt8]
    /// A key that identifies the request at its source (a provider's event id): a second event of the same route
    /// with the same key is not stored, and `append` returns the first one's id instead.
    public var dedupeKey: String?

    public init(
        route: String, receivedAt: Timestamp, body: [UInt8], headers: [Header] = [], subject: String? = nil,
        plan: [UInt8], id: EventID? = nil, dedupeKey: String? = nil
    ) {
        self.id = id
        self.dedupeKey = dedupeKey
        self.route = route
        self.receivedAt = receivedAt
        self.body = body
        self.headers = headers
        self.subject = subject
        self.plan = plan
    }
}

/// One header field kept with an event.
public struct Header: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
