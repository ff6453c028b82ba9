import Dispatch
import Foundation
import Glibc
@testable import HTTP
import Synchronization
import Testing

/// Name resolution is bounded by the connect deadline, although `getaddrinfo` itself takes no timeout.
@Suite("Client: resolving host names within the deadline")
struct AddressResolverTests {
    /// A lookup that answers `127.0.0.1` after `delay`, and says when it has returned.
    private final class SlowLookup: Sendable {
        let delay: Duration
        let returned = DispatchSemaphore(value: 0)
        let calls = Mutex<[(host: String, numericOnly: Bool)]>([])

        init(delay: Duration) { self.delay = delay }

        var lookup: AddressResolver.Lookup {
            { host, port, numericOnly in
                self.calls.withLock { $0.append((host, numericOnly)) }
                Thread.sleep(forTimeInterval: Double(self.delay.components.seconds)
                    + Double(self.delay.components.attoseconds) / 1e18)
                defer { self.returned.signal() }
                return AddressResolver.getAddresses(host: "127.0.0.1", port: port, numericOnly: true)
            }
        }
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }

    @Test func aLookupSlowerThanTheDeadlineTimesOutAtTheDeadline() throws {
        let slow = SlowLookup(delay: .seconds(2))
        let start = ContinuousClock.now
        #expect(throws: AddressResolver.Failure.timedOut) {
            _ = try AddressResolver.resolve(
                host: "slow.example", port: 443, isIPAddress: false,
                deadline: Deadline(after: .milliseconds(200), timeout: .connect), lookup: slow.lookup)
        }
        let waited = Self.seconds(since: start)
        #expect(waited >= 0.19 && waited < 1.5, "waited \(waited) s")
        // The abandoned lookup still finishes on its own thread, and its result is dropped.
        #expect(slow.returned.wait(timeout: .now() + 5) == .success)
    }

    @Test func aLookupWithinTheDeadlineGivesItsAddresses() throws {
        let slow = SlowLookup(delay: .milliseconds(50))
        let addresses = try AddressResolver.resolve(
            host: "quick.example", port: 8080, isIPAddress: false,
            deadline: Deadline(after: .seconds(5), timeout: .connect), lookup: slow.lookup)
        let family = Int32(addresses.first.pointee.ai_family)
        #expect(family == AF_INET)
        #expect(slow.calls.withLock { $0.map(\.host) } == ["quick.example"])
    }

    @Test func localhostResolvesThroughGetaddrinfoToALoopbackAddress() throws {
        let addresses = try AddressResolver.resolve(
            host: "localhost", port: 80, isIPAddress: false,
            deadline: Deadline(after: .seconds(5), timeout: .connect), lookup: AddressResolver.getAddresses)
        var families: Set<Int32> = []
        var cursor: UnsafeMutablePointer<addrinfo>? = addresses.first
        while let entry = cursor {
            families.insert(entry.pointee.ai_family)
            cursor = entry.pointee.ai_next
        }
        #expect(!families.isDisjoint(with: [AF_INET, AF_INET6]))
    }

    @Test func anIPAddressIsReadWithoutAskingANameServer() throws {
        let slow = SlowLookup(delay: .zero)
        _ = try AddressResolver.resolve(
            host: "127.0.0.1", port: 80, isIPAddress: true,
            deadline: Deadline(after: .seconds(5), timeout: .connect), lookup: slow.lookup)
        let calls = slow.calls.withLock { $0 }
        #expect(calls.count == 1 && calls[0].numericOnly)
        #expect(throws: AddressResolver.Failure.self) {
            _ = try AddressResolver.getAddresses(host: "not-an-address", port: 80, numericOnly: true).get()
        }
    }

    /// Through the client: a slow name server ends the request at the connect timeout, with a timeout error that
    /// says what was being done.
    @Test func theClientReportsASlowLookupAsAConnectTimeout() throws {
        let slow = SlowLookup(delay: .seconds(2))
        let client = try HTTPClient(
            configuration: HTTPClientConfiguration(connectTimeout: .milliseconds(300)), lookup: slow.lookup)
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
        #expect(waited < 1.5, "waited \(waited) s")
        #expect(slow.returned.wait(timeout: .now() + 5) == .success)
    }
}
