import Testing

@testable import Queue

@Suite struct OperatorTests {
    /// Appends `count` events on `route` and makes them dead letters.
    private func deadLetters(_ store: SQLiteEventStore, _ clock: TestClock, route: String, count: Int) throws
        -> [EventID]
    {
        let ids = try store.append((0..<count).map { _ in sampleEvent(route: route) })
        for claimed in try store.claim(limit: count, now: clock.now, leaseFor: .seconds(30), excludingRoutes: []) {
            try store.markDead(claimed.lease, reason: "permanent: 422 unknown pipeline")
        }
        return ids
    }

    @Test func aDeadLetterKeepsItsReasonAndCanBeRetried() throws {
        try withStore { store, clock throws in
            let id = try deadLetters(store, clock, route: "form", count: 1)[0]
            #expect(store.pendingCount() == 0)
            let dead = try #require(try store.event(id)).event
            #expect(dead.status == .dead)
            #expect(dead.deadReason == "permanent: 422 unknown pipeline")
            #expect(dead.finishedAt == clock.now)

            clock.advance(by: .seconds(5))
            #expect(try store.retry(id))
            let retried = try #require(try store.event(id)).event
            #expect(retried.status == .pending)
            #expect(retried.deadReason == nil)
            #expect(retried.retriedAt == clock.now)
            #expect(retried.attempts == 0)
            #expect(store.pendingCount() == 1)
            // Pending, in flight or done events are not retried.
            #expect(try !store.retry(id))
            #expect(try !store.retry(EventID.Generator().next(at: clock.now)))
        }
    }

    @Test func retryAllPutsBackTheDeadLettersOfARoute() throws {
        try withStore { store, clock throws in
            _ = try deadLetters(store, clock, route: "form", count: 3)
            _ = try deadLetters(store, clock, route: "hook", count: 2)
            #expect(try store.retryAll(status: .dead, route: "form") == 3)
            #expect(try store.list(status: .dead, route: nil, limit: 10, after: nil).map(\.route) == ["hook", "hook"])
            #expect(try store.retryAll(status: .dead, route: nil) == 2)
            #expect(store.pendingCount() == 5)
            #expect(throws: StoreError.self) { try store.retryAll(status: .done, route: nil) }
        }
    }

    @Test func discardDeletesAnEventWithItsStepsAndAttempts() throws {
        try withStore { store, clock throws in
            let ids = try store.append([sampleEvent(), sampleEvent()])
            let claimed = try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30))
            try store.recordStepResult(ids[0], step: 0, result: [1])
            try store.recordAttempt(ids[0], Attempt(number: 1, startedAt: clock.now, finishedAt: clock.now))
            #expect(try store.discard(ids[0]))
            #expect(try store.event(ids[0]) == nil)
            #expect(try store.completedSteps(ids[0]).isEmpty)
            #expect(store.pendingCount() == 1)
            #expect(try !store.discard(ids[0]))
            // The worker that held it learns when it reports.
            #expect(throws: StoreError.self) { try store.complete(claimed[0].lease) }
        }
    }

    @Test func listFiltersAndPages() throws {
        try withStore { store, clock throws in
            let forms = try store.append((0..<5).map { _ in sampleEvent(route: "form") })
            _ = try store.append([sampleEvent(route: "hook")])
            let firstPage = try store.list(status: .pending, route: "form", limit: 2, after: nil)
            #expect(firstPage.map(\.id) == Array(forms[0..<2]))
            let secondPage = try store.list(status: .pending, route: "form", limit: 2, after: firstPage.last?.id)
            #expect(secondPage.map(\.id) == Array(forms[2..<4]))
            #expect(try store.list(status: nil, route: nil, limit: 100, after: nil).count == 6)
            #expect(try store.list(status: .dead, route: nil, limit: 100, after: nil).isEmpty)
            #expect(firstPage[0].bodySize == sampleEvent().body.count)
            _ = clock
        }
    }

    @Test func statsCountByStatusAndMeasureAges() throws {
        try withStore { store, clock throws in
            let empty = try store.stats()
            #expect(empty.counts.count == EventStatus.allCases.count)
            #expect(empty.undelivered == 0)
            #expect(empty.oldestUndeliveredAge == nil)

            _ = try store.append([sampleEvent(at: clock.now), sampleEvent(at: clock.now), sampleEvent(at: clock.now)])
            let claimed = try store.claim(limit: 2, now: clock.now, leaseFor: .seconds(30))
            try store.complete(claimed[0].lease)
            clock.advance(by: .seconds(40))
            let stats = try store.stats()
            #expect(stats.counts[.pending] == 1)
            #expect(stats.counts[.inFlight] == 1)
            #expect(stats.counts[.done] == 1)
            #expect(stats.counts[.dead] == 0)
            #expect(stats.undelivered == 2)
            #expect(stats.oldestUndeliveredAge == .seconds(40))
            #expect(stats.maxOverdue == .seconds(40))
        }
    }

    @Test func purgeDeletesOnlyDeliveredEventsOlderThanTheCutoff() throws {
        let configuration = SQLiteEventStore.Configuration.with { $0.purgeBatchEvents = 3 }
        try withStore(configuration) { store, clock throws in
            let ids = try store.append((0..<8).map { _ in sampleEvent() })
            for claimed in try store.claim(limit: 7, now: clock.now, leaseFor: .seconds(30)) {
                try store.recordStepResult(claimed.event.id, step: 0, result: [1])
                try store.recordAttempt(
                    claimed.event.id, Attempt(number: 1, startedAt: clock.now, finishedAt: clock.now))
                if claimed.event.id == ids[6] {
                    try store.markDead(claimed.lease, reason: "gone")
                } else {
                    try store.complete(claimed.lease)
                }
            }
            let cutoff = clock.now + .milliseconds(1)
            clock.advance(by: .seconds(10))
            let late = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            try store.complete(late.lease)

            #expect(try store.purgeDelivered(olderThan: cutoff) == 6)
            #expect(try store.list(status: nil, route: nil, limit: 10, after: nil).map(\.id) == [ids[6], ids[7]])
            #expect(try store.completedSteps(ids[0]).isEmpty)
            #expect(try store.event(ids[6])?.attempts.count == 1, "dead letters are not purged")
            #expect(try store.purgeDelivered(olderThan: cutoff) == 0)
        }
    }
}
