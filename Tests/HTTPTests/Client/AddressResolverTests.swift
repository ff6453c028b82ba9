import Dispatch
import Glibc
import Synchronization
import Testing

@testable import HTTP

/// Name resolution is bounded by the connect deadline, although `getaddrinfo` itself takes no timeout.
@Suite("Client: resolving host names within the deadline")
struct AddressResolverTests {
    /// A name server the test controls: each lookup waits until the test releases it, then answers `127.0.0.1`.
    private final class HeldLookup: Sendable {
        private let release = DispatchSemaphore(value: 0)
        private let answered = DispatchSemaphore(value: 0)
        let calls = Mutex<[(host: String, numericOnly: Bool)]>([])

        var lookup: AddressResolver.Lookup {
            { host, port, numericOnly in
                self.calls.withLock { $0.append((host, numericOnly)) }
                if !numericOnly { self.release.wait() }
                defer { if !numericOnly { self.answered.signal() } }
                return AddressResolver.getAddresses(host: "127.0.0.1", port: port, numericOnly: true)
            }
        }

        /// Lets `count` held lookups answer, and waits until they have.
        func answer(_ count: Int = 1) {
            for _ in 0..<count { release.signal() }
            for _ in 0..<count { #expect(answered.wait(timeout: .now() + 5) == .success) }
        }
    }

    private static func deadline(_ duration: Duration) -> Deadline {
        Deadline(after: duration, timeout: .connect)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func aLookupThatDoesNotAnswerTimesOutAtTheDeadline() throws {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        let start = ContinuousClock.now
        #expect(throws: AddressResolver.Failure.timedOut) {
            _ = try resolver.resolve(
                host: "slow.example", port: 443, isIPAddress: false, deadline: Self.deadline(.milliseconds(200)))
        }
        let waited = Self.seconds(since: start)
        #expect(waited >= 0.19 && waited < 2, "waited \(waited) s")
        // The abandoned lookup still finishes on its own thread, and its result is dropped.
        held.answer()
    }

    @Test func aLookupThatAnswersGivesItsAddresses() throws {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { held.answer() }
        let addresses = try resolver.resolve(
            host: "quick.example", port: 8080, isIPAddress: false, deadline: Self.deadline(.seconds(5)))
        #expect(addresses.map(\.family) == [AF_INET])
        #expect(held.calls.withLock { $0.map(\.host) } == ["quick.example"])
    }

    @Test func callersOfOneHostShareItsLookup() throws {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        let answers = Mutex(0)
        let calling = Mutex(0)
        let group = DispatchGroup()
        // Threads of their own: Dispatch's pool would not run four blocked callers at once on two cores.
        for _ in 0..<4 {
            group.enter()
            #expect(
                POSIXThread.startDetached(named: "test-caller") {
                    calling.withLock { $0 += 1 }
                    let addresses = try? resolver.resolve(
                        host: "shared.example", port: 443, isIPAddress: false, deadline: Self.deadline(.seconds(5)))
                    if addresses?.isEmpty == false { answers.withLock { $0 += 1 } }
                    group.leave()
                })
        }
        // All four wait on one lookup; once it answers, each gets the addresses.
        while calling.withLock({ $0 }) < 4 || held.calls.withLock({ $0.isEmpty }) { usleep(1_000) }
        usleep(100_000)
        held.answer()
        #expect(group.wait(timeout: .now() + 5) == .success)
        #expect(answers.withLock { $0 } == 4)
        #expect(held.calls.withLock { $0.count } == 1)
    }

    @Test func lookupsInFlightAreLimited() throws {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        let limit = AddressResolver.maxLookupsInFlight
        for index in 0..<limit {
            #expect(throws: AddressResolver.Failure.timedOut) {
                _ = try resolver.resolve(
                    host: "dead-\(index).example", port: 443, isIPAddress: false,
                    deadline: Self.deadline(.milliseconds(20)))
            }
        }
        // Every lookup still waits for the name server: one more host fails at once, without a thread.
        let start = ContinuousClock.now
        #expect(throws: AddressResolver.Failure.failed("\(limit) host-name lookups are already waiting for the name server")) {
            _ = try resolver.resolve(
                host: "one-more.example", port: 443, isIPAddress: false, deadline: Self.deadline(.seconds(5)))
        }
        #expect(Self.seconds(since: start) < 1)
        #expect(held.calls.withLock { $0.count } == limit)
        held.answer(limit)
        // Finished lookups make room again.
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { held.answer() }
        _ = try resolver.resolve(
            host: "one-more.example", port: 443, isIPAddress: false, deadline: Self.deadline(.seconds(5)))
    }

    @Test func aPassedDeadlineStartsNoLookup() {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        #expect(throws: AddressResolver.Failure.timedOut) {
            _ = try resolver.resolve(host: "late.example", port: 443, isIPAddress: false, deadline: Self.deadline(.zero))
        }
        #expect(held.calls.withLock { $0.isEmpty })
    }

    @Test func anIPAddressIsReadInPlaceWithoutAskingANameServer() throws {
        let held = HeldLookup()
        let resolver = AddressResolver(lookup: held.lookup)
        // Even with the deadline passed: reading an address takes no waiting.
        let addresses = try resolver.resolve(
            host: "127.0.0.1", port: 80, isIPAddress: true, deadline: Self.deadline(.zero))
        #expect(addresses.count == 1)
        let calls = held.calls.withLock { $0 }
        #expect(calls.count == 1 && calls[0].numericOnly)
        #expect(throws: AddressResolver.Failure.self) {
            _ = try AddressResolver.getAddresses(host: "not-an-address", port: 80, numericOnly: true).get()
        }
    }

    @Test func localhostResolvesThroughGetaddrinfoToALoopbackAddress() throws {
        let addresses = try AddressResolver().resolve(
            host: "localhost", port: 80, isIPAddress: false, deadline: Self.deadline(.seconds(5)))
        #expect(!Set(addresses.map(\.family)).isDisjoint(with: [AF_INET, AF_INET6]))
    }

    /// Through the client: a name server that does not answer ends the request at the connect timeout, with a
    /// timeout error that says what was being done.
    @Test func theClientReportsALookupThatDoesNotAnswerAsAConnectTimeout() throws {
        let held = HeldLookup()
        let client = try HTTPClient(
            configuration: HTTPClientConfiguration(connectTimeout: .milliseconds(300)),
            resolver: AddressResolver(lookup: held.lookup))
        let start = ContinuousClock.now
        var caught: HTTPClientError?
        do {
            _ = try client.execute(HTTPClientRequest(url: "https://slow.example/"))
        } catch {
            caught = error
        }
        let waited = Self.seconds(since: start)
        #expect(caught?.code == .connectTimeout)
        #expect(caught?.reason.contains("resolving 'slow.example'") == true, "\(String(describing: caught))")
        #expect(caught?.requestSent == false)
        #expect(waited < 2, "waited \(waited) s")
        held.answer()
    }
}
