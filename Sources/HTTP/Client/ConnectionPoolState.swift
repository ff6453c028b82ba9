/// The bookkeeping of a bounded pool of connections per host, as a pure state machine.
///
/// Each event is a `mutating func` that answers what to do; `ConnectionPool` does it (under its lock) and the
/// connections are closed by whoever drops them. Generic over the connection type and told the time, so that
/// tests drive it without sockets or sleeping.
struct ConnectionPoolState<Connection> {
    /// Which connections may serve a request: same scheme, host and port.
    struct Key: Hashable, Sendable {
        var scheme: String
        var host: String
        var port: UInt16
    }

    /// What a caller asking for a connection should do.
    enum Lease {
        /// Use this idle connection (check it is not stale first).
        case reuse(Connection)
        /// Open a new connection; a slot is reserved for it. Give it back with `release`, even if connecting fails.
        case connect
        /// Every slot is busy: wait for a `release`, then ask again.
        case wait
    }

    private struct Idle {
        var connection: Connection
        var since: UInt64
    }

    private struct Host {
        var idle: [Idle] = []
        var leased = 0
    }

    let maxConnectionsPerHost: Int
    /// Nanoseconds an idle connection may wait for reuse.
    let idleTimeout: UInt64
    private var hosts: [Key: Host] = [:]

    init(maxConnectionsPerHost: Int, idleTimeout: UInt64) {
        self.maxConnectionsPerHost = max(1, maxConnectionsPerHost)
        self.idleTimeout = idleTimeout
    }

    /// Asks for a connection to `key` at time `now`; also answers idle connections that have expired (of every
    /// host), which the caller should drop outside any lock.
    mutating func lease(_ key: Key, now: UInt64) -> (lease: Lease, expired: [Connection]) {
        let expired = removeExpired(now: now)
        var host = hosts[key, default: Host()]
        defer { hosts[key] = host }
        // The most recently used first: the least likely to have been closed by the server.
        if let idle = host.idle.popLast() {
            host.leased += 1
            return (.reuse(idle.connection), expired)
        }
        if host.leased < maxConnectionsPerHost {
            host.leased += 1
            return (.connect, expired)
        }
        return (.wait, expired)
    }

    /// Gives back a leased slot: with its connection when it can serve another request, nil when it was closed
    /// (or never opened). Either way a waiting caller may now proceed.
    mutating func release(_ key: Key, connection: Connection?, now: UInt64) {
        guard var host = hosts[key], host.leased > 0 else { preconditionFailure("release without a lease for \(key)") }
        host.leased -= 1
        if let connection { host.idle.append(Idle(connection: connection, since: now)) }
        hosts[key] = host.leased == 0 && host.idle.isEmpty ? nil : host
    }

    /// Removes every idle connection (for shutdown); leased ones are closed when released.
    mutating func removeIdle() -> [Connection] {
        var removed: [Connection] = []
        for (key, host) in hosts {
            removed += host.idle.map(\.connection)
            hosts[key] = host.leased == 0 ? nil : Host(idle: [], leased: host.leased)
        }
        return removed
    }

    /// Open connections to `key`, leased and idle.
    func openConnections(to key: Key) -> Int {
        hosts[key].map { $0.leased + $0.idle.count } ?? 0
    }

    /// Idle connections to `key`.
    func idleConnections(to key: Key) -> Int {
        hosts[key]?.idle.count ?? 0
    }

    private mutating func removeExpired(now: UInt64) -> [Connection] {
        var expired: [Connection] = []
        for (key, host) in hosts where host.idle.contains(where: { now &- $0.since >= idleTimeout }) {
            var kept = host
            kept.idle = host.idle.filter { now &- $0.since < idleTimeout }
            expired += host.idle.filter { now &- $0.since >= idleTimeout }.map(\.connection)
            hosts[key] = kept.leased == 0 && kept.idle.isEmpty ? nil : kept
        }
        return expired
    }
}
