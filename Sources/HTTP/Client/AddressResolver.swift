import Dispatch
import Glibc
import Synchronization

/// One address of a host, copied out of `getaddrinfo`'s list.
struct ResolvedAddress: Sendable {
    /// `AF_INET` or `AF_INET6`.
    var family: Int32
    /// The socket address, `length` bytes of it used.
    var storage: sockaddr_storage
    var length: socklen_t
}

/// Turns host names into addresses without holding callers past their deadlines.
///
/// `getaddrinfo` takes no timeout: a name server that does not answer holds it for as long as `resolv.conf`'s
/// timeouts and attempts allow, for every server listed (30 s and more). So a name is looked up on a thread of its
/// own, and each caller waits for it only until its own deadline. Callers asking for the same host and port while a
/// lookup runs share it, and at most `maxLookupsInFlight` run at once: with a dead name server, lookups outlive the
/// callers that gave up on them, and every retry would otherwise start one more. An IP address is read on the
/// caller's thread; no server is asked.
final class AddressResolver: Sendable {
    /// Why a host has no addresses.
    enum Failure: Error, Equatable {
        /// The lookup failed, or could not be started; why.
        case failed(String)
        /// The deadline passed before the lookup finished.
        case timedOut
    }

    /// One blocking lookup of a host and port for TCP over IPv4 and IPv6, `numericOnly` for an IP address.
    typealias Lookup = @Sendable (_ host: String, _ port: UInt16, _ numericOnly: Bool)
        -> Result<[ResolvedAddress], Failure>

    /// Lookups of different hosts (or ports) running at once; more fail at once. Pools hold a few hosts at most:
    /// reaching it means the name server does not answer.
    static let maxLookupsInFlight = 8

    private struct HostAndPort: Hashable {
        var host: String
        var port: UInt16
    }

    private let lookup: Lookup
    private let inFlight = Mutex<[HostAndPort: PendingLookup]>([:])

    /// A resolver asking `lookup`: `getAddresses` but in tests.
    init(lookup: @escaping Lookup = AddressResolver.getAddresses) {
        self.lookup = lookup
    }

    /// The addresses of `host` (an IP address when `isIPAddress`) and `port`, by `deadline`.
    func resolve(host: String, port: UInt16, isIPAddress: Bool, deadline: Deadline) throws(Failure)
        -> [ResolvedAddress]
    {
        if isIPAddress { return try lookup(host, port, true).get() }
        guard !deadline.hasPassed else { throw .timedOut }
        let key = HostAndPort(host: host, port: port)
        let (pending, isNew): (PendingLookup?, Bool) = inFlight.withLock { lookups in
            if let running = lookups[key] { return (running, false) }
            guard lookups.count < Self.maxLookupsInFlight else { return (nil, false) }
            let started = PendingLookup()
            lookups[key] = started
            return (started, true)
        }
        guard let pending else {
            throw .failed("\(Self.maxLookupsInFlight) host-name lookups are already waiting for the name server")
        }
        if isNew {
            let started = POSIXThread.startDetached(named: "dns-lookup") {
                let outcome = self.lookup(host, port, false)
                self.finish(key, pending, with: outcome)
            }
            if !started { finish(key, pending, with: .failure(.failed("no thread could be started to look it up"))) }
        }
        return try pending.result(by: deadline)
    }

    /// Ends a lookup: later callers start a fresh one, and the waiting ones get `outcome`.
    private func finish(
        _ key: HostAndPort, _ pending: PendingLookup, with outcome: Result<[ResolvedAddress], Failure>
    ) {
        inFlight.withLock { _ = $0.removeValue(forKey: key) }
        pending.finish(with: outcome)
    }

    /// Calls `getaddrinfo` for TCP over IPv4 and IPv6; with `numericOnly`, for an IP address written out, without
    /// asking a name server.
    @Sendable
    static func getAddresses(host: String, port: UInt16, numericOnly: Bool) -> Result<[ResolvedAddress], Failure> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_protocol = Int32(IPPROTO_TCP)
        if numericOnly { hints.ai_flags = AI_NUMERICHOST }
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let list else {
            let message =
                status == EAI_SYSTEM ? String(cString: strerror(errno)) : String(cString: gai_strerror(status))
            return .failure(.failed(message))
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = list
        while let entry = cursor {
            cursor = entry.pointee.ai_next
            var storage = sockaddr_storage()
            let length = min(Int(entry.pointee.ai_addrlen), MemoryLayout<sockaddr_storage>.size)
            withUnsafeMutableBytes(of: &storage) { target in
                target.copyMemory(from: UnsafeRawBufferPointer(start: entry.pointee.ai_addr, count: length))
            }
            addresses.append(
                ResolvedAddress(family: entry.pointee.ai_family, storage: storage, length: socklen_t(length)))
        }
        return .success(addresses)
    }

    /// A lookup's result, handed from its thread to every caller still waiting for it.
    private final class PendingLookup: Sendable {
        private let outcome = Mutex<Result<[ResolvedAddress], Failure>?>(nil)
        /// Entered until the lookup finishes: unlike a semaphore, it wakes every waiter.
        private let done = DispatchGroup()

        init() { done.enter() }

        func finish(with result: Result<[ResolvedAddress], Failure>) {
            outcome.withLock { $0 = result }
            done.leave()
        }

        /// The outcome once the lookup finishes, or `timedOut` if `deadline` passes first.
        func result(by deadline: Deadline) throws(Failure) -> [ResolvedAddress] {
            let remaining = deadline.instant.subtractingReportingOverflow(MonotonicClock.now())
            let wait = remaining.overflow ? 0 : remaining.partialValue
            guard done.wait(timeout: .now() + .nanoseconds(Int(clamping: wait))) == .success,
                let result = outcome.withLock({ $0 })
            else { throw .timedOut }
            return try result.get()
        }
    }
}
