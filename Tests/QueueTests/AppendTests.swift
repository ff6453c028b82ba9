import Foundation
import JSON
import Synchronization
import Testing

@testable import Queue

@Suite struct AppendTests {
    /// The `headers` column is `[["name","value"],…]`, as `JSONValue` writes it.
    @Test func headersAreStoredAsJSONPairs() {
        let headers = [Header(name: "X-Note", value: "na\u{EF}ve \"q\"\\\u{1}"), Header(name: "X-Empty", value: "")]
        let expected = JSONValue.array(headers.map { .array([.string($0.name), .string($0.value)]) }).jsonText
        #expect(SQLiteEventStore.encode(headers) == expected)
        #expect(SQLiteEventStore.encode([]) == "[]")
    }

    /// Appends are committed, and answered, on a thread `top -H` shows as `queue-writer`.
    @Test func appendsAreAnsweredOnTheThreadNamedQueueWriter() throws {
        try withStore { store, _ throws in
            let name = Mutex<String?>(nil)
            let answered = DispatchSemaphore(value: 0)
            store.append([sampleEvent()]) { _ in
                name.withLock { $0 = try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8) }
                answered.signal()
            }
            answered.wait()
            let seen = name.withLock { $0 }
            #expect(seen?.trimmingCharacters(in: .whitespacesAndNewlines) == "queue-writer")
        }
    }

    @Test func appendedEventsReadBackByteForByte() throws {
        try withStore { store, clock throws in
            let everyByte = (0...255).map { UInt8($0) } + [0, 0]
            let first = NewEvent(
                route: "webhook.stripe", receivedAt: clock.now, body: everyByte,
                headers: [
                    Header(name: "Stripe-Signature", value: "t=1,v1=abc"), Header(name: "X-Note", value: "naïve \"q\""),
                    Header(name: "X-Empty", value: ""),
                ], subject: "ana@example.com", plan: Array(#"{"steps":[{"op":"deal.create"}]}"#.utf8))
            let second = NewEvent(route: "contact", receivedAt: clock.now + .milliseconds(7), body: [], plan: [])
            let ids = try store.append([first, second])
            #expect(ids.count == 2)
            #expect(ids[0] < ids[1])

            let stored = try #require(try store.event(ids[0])).event
            #expect(stored.id == ids[0])
            #expect(stored.route == first.route)
            #expect(stored.receivedAt == first.receivedAt)
            #expect(stored.body == everyByte)
            #expect(stored.headers == first.headers)
            #expect(stored.subject == "ana@example.com")
            #expect(stored.plan == first.plan)
            #expect(stored.status == .pending)
            #expect(stored.attempts == 0)
            let empty = try #require(try store.event(ids[1])).event
            #expect(empty.body == [])
            #expect(empty.plan == [])
            #expect(empty.subject == nil)
            #expect(store.pendingCount() == 2)
            #expect(try store.append([]) == [])
        }
    }

    @Test func eventsSurviveCloseAndReopen() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let event = sampleEvent(subject: "s")
        let ids = try {
            let store = try SQLiteEventStore(path: directory.queuePath)
            defer { store.close() }
            return try store.append([event, event])
        }()
        let reopened = try SQLiteEventStore(path: directory.queuePath)
        defer { reopened.close() }
        #expect(reopened.pendingCount() == 2)
        #expect(try reopened.event(ids[1])?.event.body == event.body)
        #expect(try reopened.list(status: .pending, route: nil, limit: 10, after: nil).map(\.id) == ids)
        // Ids made after the reopen still sort after the earlier ones.
        let later = try reopened.append([event])
        #expect(later[0] > ids[1])
    }

    @Test func concurrentAppendsWaitingForTheWriterShareOneCommit() throws {
        try withStore { store, _ throws in
            let before = store.counters.appendCommits
            let results = Mutex<[Int: [EventID]]>([:])
            store.holdingWriter {
                DispatchQueue.global().async {
                    onThreads(64) { index in
                        let ids = try? store.append([sampleEvent(subject: "s\(index)")])
                        results.withLock { $0[index] = ids }
                    }
                }
                waitUntil { store.waitingAppends == 64 }
                #expect(store.waitingAppends == 64)
            }
            waitUntil { results.withLock { $0.count } == 64 }
            let ids = results.withLock { $0.values.compactMap(\.self).flatMap(\.self) }
            #expect(ids.count == 64)
            #expect(Set(ids).count == 64)
            #expect(store.counters.appendCommits - before == 1)
            #expect(store.pendingCount() == 64)
        }
    }

    @Test func sixtyFourThreadsAppendingCommitFarFewerTransactionsThanAppends() throws {
        try withStore { store, _ throws in
            let failures = Atomic<Int>(0)
            onThreads(64) { index in
                for round in 0..<20 {
                    do { _ = try store.append([sampleEvent(subject: "t\(index)-\(round)")]) } catch {
                        failures.add(1, ordering: .relaxed)
                    }
                }
            }
            let counters = store.counters
            #expect(failures.load(ordering: .relaxed) == 0)
            #expect(counters.appendCalls == 1_280)
            #expect(counters.appendedEvents == 1_280)
            #expect(counters.appendCommits < counters.appendCalls / 4, "commits: \(counters.appendCommits)")
            #expect(try store.stats().counts[.pending] == 1_280)
        }
    }

    @Test func aBatchIsBoundedByMaxBatchEvents() throws {
        let configuration = SQLiteEventStore.Configuration.with { $0.maxBatchEvents = 10 }
        try withStore(configuration) { store, _ throws in
            let done = Atomic<Int>(0)
            store.holdingWriter {
                for _ in 0..<7 {
                    store.append([sampleEvent(), sampleEvent(), sampleEvent()]) { result in
                        if case .success = result { done.add(1, ordering: .relaxed) }
                    }
                }
                // One call above the batch limit is committed alone, whole.
                store.append((0..<25).map { _ in sampleEvent() }) { result in
                    if case .success(let ids) = result, ids.count == 25 { done.add(1, ordering: .relaxed) }
                }
            }
            waitUntil { done.load(ordering: .relaxed) == 8 }
            #expect(done.load(ordering: .relaxed) == 8)
            // 21 events in batches of at most 10 (3 + 3 + 3, 3 + 3 + 3, 3), then the 25 alone.
            #expect(store.counters.appendCommits == 4)
            #expect(store.pendingCount() == 46)
        }
    }

    @Test func appendsBeyondTheWaitingLimitAreRefusedAtOnce() throws {
        let configuration = SQLiteEventStore.Configuration.with { $0.maxWaitingEvents = 5 }
        try withStore(configuration) { store, _ throws in
            let outcomes = Mutex<[Result<[EventID], StoreError>]>([])
            store.holdingWriter {
                for _ in 0..<7 {
                    store.append([sampleEvent()]) { result in outcomes.withLock { $0.append(result) } }
                }
                // The refusals are answered at once, while the writer is still held.
                #expect(outcomes.withLock { $0.count } == 2)
            }
            waitUntil { outcomes.withLock { $0.count } == 7 }
            let codes = outcomes.withLock {
                $0.map { result -> StoreError.Code? in
                    if case .failure(let error) = result { return error.code }
                    return nil
                }
            }
            #expect(codes.filter { $0 == .overloaded }.count == 2)
            #expect(codes.filter { $0 == nil }.count == 5)
            #expect(store.pendingCount() == 5)
        }
    }

    @Test func aFailedCommitFailsEveryWaitingCallerAndStoresNothing() throws {
        let configuration = SQLiteEventStore.Configuration.with { $0.maxFileBytes = 256 << 10 }
        try withStore(configuration) { store, _ throws in
            let outcomes = Mutex<[Result<[EventID], StoreError>]>([])
            let big = [UInt8](repeating: 0x5A, count: 40 << 10)
            store.holdingWriter {
                for index in 0..<8 {
                    store.append([sampleEvent(subject: "big\(index)", body: big)]) { result in
                        outcomes.withLock { $0.append(result) }
                    }
                }
                waitUntil { store.waitingAppends == 8 }
            }
            waitUntil { outcomes.withLock { $0.count } == 8 }
            let errors = outcomes.withLock {
                $0.compactMap { result -> StoreError? in
                    if case .failure(let error) = result { return error }
                    return nil
                }
            }
            #expect(errors.count == 8)
            #expect(errors.allSatisfy { $0.code == .full && $0.isTransient })
            #expect(errors.first?.message.contains("is full") == true)
            #expect(try store.list(status: nil, route: nil, limit: 100, after: nil).isEmpty)
            #expect(store.pendingCount() == 0)
            #expect(store.counters.appendCommits == 0)
            // The store goes on working once the batch fits.
            #expect(try store.append([sampleEvent()]).count == 1)
            #expect(store.pendingCount() == 1)
        }
    }

    @Test func aReadOnlyFileFailsAppendsWithAnErrorThatSaysSo() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath)
        defer { store.close() }
        // Make the writer's connection refuse writes, as a file on a remounted read-only disk would.
        try store.writer.withConnection { (connection) throws(StoreError) in
            try connection.execute("PRAGMA query_only = ON")
        }
        let error = #expect(throws: StoreError.self) { try store.append([sampleEvent(), sampleEvent()]) }
        #expect(error?.code == .readOnly)
        #expect(store.pendingCount() == 0)
    }

    @Test func appendsAfterCloseFail() throws {
        let directory = TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteEventStore(path: directory.queuePath)
        store.close()
        let error = #expect(throws: StoreError.self) { try store.append([sampleEvent()]) }
        #expect(error?.code == .closed)
        #expect((try? store.stats()) == nil)
    }
}
