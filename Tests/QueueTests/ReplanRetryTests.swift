import Testing

@testable import Queue

@Suite struct ReplanRetryTests {
    @Test func aDeadLetterGetsItsNewPlanAndKeepsOnlyTheUnchangedStepsResults() throws {
        try withStore { store, clock throws in
            let id = try store.append([sampleEvent(subject: "old@example.com")])[0]
            let claimed = try #require(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first)
            try store.recordStepResult(id, step: 0, result: Array(#"{"id":"contact_1"}"#.utf8))
            try store.recordStepResult(id, step: 1, result: Array(#"{"id":"deal_1"}"#.utf8))
            try store.recordAttempt(id, Attempt(number: 1, startedAt: clock.now, finishedAt: clock.now, step: 2))
            try store.markDead(claimed.lease, reason: "permanent: no stage 'Qualified'")
            #expect(store.pendingCount() == 0)

            clock.advance(by: .seconds(5))
            let plan = Array(#"{"route":"contact","rules":[],"steps":[]}"#.utf8)
            #expect(try store.retry(id, replacingPlan: plan, subject: "new@example.com", keepingSteps: 1))
            let detail = try #require(try store.event(id))
            #expect(detail.event.status == .pending)
            #expect(detail.event.plan == plan)
            #expect(detail.event.subject == "new@example.com")
            #expect(detail.event.attempts == 0)
            #expect(detail.event.retriedAt == clock.now)
            #expect(detail.event.deadReason == nil)
            #expect(detail.steps.map(\.step) == [0], "the result of the changed step is dropped")
            #expect(detail.attempts.count == 1, "the history stays")
            #expect(store.pendingCount() == 1)
            #expect(try store.claim(limit: 1, now: clock.now, leaseFor: .seconds(30)).first?.event.plan == plan)
        }
    }

    @Test func onlyDeadOrRetryingEventsAreReplanned() throws {
        try withStore { store, clock throws in
            let id = try store.append([sampleEvent()])[0]
            let plan = Array(#"{"steps":[1]}"#.utf8)
            #expect(try !store.retry(id, replacingPlan: plan, subject: nil, keepingSteps: 0), "pending")
            #expect(try store.event(id)?.event.plan != plan)
            #expect(
                try !store.retry(
                    EventID.Generator().next(at: clock.now), replacingPlan: plan, subject: nil, keepingSteps: 0))
            #expect(throws: StoreError.self) {
                try store.retry(id, replacingPlan: plan, subject: nil, keepingSteps: -1)
            }
        }
    }
}
