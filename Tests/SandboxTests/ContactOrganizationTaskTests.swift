import JSON
import Testing

@Suite("Sandbox: contacts, organizations and tasks")
struct ContactOrganizationTaskTests {
    @Test func upsertCreatesThenUpdatesByEmail() throws {
        let harness = try SandboxHarness()
        let created = try harness.api(
            "POST", "/contacts/upsert", ["email": "Eve@Example.com", "first_name": "Eve", "phone": "+49 30 1234567"])
        #expect(created.status == 201)
        #expect(created.json["created"] == true)
        let contact = try #require(created.json["data"]?.objectValue)
        #expect(contact["id"] == "contact_1")
        #expect(
            Set(contact.keys) == [
                "id", "email", "first_name", "last_name", "phone", "organization_id", "dynamic_fields", "created_at",
                "updated_at",
            ])

        let updated = try harness.api(
            "POST", "/contacts/upsert",
            ["email": "eve@example.com", "last_name": "Smith", "dynamic_fields": ["field_newsletter": true]])
        #expect(updated.status == 200)
        #expect(updated.json["created"] == false)
        let data = updated.json["data"]
        #expect(data?["id"] == "contact_1")
        #expect(data?["first_name"] == "Eve", "fields not given are kept")
        #expect(data?["last_name"] == "Smith")
        #expect(data?["dynamic_fields"] == ["field_newsletter": true])
        #expect(try harness.objectCount("contacts") == 1)
    }

    @Test func upsertValidates() throws {
        let harness = try SandboxHarness()
        expectValidation(try harness.api("POST", "/contacts/upsert", ["first_name": "No email"]), fields: ["email"])
        expectValidation(
            try harness.api(
                "POST", "/contacts/upsert",
                [
                    "email": "not-an-email", "phone": "call me", "organization_id": "org_9",
                    "dynamic_fields": ["field_budget": 3],
                ]),
            fields: ["email", "phone", "organization_id", "dynamic_fields.field_budget"])
        expectValidation(
            try harness.api(
                "POST", "/contacts/upsert", ["email": "a@b.test", "dynamic_fields": ["field_newsletter": "yes"]]),
            fields: ["dynamic_fields.field_newsletter"])
    }

    @Test func contactDynamicFieldsAndActivities() throws {
        let harness = try SandboxHarness()
        let id = try harness.api("POST", "/contacts/upsert", ["email": "a@b.test"]).json.dataID!
        let set = try harness.api("PUT", "/contacts/\(id)/dynamic-fields", ["field_newsletter": false])
        #expect(set.status == 200)
        #expect(set.json["data"]?["dynamic_fields"] == ["field_newsletter": false])
        expectValidation(
            try harness.api("PUT", "/contacts/\(id)/dynamic-fields", ["field_source": "x"]), fields: ["field_source"])
        #expect(try harness.api("PUT", "/contacts/contact_404/dynamic-fields", [:]).status == 404)
        let call = try harness.api("POST", "/contacts/\(id)/activities", ["type": "call", "text": "Called back"])
        #expect(call.status == 201)
        #expect(call.json["data"]?["type"] == "call")
        #expect(
            try harness.api("POST", "/contacts/contact_404/activities", ["type": "call", "text": "x"]).status == 404)
    }

    @Test func organizationsAreCreatedAndFoundByExactName() throws {
        let harness = try SandboxHarness()
        let created = try harness.api(
            "POST", "/organizations",
            [
                "name": "Acme GmbH", "domain": "Acme.example",
                "dynamic_fields": ["field_industry": "option_industry_software"],
            ])
        #expect(created.status == 201)
        #expect(
            created.json["data"] == [
                "id": "org_1", "name": "Acme GmbH", "domain": "acme.example",
                "dynamic_fields": ["field_industry": "option_industry_software"],
            ])
        _ = try harness.api("POST", "/organizations", ["name": "Acme"])
        let found = try harness.api("GET", "/organizations?name=Acme%20GmbH")
        #expect(found.json["data"]?.arrayValue?.compactMap(\.["id"]?.stringValue) == ["org_1"])
        #expect(try harness.api("GET", "/organizations?name=acme+gmbh").json["data"] == [])
        #expect(try harness.api("GET", "/organizations").json["data"]?.arrayValue?.count == 2)
        expectValidation(
            try harness.api("POST", "/organizations", ["domain": "not a domain"]), fields: ["name", "domain"])
        let option = try harness.api(
            "PUT", "/organizations/org_1/dynamic-fields", ["field_industry": "option_product_growth"])
        expectValidation(option, fields: ["field_industry"])
        let set = try harness.api(
            "PUT", "/organizations/org_1/dynamic-fields", ["field_industry": "option_industry_retail"])
        #expect(set.json["data"]?["dynamic_fields"] == ["field_industry": "option_industry_retail"])
        #expect(try harness.api("PUT", "/organizations/org_404/dynamic-fields", [:]).status == 404)
    }

    @Test func tasksValidateTheirReferences() throws {
        let harness = try SandboxHarness()
        let deal = try harness.api("POST", "/deals", ["title": "With task"]).json.dataID!
        let created = try harness.api(
            "POST", "/tasks",
            ["title": "Call back", "due_date": "2025-01-31", "deal_id": .string(deal), "assignee_id": "member_ana"])
        #expect(created.status == 201)
        #expect(
            created.json["data"] == [
                "id": "task_1", "title": "Call back", "notes": .null, "due_date": "2025-01-31",
                "deal_id": .string(deal),
                "contact_id": .null, "assignee_id": "member_ana", "done": false,
            ])
        expectValidation(
            try harness.api(
                "POST", "/tasks",
                ["deal_id": "deal_404", "contact_id": "contact_404", "assignee_id": "member_404", "done": "no"]),
            fields: ["title", "deal_id", "contact_id", "assignee_id", "done"])
        #expect(try harness.objectCount("tasks") == 1)
    }
}
