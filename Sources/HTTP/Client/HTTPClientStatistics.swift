/// Counters of an `HTTPClient` since it was created, for metrics and tests.
public struct HTTPClientStatistics: Sendable, Equatable {
    /// New connections that were established (TCP, and TLS for `https`).
    public var connectionsOpened: Int
    /// Requests sent on a pooled keep-alive connection instead of a new one.
    public var connectionsReused: Int
    /// Idle pooled connections found closed (or otherwise unusable) by the time a request wanted them.
    public var staleConnectionsDiscarded: Int
    /// Requests sent a second time, on a new connection, after a reused one was lost before any response.
    public var retries: Int
}
