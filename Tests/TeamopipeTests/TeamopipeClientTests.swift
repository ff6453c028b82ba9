import JSON
import Rules
import Testing
import SandboxTestSupport

@testable import Teamopipe

@Suite("Teamopipe client against the sandbox")
struct TeamopipeClientTests {
    @Test func contactUpsertCreatesThenUpdatesWithItsOrganization() throws {
        let live = try InProcessSandbox()
        let first = live.client.perform(
            .contactUpsert, input: ["email": "ana@acme.test", "name": "Ana Lima", "organization": "Acme"],
            idempotencyKey: "e1:contact")
        let contact = try #require(first.value)
        #expect(contact["first_name"] == "Ana")
        #expect(contact["last_name"] == "Lima")
        #expect(contact["organization_id"]?.stringValue != nil)
        let second = live.client.perform(
            .contactUpsert, input: ["email": "ana@acme.test", "phone": "+49 30 1234567", "organization": "Acme"],
            idempotencyKey: "e2:contact")
        #expect(second.value?["id"] == contact["id"], "\(second)")
        #expect(second.value?["phone"] == "+49 30 1234567")
        #expect(try live.count("contacts") == 1)
        #expect(try live.count("organizations") == 1)
    }

    @Test func dealCreateResolvesNamesFieldsOptionsAndAssignees() throws {
        let live = try InProcessSandbox()
        let outcome = live.client.perform(
            .dealCreate,
            input: [
                "title": "Acme — website enquiry", "pipeline": "Sales", "stage": "Proposal", "value": 1200,
                "currency": "EUR", "assignee": "BEN@example.com",
                "fields": ["Source": "Website", "Budget": 12000, "Product": "Growth"],
            ], idempotencyKey: "e1:deal")
        let deal = try #require(outcome.value, "\(outcome)")
        #expect(deal["pipeline_id"] == "pipeline_sales")
        #expect(deal["stage_id"] == "stage_sales_proposal")
        #expect(deal["assignee_id"] == "member_ben")
        #expect(
            deal["dynamic_fields"]
                == ["field_source": "Website", "field_budget": 12000, "field_product": "option_product_growth"])
    }

    @Test func unknownNamesFailPermanentlyWithTheNamesThatExist() throws {
        let live = try InProcessSandbox()
        let stage = live.client.perform(
            .dealCreate, input: ["title": "x", "pipeline": "Sales", "stage": "Wonn"], idempotencyKey: "e:1")
        #expect(
            stage
                == .permanent(
                    TeamopipeFailure(
                        message: "no stage 'Wonn' in pipeline 'Sales'; stages: Lead, Contacted, Proposal, Negotiating, Won, Lost")))
        let field = live.client.perform(
            .dealCreate, input: ["title": "x", "pipeline": "Sales", "stage": "Lead", "fields": ["Budgt": 1]],
            idempotencyKey: "e:2")
        #expect(field.failure?.message.hasPrefix("no deal field 'Budgt'; fields: ") == true)
        let option = live.client.perform(
            .dealCreate, input: ["title": "x", "pipeline": "Sales", "stage": "Lead", "fields": ["Product": "Gold"]],
            idempotencyKey: "e:3")
        #expect(option.failure?.message == "'Gold' is not an option of Product; options: Starter, Growth, Enterprise")
        let member = live.client.perform(.taskCreate, input: ["title": "x", "assignee": "zoe@example.com"], idempotencyKey: "e:4")
        #expect(member.failure?.message == "no member 'zoe@example.com'; members: ana@example.com, ben@example.com")
        #expect(try live.count("deals") == 0)
    }

    @Test func validationErrorsCarryTheAPIsDetails() throws {
        let live = try InProcessSandbox()
        let outcome = live.client.perform(
            .dealCreate, input: ["title": "x", "pipeline": "Sales", "stage": "Lead", "value": 10], idempotencyKey: "e:1")
        guard case .permanent(let failure) = outcome else {
            Issue.record("expected a permanent failure, got \(outcome)")
            return
        }
        #expect(failure.status == 422)
        #expect(failure.call == "POST /deals")
        #expect(failure.details.contains { $0.hasPrefix("currency") })
    }

    @Test func dealFindByEmailFieldAndTitleWithEveryOnMissing() throws {
        let live = try InProcessSandbox()
        let contact = try #require(
            live.client.perform(.contactUpsert, input: ["email": "bo@b.test"], idempotencyKey: "e:c").value)
        let deal = try #require(
            live.client.perform(
                .dealCreate,
                input: [
                    "title": "Bo's deal", "pipeline": "Sales", "stage": "Lead", "contact": contact["id"]!,
                    "fields": ["Stripe customer id": "cus_42"],
                ], idempotencyKey: "e:d"
            ).value)
        let byEmail = live.client.perform(.dealFind, input: ["contact_email": "bo@b.test", "pipeline": "Sales"], idempotencyKey: "f:1")
        #expect(byEmail.value?["id"] == deal["id"])
        let byField = live.client.perform(
            .dealFind, input: ["field": ["name": "Stripe customer id", "value": "cus_42"]], idempotencyKey: "f:2")
        #expect(byField.value?["id"] == deal["id"])
        let byTitle = live.client.perform(.dealFind, input: ["title": "Bo's deal"], idempotencyKey: "f:3")
        #expect(byTitle.value?["id"] == deal["id"])
        let wrongPipeline = live.client.perform(
            .dealFind, input: ["contact_email": "bo@b.test", "pipeline": "Onboarding", "on_missing": "skip"],
            idempotencyKey: "f:4")
        #expect(wrongPipeline == .success(.null))
        let missing = live.client.perform(.dealFind, input: ["contact_email": "nobody@b.test"], idempotencyKey: "f:5")
        #expect(missing.failure?.message == "deal.find: no deal with contact e-mail nobody@b.test")
        let created = live.client.perform(
            .dealFind,
            input: [
                "contact_email": "new@b.test", "on_missing": "create",
                "create": ["title": "New", "pipeline": "Sales", "stage": "Lead"],
            ], idempotencyKey: "f:6")
        #expect(created.value?["title"] == "New")
        #expect(try live.count("deals") == 2)
    }

    @Test func dealUpdateMoveFieldsActivityAndTask() throws {
        let live = try InProcessSandbox()
        let contact = try #require(live.client.perform(.contactUpsert, input: ["email": "c@d.test"], idempotencyKey: "a:c").value)
        let deal = try #require(
            live.client.perform(.dealCreate, input: ["title": "T", "pipeline": "Sales", "stage": "Lead"], idempotencyKey: "a:d").value)
        let id = deal["id"]!
        #expect(live.client.perform(.dealUpdate, input: ["deal": id, "title": "T2", "assignee": "ana@example.com"], idempotencyKey: "a:u").value?["title"] == "T2")
        let moved = live.client.perform(.dealMove, input: ["deal": id, "pipeline": "Sales", "stage": "Won"], idempotencyKey: "a:m")
        #expect(moved.value?["stage_id"] == "stage_sales_won")
        let fields = live.client.perform(.dealSetFields, input: ["deal": id, "fields": ["Budget": 99]], idempotencyKey: "a:f")
        #expect(fields.value?["dynamic_fields"]?["field_budget"] == 99)
        let activity = live.client.perform(.activityLog, input: ["deal": id, "type": "payment", "text": "Paid"], idempotencyKey: "a:a")
        #expect(activity.value?["type"] == "payment")
        let note = live.client.perform(.activityLog, input: ["contact": contact["id"]!, "type": "note", "text": "Hi"], idempotencyKey: "a:n")
        #expect(note.value?["text"] == "Hi")
        let task = live.client.perform(
            .taskCreate, input: ["title": "Send invoice", "deal": id, "due_date": "2026-12-07", "assignee": "ben@example.com"],
            idempotencyKey: "a:t")
        #expect(task.value?["assignee_id"] == "member_ben")
        #expect(try live.count("tasks") == 1)
        #expect(try live.count("activities") == 2)
    }

    @Test func aRepeatedIdempotencyKeyCreatesNothingTwice() throws {
        let live = try InProcessSandbox()
        let input: JSONValue = ["title": "Once", "pipeline": "Sales", "stage": "Lead"]
        let first = live.client.perform(.dealCreate, input: input, idempotencyKey: "evt_9:deal")
        let again = live.client.perform(.dealCreate, input: input, idempotencyKey: "evt_9:deal")
        #expect(first.value?["id"] != nil)
        #expect(again.value?["id"] == first.value?["id"])
        #expect(try live.count("deals") == 1)
    }

    @Test func transientFaultsAndRateLimitsCarryRetryHints() throws {
        let live = try InProcessSandbox()
        try live.control("POST", "/_sandbox/faults", ["error_rate": 1, "routes": ["POST /tasks"]])
        let failed = live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "t:1")
        guard case .transient(let failure, _) = failed else {
            Issue.record("a 5xx must be transient, got \(failed)")
            return
        }
        #expect([500, 502, 503].contains(failure.status ?? 0))
        try live.control("POST", "/_sandbox/faults", ["rate_limited_rate": 1, "routes": ["POST /tasks"]])
        let limited = live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "t:2")
        #expect(limited == .transient(limited.failure!, retryAfter: .seconds(1)))
        #expect(limited.failure?.status == 429)
        try live.control("POST", "/_sandbox/faults", [:])
        #expect(live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "t:3").value != nil)
    }

    @Test func aResetAfterCommitIsTransientAndTheRetryReplays() throws {
        let live = try InProcessSandbox()
        try live.control("POST", "/_sandbox/faults", ["reset_after_commit_rate": 1])
        let lost = live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "r:1")
        guard case .transient = lost else {
            Issue.record("a reset must be transient, got \(lost)")
            return
        }
        try live.control("POST", "/_sandbox/faults", [:])
        #expect(live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "r:1").value != nil)
        #expect(try live.count("tasks") == 1)
    }

    @Test func aWrongOrRevokedKeyIsAnAuthFailureAndTheProbeTellsWhenItWorks() throws {
        let wrong = try InProcessSandbox(apiKey: "not-the-key")
        guard case .authFailure(let failure) = wrong.client.probe() else {
            Issue.record("a wrong key must be an auth failure")
            return
        }
        #expect(failure.status == 401)
        let live = try InProcessSandbox()
        #expect(live.client.probe().value != nil)
        try live.control("DELETE", "/_sandbox/keys/\(live.sandbox.apiKey)")
        guard case .authFailure = live.client.perform(.taskCreate, input: ["title": "x"], idempotencyKey: "k:1") else {
            Issue.record("a revoked key must be an auth failure")
            return
        }
    }

    @Test func verifyChecksNamesAgainstTheWorkspace() throws {
        let live = try InProcessSandbox()
        #expect(live.client.verify(.pipeline("Sales")) == nil)
        #expect(live.client.verify(.stage("Won", pipeline: "Sales")) == nil)
        #expect(live.client.verify(.stage("Won", pipeline: "Onboarding"))?.hasPrefix("no stage 'Won' in pipeline 'Onboarding'") == true)
        #expect(live.client.verify(.field("Budget", entity: "deal")) == nil)
        #expect(live.client.verify(.field("Budget", entity: "contact")) != nil)
        #expect(live.client.verify(.member(email: "ana@example.com")) == nil)
        #expect(live.client.verify(.pipeline("Sale")) == "no pipeline 'Sale'; pipelines: Sales, Onboarding")
    }
}
