import JSON
import Testing

@testable import Sandbox

/// The key index behind contact upserts: the first record with a lowercased e-mail, found without a scan.
@Suite struct ObjectTableTests {
    static func contact(_ table: inout ObjectTable, _ email: String) -> String {
        let id = table.makeID()
        table.insert(["id": .string(id), "email": .string(email)])
        return id
    }

    @Test func theFirstRecordOfAKeyIsFoundWhateverItsCase() {
        var table = ObjectTable(prefix: "contact", keyField: "email")
        let first = Self.contact(&table, "Ana@Example.com")
        _ = Self.contact(&table, "ana@example.com")
        let ben = Self.contact(&table, "ben@example.com")
        #expect(table.first(withKey: "ANA@example.com")?["id"]?.stringValue == first)
        #expect(table.first(withKey: "ben@example.com")?["id"]?.stringValue == ben)
        #expect(table.first(withKey: "cleo@example.com") == nil)
    }

    @Test func changingAKeyMovesTheIndex() {
        var table = ObjectTable(prefix: "contact", keyField: "email")
        let first = Self.contact(&table, "ana@example.com")
        let second = Self.contact(&table, "ana@example.com")
        table[first] = ["id": .string(first), "email": "ana.new@example.com"]
        #expect(table.first(withKey: "ana@example.com")?["id"]?.stringValue == second, "the next one is first now")
        #expect(table.first(withKey: "ana.new@example.com")?["id"]?.stringValue == first)
        table[second] = ["id": .string(second), "email": "ana.new@example.com"]
        #expect(table.first(withKey: "ana@example.com") == nil)
        #expect(table.first(withKey: "ana.new@example.com")?["id"]?.stringValue == first, "the earlier stays first")
    }

    @Test func aRestoredTableIsIndexedAgain() throws {
        var table = ObjectTable(prefix: "contact", keyField: "email")
        let id = Self.contact(&table, "Dan@Example.com")
        let restored = try ObjectTable(prefix: "contact", keyField: "email", snapshot: table.snapshot)
        #expect(restored.first(withKey: "dan@example.com")?["id"]?.stringValue == id)
    }
}
