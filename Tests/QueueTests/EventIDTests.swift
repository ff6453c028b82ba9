import Testing

@testable import Queue

@Suite struct EventIDTests {
    @Test func idsAreCrockfordBase32AndCarryTheirTimestamp() throws {
        let time = Timestamp(millisecondsSinceEpoch: 1_750_000_000_123)
        let id = EventID.Generator().next(at: time)
        #expect(id.text.count == 26)
        #expect(id.text.allSatisfy { "0123456789ABCDEFGHJKMNPQRSTVWXYZ".contains($0) })
        #expect(id.timestamp == time)
        #expect(EventID(id.text) == id)
    }

    @Test func idsIncreaseWithinAMillisecondAndWhenTheClockStepsBack() {
        let generator = EventID.Generator()
        let time = Timestamp(millisecondsSinceEpoch: 1_750_000_000_000)
        var ids = (0..<1_000).map { _ in generator.next(at: time) }
        ids.append(generator.next(at: time - .seconds(5)))
        ids.append(generator.next(at: time + .milliseconds(1)))
        #expect(ids == ids.sorted())
        #expect(Set(ids).count == ids.count)
    }

    @Test func malformedTextIsNotAnID() {
        #expect(EventID("") == nil)
        #expect(EventID("01J9Z3K8W2XXXXXXXXXXXXXXXU") == nil)  // U is not Crockford
        #expect(EventID("81J9Z3K8W2XXXXXXXXXXXXXXXX") == nil)  // above 128 bits
        #expect(EventID("01j9z3k8w2xxxxxxxxxxxxxxxx") == nil)  // lower case
    }
}
