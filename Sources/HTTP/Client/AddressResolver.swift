import Dispatch
import Glibc
import Synchronization

/// The list `getaddrinfo` gave for one host and port, freed with the last reference to it.
final class ResolvedAddresses: @unchecked Sendable {
    /// The first entry; the others follow through `ai_next`. Never written after `init`.
    let first: UnsafeMutablePointer<addrinfo>

    init(_ first: UnsafeMutablePointer<addrinfo>) { self.first = first }

    deinit { freeaddrinfo(first) }
}

/// Turns a host name into addresses without holding the caller past its deadline.
///
/// `getaddrinfo` takes no timeout: a resolver that does not answer holds it for as long as `resolv.conf`'s
/// timeouts and attempts allow, for every name server (30 s and more). So a name is looked up on a thread of its
/// own, and the caller waits for it only until its deadline; a lookup that outlives its caller finishes on its
/// thread, and its result is dropped. An IP address is read on the caller's thread: no server is asked.
enum AddressResolver {
    /// Why a host has no addresses.
    enum Failure: Error, Equatable {
        /// The lookup failed; the resolver's message.
        case failed(String)
        /// The deadline passed before the lookup finished.
        case timedOut
    }

    /// One lookup, as `getaddrinfo` does it: blocking, for TCP over IPv4 and IPv6.
    typealias Lookup = @Sendable (_ host: String, _ port: UInt16, _ numericOnly: Bool) -> Result<
        ResolvedAddresses, Failure
    >

    /// The addresses of `host` (an IP address when `isIPAddress`) and `port`, by `deadline`.
    ///
    /// `lookup` is `getAddresses` but in tests.
    static func resolve(
        host: String, port: UInt16, isIPAddress: Bool, deadline: Deadline, lookup: @escaping Lookup
    ) throws(Failure) -> ResolvedAddresses {
        if isIPAddress { return try lookup(host, port, true).get() }
        let pending = PendingLookup()
        pthread_detach(
            LoopThread.spawn(named: "dns-lookup") {
                pending.finish(with: lookup(host, port, false))
            })
        let remaining = deadline.instant.subtractingReportingOverflow(MonotonicClock.now())
        let wait = remaining.overflow ? 0 : remaining.partialValue
        guard pending.done.wait(timeout: .now() + .nanoseconds(Int(clamping: wait))) == .success else {
            throw .timedOut
        }
        return try pending.result.withLock { $0! }.get()
    }

    /// Calls `getaddrinfo` for TCP over IPv4 and IPv6; with `numericOnly`, for an IP address written out, without
    /// asking a name server.
    static func getAddresses(host: String, port: UInt16, numericOnly: Bool) -> Result<ResolvedAddresses, Failure> {
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
        return .success(ResolvedAddresses(list))
    }

    /// A lookup's result, handed from its thread to the caller, who may have stopped waiting.
    private final class PendingLookup: Sendable {
        let result = Mutex<Result<ResolvedAddresses, Failure>?>(nil)
        let done = DispatchSemaphore(value: 0)

        func finish(with outcome: Result<ResolvedAddresses, Failure>) {
            result.withLock { $0 = outcome }
            done.signal()
        }
    }
}
