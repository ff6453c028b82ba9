import Testing

@testable import Queue

@Suite struct ClaimTests {
    @Test func claimHandsOutDueEventsOldestFirstWithALease() throws {
        try withStore { store, clock throws in
            let ids = try store.append((0..<5).map { _ in sampleEvent(at: clock.now) })
            let claimed = try store.claim(limit: 3, now: clock.now, leaseFor: .seconds(30))
            #expect(claimed.map(\.event.id) == Array(ids.prefix(3)))
            #expect(
                claimed.allSatisfy { $0.event.status == .inFlight && $0.lease.expiresAt == clock.now + .seconds(30) })
            #expect(Set(claimed.map(\.lease.token)).count == 3)
            #expect(
                try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(30)).map(\.event.id) == [ids[3], ids[4]])
            #expect(try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(30)).isEmpty)
            #expect(try store.event(ids[0])?.event.status == .inFlight)
            #expect(store.pendingCount() == 5)
        }
    }

    @Test func onlyTheOldestUndeliveredEventOfASubjectIsClaimed() throws {
        try withStore { store, clock throws in
            let ana = try store.append([
                sampleEvent(subject: "ana"), sampleEvent(subject: "ana"), sampleEvent(subject: "ana"),
            ])
            let bob = try store.append([sampleEvent(subject: "bob")])
            let loose = try store.append([sampleEvent(), sampleEvent()])
            var claimed = try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600))
            #expect(claimed.map(\.event.id) == [ana[0], bob[0], loose[0], loose[1]])

            // While ana's first is in flight, and then retrying, her second waits.
            #expect(try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600)).isEmpty)
            try store.scheduleRetry(claimed[0].lease, at: clock.now + .seconds(60))
            #expect(try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600)).isEmpty)

            // Done: the next one of the subject goes.
            clock.advance(by: .seconds(60))
            claimed = try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600))
            try #require(claimed.map(\.event.id) == [ana[0]])
            try store.complete(claimed[0].lease)
            claimed = try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600))
            try #require(claimed.map(\.event.id) == [ana[1]])

            // A dead letter does not block its subject.
            try store.markDead(claimed[0].lease, reason: "permanent: 422")
            #expect(try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(3_600)).map(\.event.id) == [ana[2]])
        }
    }

    @Test func aClaimedEventIsClaimedAgainOnlyAfterItsLeaseExpires() throws {
        try withStore { store, clock throws in
            let ids = try store.append([sampleEvent()])
            let first = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            clock.advance(by: .seconds(29))
            #expect(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).isEmpty)
            #expect(try store.nextDueAt(excludingRoutes: []) == first.lease.expiresAt)

            // The worker crashed: after the lease, the event comes back.
            clock.advance(by: .seconds(1))
            let second = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            #expect(second.event.id == ids[0])
            #expect(second.lease.token != first.lease.token)

            // The first worker was only slow: its report is refused, the new holder's stands.
            let error = #expect(throws: StoreError.self) { try store.complete(first.lease) }
            #expect(error?.code == .leaseLost)
            try store.complete(second.lease)
            #expect(try store.event(ids[0])?.event.status == .done)
            #expect(store.pendingCount() == 0)
        }
    }

    @Test func pausedRoutesAreSkipped() throws {
        try withStore { store, clock throws in
            let forms = try store.append([sampleEvent(route: "form")])
            let hooks = try store.append([sampleEvent(route: "hook")])
            let claimed = try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(30), excludingRoutes: ["form"])
            #expect(claimed.map(\.event.id) == hooks)
            #expect(try store.nextDueAt(excludingRoutes: ["form", "hook"]) == nil)
            #expect(try store.claim(limit: 10, now: clock.now, leaseFor: .seconds(30)).map(\.event.id) == forms)
        }
    }

    @Test func stepResultsAreHandedBackSoARetryResumes() throws {
        try withStore { store, clock throws in
            let id = try store.append([sampleEvent()])[0]
            let first = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            #expect(first.completedSteps.isEmpty)
            try store.recordStepResult(id, step: 0, result: Array(#"{"id":42}"#.utf8))
            try store.recordStepResult(id, step: 1, result: [])
            // The first result of a step stands.
            try store.recordStepResult(id, step: 0, result: Array("other".utf8))
            try store.scheduleRetry(first.lease, at: clock.now + .seconds(10))

            clock.advance(by: .seconds(10))
            let again = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            #expect(again.completedSteps.map(\.step) == [0, 1])
            #expect(again.completedSteps[0].result == Array(#"{"id":42}"#.utf8))
            #expect(again.completedSteps[1].result == [])
            #expect(try store.completedSteps(id) == again.completedSteps)
        }
    }

    @Test func attemptsAreKeptInOrderAndCounted() throws {
        try withStore { store, clock throws in
            let id = try store.append([sampleEvent()])[0]
            let claimed = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            let failed = Attempt(
                number: 1, startedAt: clock.now, finishedAt: clock.now + .milliseconds(250), step: 0,
                request: "POST /v1/persons", httpStatus: 503, errorClass: "transient", details: "upstream busy")
            let timedOut = Attempt(
                number: 2, startedAt: clock.now + .seconds(1), finishedAt: clock.now + .seconds(31), step: 1,
                request: "POST /v1/deals", errorClass: "timeout", details: "no answer in 30 s")
            try store.recordAttempt(id, failed)
            try store.recordAttempt(id, timedOut)
            try store.release(claimed.lease)

            let detail = try #require(try store.event(id))
            #expect(detail.attempts == [failed, timedOut])
            #expect(detail.event.attempts == 2)
            #expect(detail.event.status == .retrying)
            let again = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            #expect(again.event.attempts == 2)
            let missing = EventID.Generator().next(at: clock.now)
            #expect(throws: StoreError.self) { try store.recordAttempt(missing, failed) }
        }
    }

    @Test func releaseGivesAnUnattemptedEventBackAsPending() throws {
        try withStore { store, clock throws in
            let id = try store.append([sampleEvent()])[0]
            let claimed = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            try store.release(claimed.lease)
            #expect(try store.event(id)?.event.status == .pending)
            #expect(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).map(\.event.id) == [id])
        }
    }

    @Test func commitsThatMakeEventsClaimableWakeTheDeliveryLoop() throws {
        try withStore { store, clock throws in
            store.wakeUp.wait(timeout: .zero)  // clear anything from opening
            #expect(!store.wakeUp.wait(timeout: .milliseconds(10)))
            _ = try store.append([sampleEvent()])
            #expect(store.wakeUp.wait(timeout: .seconds(5)))
            let claimed = try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30))
            #expect(!store.wakeUp.wait(timeout: .milliseconds(10)), "a claim makes nothing claimable")
            try store.scheduleRetry(claimed[0].lease, at: clock.now + .seconds(90))
            #expect(store.wakeUp.wait(timeout: .seconds(5)))
            #expect(try store.nextDueAt(excludingRoutes: []) == clock.now + .seconds(90))
        }
    }
}
