import Foundation
import Testing

@testable import Queue

@Suite struct DedupeTests {
    @Test func aRepeatedKeyGetsTheFirstEventsIDAndStoresNothing() throws {
        try withStore { store, clock throws in
            func event(_ key: String?, route: String = "stripe") -> NewEvent {
                NewEvent(route: route, receivedAt: clock.now, body: Array("b".utf8), plan: [], dedupeKey: key)
            }
            let first = try store.append([event("evt_1")])
            let again = try store.append([event("evt_1")])
            #expect(again == first)
            let sameBatch = try store.append([event("evt_2"), event("evt_2"), event(nil), event(nil)])
            #expect(sameBatch[0] == sameBatch[1])
            #expect(sameBatch[2] != sameBatch[3])
            let otherRoute = try store.append([event("evt_1", route: "paddle")])
            #expect(otherRoute != first)
            #expect(try store.stats().counts[.pending] == 5)
            #expect(store.pendingCount() == 5)
        }
    }

    @Test func keysArePurgedWithTheDeliveredEvents() throws {
        try withStore { store, clock throws in
            let id = try store.append([
                NewEvent(route: "stripe", receivedAt: clock.now, body: [], plan: [], dedupeKey: "evt_9")
            ])[0]
            let claimed = try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(60))
            try store.complete(try #require(claimed.first).lease)
            clock.advance(by: .seconds(10))
            _ = try store.purgeDelivered(olderThan: clock.now)
            let after = try store.append([
                NewEvent(route: "stripe", receivedAt: clock.now, body: [], plan: [], dedupeKey: "evt_9")
            ])[0]
            #expect(after != id, "once the first event is purged, the key is free again")
        }
    }

    @Test func discardingAnEventFreesItsKey() throws {
        try withStore { store, clock throws in
            func append() throws -> EventID {
                try store.append([
                    NewEvent(route: "stripe", receivedAt: clock.now, body: [], plan: [], dedupeKey: "evt_9")
                ])[0]
            }
            let id = try append()
            #expect(try store.discard(id))
            let after = try append()
            #expect(after != id, "a repeat after the operator discarded the event is a new event")
            #expect(try append() == after)
        }
    }
}
