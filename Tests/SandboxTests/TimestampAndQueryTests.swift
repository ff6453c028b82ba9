import Testing

@testable import Sandbox

@Suite("Sandbox: timestamps and query strings")
struct TimestampAndQueryTests {
    @Test func timestampsAreRFC3339UTC() {
        #expect(Timestamp.format(0) == "1970-01-01T00:00:00Z")
        #expect(Timestamp.format(1_740_821_400) == "2025-03-01T09:30:00Z")
        #expect(Timestamp.parse("2025-03-01T09:30:00Z") == 1_740_821_400)
        #expect(Timestamp.parse("2025-03-01T10:30:00.125+01:00") == 1_740_821_400)
        #expect(Timestamp.parse("2025-03-01T04:30:00-05:00") == 1_740_821_400)
        for bad in [
            "2025-03-01", "2025-03-01T09:30:00", "2025-02-30T00:00:00Z", "2025-03-01T25:00:00Z",
            "2025-03-01T09:30:00Zjunk",
        ] {
            #expect(Timestamp.parse(bad) == nil, "\(bad)")
        }
        #expect(Timestamp.isDate("2024-02-29"))
        #expect(!Timestamp.isDate("2025-02-29"))
        #expect(!Timestamp.isDate("2025-1-01"))
    }

    @Test func queriesArePercentDecoded() {
        let query = Query("contact_email=ana%40example.com&name=Acme+GmbH&dynamic_field%5Bf%5D=a%2Bb&flag&bad=%zz")
        #expect(query["contact_email"] == "ana@example.com")
        #expect(query["name"] == "Acme GmbH")
        #expect(query["dynamic_field[f]"] == "a+b")
        #expect(query["flag"] == "")
        #expect(query["bad"] == "%zz")
    }

    @Test func literalRoutesWinOverIDs() {
        guard case .found(.bulkCreateDeals, nil) = Endpoint.lookup(method: "POST", path: "/deals/bulk") else {
            Issue.record("POST /deals/bulk is the bulk call")
            return
        }
        guard case .found(.moveDeal, "deal_1") = Endpoint.lookup(method: "POST", path: "/deals/deal_1/stage") else {
            Issue.record("the stage move names its deal")
            return
        }
        guard case .notFound = Endpoint.lookup(method: "GET", path: "/deals//stage") else {
            Issue.record("an empty id matches nothing")
            return
        }
    }
}
