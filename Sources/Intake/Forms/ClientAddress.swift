import Rules

/// The client IP a post is counted under.
public enum ClientAddress {
    /// The client's address: the peer's, unless the peer is a trusted proxy; then the right-most address of
    /// `X-Forwarded-For` (all its fields, in order) that is not a trusted proxy, as each proxy appends the
    /// address it got the request from. When the list runs out, or holds something that is not an address, the
    /// last address read stands (never anything a client could have written further left).
    public static func resolve(peer: String, forwardedFor: [String], trustedProxies: [FormSettings.ProxyRange])
        -> String
    {
        func isTrusted(_ address: String) -> Bool { trustedProxies.contains { $0.contains(address) } }
        guard isTrusted(peer) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { hostPart(String($0).trimmingSpaces()) }
        for hop in hops.reversed() {
            guard FormSettings.ProxyRange.address(hop) != nil else { break }
            client = hop
            guard isTrusted(hop) else { break }
        }
        return client
    }

    /// What the rate limit counts an address as: an IPv4 address itself, an IPv6 address by its /64 (one
    /// subscriber's network), anything else as written.
    public static func rateLimitKey(_ address: String) -> String {
        guard let bytes = FormSettings.ProxyRange.address(address), bytes.count == 16 else { return address }
        let groups = stride(from: 0, to: 8, by: 2).map {
            String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16)
        }
        return groups.joined(separator: ":") + "::/64"
    }

    /// `1.2.3.4:5678` → `1.2.3.4`, `[2001:db8::1]:80` → `2001:db8::1` (some proxies add the port).
    private static func hostPart(_ hop: String) -> String {
        if hop.hasPrefix("["), let close = hop.firstIndex(of: "]") {
            return String(hop[hop.index(after: hop.startIndex)..<close])
        }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}
