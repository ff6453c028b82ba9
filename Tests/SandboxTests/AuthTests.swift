import JSON
import Testing

@Suite("Sandbox: authentication and keys")
struct AuthTests {
    @Test(arguments: [nil, "wrong-key"] as [String?])
    func missingOrWrongKeyGets401WithTheErrorBody(_ key: String?) throws {
        let harness = try SandboxHarness()
        let result = try harness.api("GET", "/pipelines", key: key)
        #expect(result.status == 401)
        #expect(result.json.errorCode == "unauthorized")
        #expect(result.json["error"]?["message"]?.stringValue?.contains("Bearer") == true)
        #expect(result.json["error"]?["details"] == [])
        #expect(result.response.header("Content-Type") == "application/json")
    }

    @Test func aMalformedAuthorizationHeaderGets401() throws {
        let harness = try SandboxHarness()
        let response = try harness.send(
            "GET", "/api/v2/pipelines", key: nil, headers: ["Authorization": "Basic c2FuZGJveC1rZXk="])
        #expect(response.status == 401)
    }

    @Test func aRevokedKeyGets401FromThenOn() throws {
        let harness = try SandboxHarness()
        #expect(try harness.api("GET", "/members").status == 200)
        let revoke = try harness.control("DELETE", "/keys/sandbox-key")
        #expect(revoke.status == 200)
        #expect(revoke.json["data"]?["revoked"] == true)
        #expect(try harness.api("GET", "/members").status == 401)
        #expect(try harness.control("DELETE", "/keys/sandbox-key").status == 404)
    }

    /// The key in `DELETE /_sandbox/keys/{key}` is a path segment: `+` is itself and `%XX` an escaped byte.
    @Test func aKeyIsRevokedByItsPercentEncodedPathSegment() throws {
        let harness = try SandboxHarness()
        #expect(try harness.control("POST", "/keys", ["key": "plus+and/slash-key"]).status == 201)
        let revoke = try harness.control("DELETE", "/keys/plus+and%2Fslash-key")
        #expect(revoke.status == 200)
        #expect(revoke.json["data"]?["key"] == "plus+and/slash-key")
        #expect(try harness.api("GET", "/members", key: "plus+and/slash-key").status == 401)
    }

    @Test func keysCanBeAddedAndRotated() throws {
        let harness = try SandboxHarness()
        let added = try harness.control("POST", "/keys", ["key": "second-key-123"])
        #expect(added.status == 201)
        #expect(try harness.api("GET", "/members", key: "second-key-123").status == 200)
        #expect(try harness.control("GET", "/keys").json["data"]?.arrayValue?.count == 2)

        let rotated = try harness.control("POST", "/keys/rotate")
        #expect(rotated.status == 201)
        let newKey = try #require(rotated.json["data"]?["key"]?.stringValue)
        #expect(newKey.hasPrefix("sbx_"))
        #expect(try harness.api("GET", "/members", key: "sandbox-key").status == 401)
        #expect(try harness.api("GET", "/members", key: "second-key-123").status == 401)
        #expect(try harness.api("GET", "/members", key: newKey).status == 200)
        #expect(harness.sandbox.validAPIKeys == [newKey])
    }

    @Test func aBadKeyRequestGets422() throws {
        let harness = try SandboxHarness()
        let result = try harness.control("POST", "/keys", ["key": "short"])
        #expect(result.status == 422)
        #expect(result.json.detailFields == ["key"])
    }

    @Test func keysAreLimited() throws {
        let harness = try SandboxHarness { $0.maxAPIKeys = 2 }
        #expect(try harness.control("POST", "/keys").status == 201)
        let refused = try harness.control("POST", "/keys")
        #expect(refused.status == 403)
        #expect(refused.json.errorCode == "limit_reached")
    }
}

@Suite("Sandbox: pipelines, dynamic fields, members")
struct CatalogTests {
    @Test func pipelinesComeWithTheirStages() throws {
        let harness = try SandboxHarness()
        let result = try harness.api("GET", "/pipelines")
        #expect(result.status == 200)
        #expect(result.json["next_cursor"] == .null)
        let pipelines = try #require(result.json["data"]?.arrayValue)
        #expect(pipelines.compactMap { $0["name"]?.stringValue } == ["Sales", "Onboarding"])
        let sales = try #require(pipelines.first)
        #expect(sales["id"] == "pipeline_sales")
        let stages = sales["stages"]?.arrayValue ?? []
        #expect(
            stages.compactMap { $0["name"]?.stringValue } == [
                "Lead", "Contacted", "Proposal", "Negotiating", "Won", "Lost",
            ])
        #expect(stages.first == ["id": "stage_sales_lead", "name": "Lead", "position": 1])
        #expect(pipelines[1]["stages"]?.arrayValue?.count == 4)
    }

    @Test func dynamicFieldsFilterByEntity() throws {
        let harness = try SandboxHarness()
        let deals = try harness.api("GET", "/dynamic-fields?entity=deal")
        #expect(deals.status == 200)
        let fields = deals.json["data"]?.arrayValue ?? []
        #expect(fields.compactMap { $0["name"]?.stringValue } == ["Source", "Budget", "Product", "Stripe customer id"])
        #expect(fields.allSatisfy { $0["entity"] == "deal" })
        let product = try #require(fields.first { $0["id"] == "field_product" })
        #expect(product["type"] == "select")
        #expect(
            product["options"]?.arrayValue?.compactMap { $0["label"]?.stringValue } == [
                "Starter", "Growth", "Enterprise",
            ])
        #expect(fields.first { $0["id"] == "field_budget" }?["type"] == "number")

        let contacts = try harness.api("GET", "/dynamic-fields?entity=contact")
        #expect(contacts.json["data"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["field_newsletter"])
        #expect(try harness.api("GET", "/dynamic-fields").json["data"]?.arrayValue?.count == 6)
        expectValidation(try harness.api("GET", "/dynamic-fields?entity=lead"), fields: ["entity"])
    }

    @Test func membersAreAnAdminAndAMember() throws {
        let harness = try SandboxHarness()
        let members = try harness.api("GET", "/members").json["data"]?.arrayValue ?? []
        #expect(
            members == [
                ["id": "member_ana", "email": "ana@example.com", "name": "Ana Alves", "role": "admin"],
                ["id": "member_ben", "email": "ben@example.com", "name": "Ben Brandt", "role": "member"],
            ])
    }

    @Test func unknownQueryParametersAndBadPagingAre422() throws {
        let harness = try SandboxHarness()
        expectValidation(try harness.api("GET", "/members?colour=red"), fields: ["colour"])
        expectValidation(try harness.api("GET", "/members?limit=101"), fields: ["limit"])
        expectValidation(try harness.api("GET", "/members?limit=0"), fields: ["limit"])
        expectValidation(try harness.api("GET", "/members?cursor=bogus"), fields: ["cursor"])
        let page = try harness.api("GET", "/members?limit=1")
        #expect(page.json["data"]?.arrayValue?.count == 1)
        let cursor = try #require(page.json["next_cursor"]?.stringValue)
        let next = try harness.api("GET", "/members?limit=1&cursor=\(cursor)")
        #expect(next.json["data"]?[0]?["id"] == "member_ben")
        #expect(next.json["next_cursor"] == .null)
    }

    @Test func unknownRoutesAndMethodsGetContractErrors() throws {
        let harness = try SandboxHarness()
        let missing = try harness.api("GET", "/leads")
        #expect(missing.status == 404)
        #expect(missing.json.errorCode == "not_found")
        let wrongMethod = try harness.api("DELETE", "/pipelines")
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.response.header("Allow") == "GET")
        #expect(try harness.send("GET", "/elsewhere").status == 404)
    }
}
