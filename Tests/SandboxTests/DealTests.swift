import JSON
import Testing

@Suite("Sandbox: deals")
struct DealTests {
    @Test func createReturnsTheWholeDeal() throws {
        let harness = try SandboxHarness()
        let contact = try harness.api("POST", "/contacts/upsert", ["email": "ana@acme.test"]).json.dataID!
        let organization = try harness.api("POST", "/organizations", ["name": "Acme"]).json.dataID!
        let result = try harness.api(
            "POST", "/deals",
            [
                "title": "Acme website", "pipeline_id": "pipeline_sales", "stage_id": "stage_sales_proposal",
                "value": 4200.5,
                "currency": "EUR", "contact_ids": [.string(contact)], "organization_id": .string(organization),
                "assignee_id": "member_ben", "due_date": "2025-02-28", "tags": ["web", "web", "q1"],
                "dynamic_fields": [
                    "field_source": "typeform", "field_budget": 5000, "field_product": "option_product_growth",
                ],
            ])
        #expect(result.status == 201)
        let deal = try #require(result.json["data"]?.objectValue)
        #expect(deal["id"] == "deal_1")
        #expect(deal["title"] == "Acme website")
        #expect(deal["stage_id"] == "stage_sales_proposal")
        #expect(deal["value"] == 4200.5)
        #expect(deal["contact_ids"] == [.string(contact)])
        #expect(deal["tags"] == ["web", "q1"])
        #expect(
            deal["dynamic_fields"] == [
                "field_source": "typeform", "field_budget": 5000, "field_product": "option_product_growth",
            ])
        let created = try #require(deal["created_at"]?.stringValue)
        #expect(created.count == 20 && created.hasSuffix("Z") && created.dropFirst(10).hasPrefix("T"))
        #expect(deal["updated_at"]?.stringValue == created)
        #expect(
            Set(deal.keys) == [
                "id", "title", "pipeline_id", "stage_id", "value", "currency", "contact_ids", "organization_id",
                "assignee_id",
                "due_date", "tags", "dynamic_fields", "created_at", "updated_at",
            ])
    }

    @Test func defaultsArePipelineSalesFirstStage() throws {
        let harness = try SandboxHarness()
        let plain = try harness.api("POST", "/deals", ["title": "Plain"]).json["data"]
        #expect(plain?["pipeline_id"] == "pipeline_sales")
        #expect(plain?["stage_id"] == "stage_sales_lead")
        #expect(plain?["value"] == .null)
        #expect(plain?["tags"] == [])
        let onboarding = try harness.api("POST", "/deals", ["title": "O", "pipeline_id": "pipeline_onboarding"]).json[
            "data"]
        #expect(onboarding?["stage_id"] == "stage_onboarding_kickoff")
        let byStage = try harness.api("POST", "/deals", ["title": "S", "stage_id": "stage_onboarding_live"]).json[
            "data"]
        #expect(byStage?["pipeline_id"] == "pipeline_onboarding")
    }

    @Test func invalidFieldsAndReferencesGet422WithEveryDetail() throws {
        let harness = try SandboxHarness()
        expectValidation(try harness.api("POST", "/deals", [:]), fields: ["title"])
        expectValidation(try harness.api("POST", "/deals", ["title": "  "]), fields: ["title"])
        expectValidation(
            try harness.api(
                "POST", "/deals",
                [
                    "title": 5, "value": -3, "currency": "euro", "contact_ids": ["contact_404"],
                    "organization_id": "org_404",
                    "assignee_id": "member_zed", "due_date": "2025-02-30", "tags": [""], "colour": "red",
                    "pipeline_id": "pipeline_x",
                ]),
            fields: [
                "title", "value", "currency", "contact_ids[0]", "organization_id", "assignee_id", "due_date", "tags[0]",
                "colour",
                "pipeline_id",
            ])
        expectValidation(try harness.api("POST", "/deals", ["title": "T", "value": 10]), fields: ["currency"])
        expectValidation(
            try harness.api("POST", "/deals", ["title": "T", "stage_id": "stage_nope"]), fields: ["stage_id"])
        let mismatch = try harness.api(
            "POST", "/deals", ["title": "T", "pipeline_id": "pipeline_sales", "stage_id": "stage_onboarding_setup"])
        expectValidation(mismatch, fields: ["stage_id"])
        #expect(mismatch.json.detailMessage("stage_id")?.contains("pipeline_onboarding") == true)
        #expect(try harness.objectCount("deals") == 0)
    }

    @Test func malformedBodiesGet400() throws {
        let harness = try SandboxHarness()
        let connection = try harness.connect()
        try connection.send(
            "POST /api/v2/deals HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sandbox-key\r\nContent-Length: 7\r\n\r\n{\"title"
        )
        let response = try connection.readResponse()
        #expect(response.status == 400)
        #expect(try JSONValue(parsing: response.body).errorCode == "invalid_json")
        let array = try harness.api("POST", "/deals", ["not", "an", "object"])
        #expect(array.status == 400)
        #expect(try harness.api("POST", "/deals").status == 400)
    }

    @Test func bulkCreateKeepsInputOrder() throws {
        let harness = try SandboxHarness()
        let titles = (1...100).map { "Deal \($0)" }
        let result = try harness.api("POST", "/deals/bulk", ["deals": .array(titles.map { ["title": .string($0)] })])
        #expect(result.status == 201)
        let deals = result.json["data"]?.arrayValue ?? []
        #expect(deals.compactMap { $0["title"]?.stringValue } == titles)
        #expect(deals.compactMap(\.["id"]?.stringValue) == (1...100).map { "deal_\($0)" })
        #expect(try harness.objectCount("deals") == 100)
    }

    @Test func bulkCreateIsAllOrNothingAndLimited() throws {
        let harness = try SandboxHarness()
        let invalid = try harness.api(
            "POST", "/deals/bulk", ["deals": [["title": "ok"], ["title": ""], 3, ["title": "x", "value": "1"]]])
        expectValidation(invalid, fields: ["deals[2]"])
        let invalidDeals = try harness.api(
            "POST", "/deals/bulk", ["deals": [["title": "ok"], ["title": ""], ["title": "x", "value": "1"]]])
        expectValidation(invalidDeals, fields: ["deals[1].title", "deals[2].value"])
        let tooMany = JSONValue.array(Array(repeating: ["title": "t"], count: 101))
        expectValidation(try harness.api("POST", "/deals/bulk", ["deals": tooMany]), fields: ["deals"])
        expectValidation(try harness.api("POST", "/deals/bulk", ["deals": []]), fields: ["deals"])
        expectValidation(try harness.api("POST", "/deals/bulk", ["items": []]), fields: ["items"])
        #expect(try harness.objectCount("deals") == 0)
    }

    @Test func findFiltersCombine() throws {
        let harness = try SandboxHarness()
        let ana = try harness.api("POST", "/contacts/upsert", ["email": "ana@acme.test"]).json.dataID!
        let bob = try harness.api("POST", "/contacts/upsert", ["email": "bob@acme.test"]).json.dataID!
        _ = try harness.api(
            "POST", "/deals/bulk",
            [
                "deals": [
                    [
                        "title": "A1", "contact_ids": [.string(ana)],
                        "dynamic_fields": ["field_stripe_customer_id": "cus_1", "field_budget": 100],
                    ],
                    ["title": "A2", "contact_ids": [.string(ana)], "stage_id": "stage_sales_won"],
                    [
                        "title": "B1", "contact_ids": [.string(bob)],
                        "dynamic_fields": [
                            "field_stripe_customer_id": "cus_2", "field_product": "option_product_starter",
                        ],
                    ],
                ]
            ])
        func titles(_ query: String) throws -> [String] {
            let result = try harness.api("GET", "/deals?" + query)
            #expect(result.status == 200, "\(result.response.text)")
            return result.json["data"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
        }
        #expect(try titles("contact_email=ANA%40acme.test") == ["A1", "A2"])
        #expect(try titles("contact_email=nobody%40acme.test") == [])
        #expect(try titles("stage_id=stage_sales_won") == ["A2"])
        #expect(try titles("contact_email=ana@acme.test&stage_id=stage_sales_lead") == ["A1"])
        #expect(try titles("dynamic_field%5Bfield_stripe_customer_id%5D=cus_2") == ["B1"])
        #expect(try titles("dynamic_field[field_stripe_customer_id]=cus_1") == ["A1"])
        #expect(try titles("dynamic_field[field_budget]=100.0") == ["A1"])
        #expect(try titles("dynamic_field[field_product]=option_product_starter") == ["B1"])
        #expect(try titles("title=A2") == ["A2"])
        #expect(try titles("pipeline_id=pipeline_onboarding") == [])
        #expect(try titles("") == ["A1", "A2", "B1"])
        expectValidation(
            try harness.api("GET", "/deals?dynamic_field[field_newsletter]=true"),
            fields: ["dynamic_field[field_newsletter]"])
        expectValidation(try harness.api("GET", "/deals?stage_id=stage_x&email=a"), fields: ["email"])
        expectValidation(try harness.api("GET", "/deals?stage_id=stage_x"), fields: ["stage_id"])
    }

    @Test func paginationWalksEveryPageOnce() throws {
        let harness = try SandboxHarness()
        let batch = JSONValue.array((1...100).map { ["title": .string("D\($0)")] })
        _ = try harness.api("POST", "/deals/bulk", ["deals": batch])
        _ = try harness.api("POST", "/deals/bulk", ["deals": .array((101...130).map { ["title": .string("D\($0)")] })])
        var seen: [String] = []
        var cursor: String?
        var pages = 0
        repeat {
            let result = try harness.api("GET", "/deals?limit=40" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(result.status == 200)
            seen += result.json["data"]?.arrayValue?.compactMap { $0["title"]?.stringValue } ?? []
            cursor = result.json["next_cursor"]?.stringValue
            pages += 1
        } while cursor != nil && pages < 10
        #expect(pages == 4)
        #expect(seen == (1...130).map { "D\($0)" })
        let defaultPage = try harness.api("GET", "/deals")
        #expect(defaultPage.json["data"]?.arrayValue?.count == 50)
        #expect(try harness.api("GET", "/deals?limit=100").json["data"]?.arrayValue?.count == 100)
    }

    @Test func patchChangesOnlyWhatIsGiven() throws {
        let harness = try SandboxHarness()
        let id = try harness.api(
            "POST", "/deals",
            [
                "title": "Old", "value": 10, "currency": "EUR", "tags": ["a"],
                "dynamic_fields": ["field_source": "form", "field_budget": 1],
            ]
        ).json.dataID!
        let patched = try harness.api(
            "PATCH", "/deals/\(id)",
            ["title": "New", "due_date": "2025-06-01", "dynamic_fields": ["field_budget": 2, "field_source": nil]])
        #expect(patched.status == 200)
        let deal = patched.json["data"]
        #expect(deal?["title"] == "New")
        #expect(deal?["value"] == 10)
        #expect(deal?["tags"] == ["a"])
        #expect(deal?["due_date"] == "2025-06-01")
        #expect(deal?["dynamic_fields"] == ["field_budget": 2])
        #expect(try harness.api("PATCH", "/deals/\(id)", ["value": nil]).json["data"]?["value"] == .null)
        expectValidation(try harness.api("PATCH", "/deals/\(id)", ["title": nil]), fields: ["title"])
        expectValidation(
            try harness.api("PATCH", "/deals/\(id)", ["stage_id": "stage_onboarding_live"]), fields: ["stage_id"])
        expectValidation(try harness.api("PATCH", "/deals/\(id)", ["id": "deal_9"]), fields: ["id"])
        let moved = try harness.api("PATCH", "/deals/\(id)", ["pipeline_id": "pipeline_onboarding"]).json["data"]
        #expect(moved?["stage_id"] == "stage_onboarding_kickoff")
        let both = try harness.api(
            "PATCH", "/deals/\(id)", ["pipeline_id": "pipeline_sales", "stage_id": "stage_sales_won"]
        ).json["data"]
        #expect(both?["stage_id"] == "stage_sales_won")
        #expect(try harness.api("PATCH", "/deals/deal_404", ["title": "x"]).status == 404)
    }

    @Test func stageMoveStaysInThePipeline() throws {
        let harness = try SandboxHarness()
        let id = try harness.api("POST", "/deals", ["title": "Move me"]).json.dataID!
        let moved = try harness.api("POST", "/deals/\(id)/stage", ["stage_id": "stage_sales_negotiating"])
        #expect(moved.status == 200)
        #expect(moved.json["data"]?["stage_id"] == "stage_sales_negotiating")
        let refused = try harness.api("POST", "/deals/\(id)/stage", ["stage_id": "stage_onboarding_setup"])
        expectValidation(refused, fields: ["stage_id"])
        #expect(refused.json.detailMessage("stage_id")?.contains("belongs to pipeline 'pipeline_onboarding'") == true)
        expectValidation(try harness.api("POST", "/deals/\(id)/stage", [:]), fields: ["stage_id"])
        expectValidation(
            try harness.api("POST", "/deals/\(id)/stage", ["stage_id": "stage_nope"]), fields: ["stage_id"])
        let missing = try harness.api("POST", "/deals/deal_404/stage", ["stage_id": "stage_sales_won"])
        #expect(missing.status == 404)
        #expect(missing.json.errorCode == "not_found")
    }

    @Test func dynamicFieldValuesAreValidated() throws {
        let harness = try SandboxHarness()
        let id = try harness.api("POST", "/deals", ["title": "Fields"]).json.dataID!
        let set = try harness.api(
            "PUT", "/deals/\(id)/dynamic-fields", ["field_product": "option_product_enterprise", "field_budget": 12.5])
        #expect(set.status == 200)
        #expect(
            set.json["data"]?["dynamic_fields"] == ["field_product": "option_product_enterprise", "field_budget": 12.5])
        let unknown = try harness.api("PUT", "/deals/\(id)/dynamic-fields", ["field_colour": "red"])
        expectValidation(unknown, fields: ["field_colour"])
        let wrongEntity = try harness.api("PUT", "/deals/\(id)/dynamic-fields", ["field_newsletter": true])
        expectValidation(wrongEntity, fields: ["field_newsletter"])
        #expect(wrongEntity.json.detailMessage("field_newsletter")?.contains("contacts") == true)
        let option = try harness.api("PUT", "/deals/\(id)/dynamic-fields", ["field_product": "Growth"])
        expectValidation(option, fields: ["field_product"])
        #expect(option.json.detailMessage("field_product")?.contains("option_product_growth (Growth)") == true)
        expectValidation(
            try harness.api("PUT", "/deals/\(id)/dynamic-fields", ["field_budget": "lots"]), fields: ["field_budget"])
        expectValidation(
            try harness.api("POST", "/deals", ["title": "x", "dynamic_fields": ["field_source": 3]]),
            fields: ["dynamic_fields.field_source"])
        let cleared = try harness.api("PUT", "/deals/\(id)/dynamic-fields", ["field_budget": nil])
        #expect(cleared.json["data"]?["dynamic_fields"] == ["field_product": "option_product_enterprise"])
        #expect(try harness.api("PUT", "/deals/deal_404/dynamic-fields", [:]).status == 404)
    }

    @Test func activitiesOnDeals() throws {
        let harness = try SandboxHarness()
        let id = try harness.api("POST", "/deals", ["title": "Paid"]).json.dataID!
        let logged = try harness.api(
            "POST", "/deals/\(id)/activities",
            ["type": "payment", "text": "Paid 49 EUR", "occurred_at": "2025-03-01T10:30:00+01:00"])
        #expect(logged.status == 201)
        #expect(
            logged.json["data"] == [
                "id": "activity_1", "type": "payment", "text": "Paid 49 EUR", "occurred_at": "2025-03-01T09:30:00Z",
            ])
        let now = try harness.api("POST", "/deals/\(id)/activities", ["type": "note", "text": "hello"])
        #expect(now.json["data"]?["occurred_at"]?.stringValue?.hasSuffix("Z") == true)
        expectValidation(
            try harness.api("POST", "/deals/\(id)/activities", ["type": "fax", "occurred_at": "yesterday"]),
            fields: ["type", "text", "occurred_at"])
        #expect(try harness.api("POST", "/deals/deal_404/activities", ["type": "note", "text": "x"]).status == 404)
        #expect(try harness.objectCount("activities") == 2)
    }

    @Test func theObjectLimitIsEnforced() throws {
        let harness = try SandboxHarness { $0.maxObjects = 3 }
        _ = try harness.api("POST", "/deals/bulk", ["deals": [["title": "a"], ["title": "b"]]])
        let refused = try harness.api("POST", "/deals/bulk", ["deals": [["title": "c"], ["title": "d"]]])
        #expect(refused.status == 403)
        #expect(refused.json.errorCode == "limit_reached")
        #expect(try harness.api("POST", "/deals", ["title": "c"]).status == 201)
        #expect(try harness.api("POST", "/tasks", ["title": "t"]).status == 403)
    }
}
