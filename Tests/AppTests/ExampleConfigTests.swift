import Foundation
import JSON
import TestSupport
import Testing

/// Every shipped config is checked and planned by the built `dealhook`, as an operator would run it: `check`
/// accepts it with no environment variable set, and `try` turns its sample body into the expected plan.
@Suite("example configs")
struct ExampleConfigTests {
    static let now = "2026-12-04T09:30:00Z"

    /// Every file under `config/`, so that a new example cannot ship unchecked.
    static var configFiles: [String] {
        let examples = (try? FileManager.default.contentsOfDirectory(atPath: Repository.path("config/examples"))) ?? []
        return ["config/dealhook.yaml"]
            + examples.filter { $0.hasSuffix(".yaml") }.sorted().map { "config/examples/\($0)" }
    }

    @Test func everyExampleIsListed() {
        #expect(
            Self.configFiles == [
                "config/dealhook.yaml", "config/examples/b2b-b2c-form.yaml", "config/examples/billing-hmac.yaml",
                "config/examples/paddle.yaml", "config/examples/pandadoc.yaml",
            ])
    }

    @Test(arguments: configFiles)
    func checkAcceptsTheConfigWithNoEnvironment(_ file: String) throws {
        let result = try DealhookRun.run(["check", "--config", file])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("\(file): OK"))
        // The only thing said on stderr: webhook routes whose secret is not set in this environment.
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.allSatisfy { $0.contains("signature.secret is missing or empty") }, "\(result.stderr)")
    }

    // MARK: config/dealhook.yaml

    @Test func websiteContactBecomesContactDealAndTask() throws {
        let plan = try Self.plan("config/dealhook.yaml", route: "website-contact", body: "website-contact.form")
        #expect(plan.operations == ["contact.upsert", "deal.create", "task.create"])
        #expect(plan.rules == ["new-lead"])
        #expect(plan.subject == "ana@example.com")
        let contact = plan.input("contact")
        #expect(contact["email"] == "ana@example.com")
        #expect(contact["name"] == "Ana Lima")
        #expect(contact["phone"] == "+49 30 1234")
        #expect(contact["organization"] == "Acme GmbH")
        let deal = plan.input("deal")
        #expect(deal["title"] == "Acme GmbH — website enquiry")
        #expect(deal["pipeline"] == "Sales")
        #expect(deal["stage"] == "Lead")
        #expect(deal["contact"] == Self.reference("contact"))
        #expect(deal["fields"] == ["Source": "Website", "Budget": 12000])
        let task = plan.input("follow-up")
        #expect(task["title"] == "Call back Ana Lima")
        #expect(task["notes"] == "We need a CRM bridge.")
        #expect(task["due_date"] == "2026-12-07")  // Friday + 1 working day
        #expect(task["deal"] == Self.reference("deal"))
    }

    @Test func stripeCheckoutFindsOrCreatesTheDealAndWinsIt() throws {
        let plan = try Self.plan("config/dealhook.yaml", route: "stripe", body: "stripe-checkout-completed.json")
        #expect(plan.operations == ["deal.find", "deal.move", "activity.log", "task.create"])
        let find = plan.input("deal")
        #expect(find["contact_email"] == "ana@example.com")
        #expect(find["on_missing"] == "create")
        #expect(find["create"]?["value"] == 2499)
        #expect(find["create"]?["currency"] == "EUR")
        #expect(find["create"]?["stage"] == "Lead")
        #expect(plan.input("won")["stage"] == "Won")
        #expect(plan.input("won")["deal"] == Self.reference("deal"))
        let payment = plan.input("payment")
        #expect(payment["type"] == "payment")
        #expect(payment["text"] == "Paid 2499 EUR (Stripe cs_test_a1b2c3)")
        #expect(payment["occurred_at"] == "2026-12-04T09:30:00Z")
        #expect(plan.input("invoice")["due_date"] == "2026-12-07")
    }

    @Test func stripeIgnoresOtherEvents() throws {
        let body = try Self.fixture("stripe-checkout-completed.json")
            .replacingOccurrences(of: "checkout.session.completed", with: "checkout.session.expired")
        let plan = try Self.plan("config/dealhook.yaml", route: "stripe", bodyText: body)
        #expect(plan.rules.isEmpty)
        #expect(plan.operations.isEmpty)
    }

    @Test func docusignEnvelopeWinsTheSignersDeal() throws {
        let plan = try Self.plan("config/dealhook.yaml", route: "docusign", body: "docusign-envelope-completed.json")
        #expect(plan.operations == ["deal.find", "deal.move", "activity.log", "task.create"])
        #expect(plan.input("deal")["contact_email"] == "ana@example.com")
        #expect(plan.input("deal")["on_missing"] == "fail")
        #expect(plan.input("won")["stage"] == "Won")
        #expect(plan.input("contract")["type"] == "contract")
        #expect(
            plan.input("contract")["text"]
                == "Contract signed: Please sign: Acme service agreement (5f1c9d2e-0000-4000-8000-000000000001)")
        #expect(plan.input("kick-off")["due_date"] == "2026-12-08")
    }

    // MARK: config/examples

    @Test func pandadocCompletedDocumentWinsTheDealAndAssignsOnboarding() throws {
        let plan = try Self.plan(
            "config/examples/pandadoc.yaml", route: "pandadoc", body: "pandadoc-document-completed.json",
            contentType: "application/json")
        #expect(plan.rules == ["document-completed"])
        #expect(plan.operations == ["deal.find", "deal.move", "activity.log", "task.create"])
        #expect(plan.subject == "lena.berger@acme.example")
        let find = plan.input("deal")
        #expect(find["contact_email"] == "lena.berger@acme.example")
        #expect(find["pipeline"] == "Sales")
        #expect(find["on_missing"] == "fail")
        #expect(plan.input("won") == ["deal": Self.reference("deal"), "pipeline": "Sales", "stage": "Won"])
        let contract = plan.input("contract")
        #expect(contract["type"] == "contract")
        #expect(
            contract["text"]
                == "Proposal signed in PandaDoc: Acme GmbH — Growth plan proposal (5880.00 EUR, document msFYActMfJHqNTKH8YSvF1)"
        )
        #expect(contract["occurred_at"] == "2026-12-04T09:12:44Z")
        let task = plan.input("onboarding")
        #expect(task["title"] == "Start onboarding: Acme GmbH — Growth plan proposal")
        #expect(task["assignee"] == "ana@example.com")
        #expect(task["due_date"] == "2026-12-07")
        #expect(task["deal"] == Self.reference("deal"))
    }

    @Test func pandadocIgnoresDocumentsNotCompleted() throws {
        let body = try Self.fixture("pandadoc-document-completed.json")
            .replacingOccurrences(of: "\"document.completed\"", with: "\"document.viewed\"")
        let plan = try Self.plan(
            "config/examples/pandadoc.yaml", route: "pandadoc", bodyText: body, contentType: "application/json")
        #expect(plan.operations.isEmpty)
    }

    @Test func paddleTransactionFindsOrCreatesTheDealAndLogsThePayment() throws {
        let plan = try Self.plan(
            "config/examples/paddle.yaml", route: "paddle", body: "paddle-transaction-completed.json")
        #expect(plan.rules == ["transaction-completed"])
        #expect(plan.operations == ["deal.find", "deal.move", "activity.log"])
        let find = plan.input("deal")
        #expect(find["contact_email"] == "lena.berger@acme.example")
        #expect(find["on_missing"] == "create")
        #expect(
            find["create"]
                == [
                    "title": "Growth plan (monthly) — online purchase", "pipeline": "Sales", "stage": "Lead",
                    "value": 58.31, "currency": "EUR", "fields": ["Source": "Paddle"],
                ])
        #expect(plan.input("won")["stage"] == "Won")
        let payment = plan.input("payment")
        #expect(payment["type"] == "payment")
        #expect(payment["text"] == "Paid 58.31 EUR (Paddle txn_01jeq8tmvqz9xg1f8a6h5c2n3b, invoice 325-10566)")
        #expect(payment["occurred_at"] == "2026-12-04T09:12:03Z")
    }

    @Test func paddleWithoutTheBuyersEmailIsRefused() throws {
        let body = try Self.fixture("paddle-transaction-completed.json")
            .replacingOccurrences(of: "\"email\": \"Lena.Berger@Acme.example\", ", with: "")
        let result = try DealhookRun.run(Self.tryArguments("config/examples/paddle.yaml", route: "paddle", body: body))
        #expect(result.status == 1)
        #expect(result.stderr.contains("custom_data.email is missing"))
    }

    @Test func billingPaidInvoiceIsLoggedOnTheDeal() throws {
        let plan = try Self.plan(
            "config/examples/billing-hmac.yaml", route: "billing", body: "billing-invoice-paid.json")
        #expect(plan.rules == ["invoice-paid"])
        #expect(plan.operations == ["deal.find", "activity.log"])
        #expect(plan.input("deal") == ["contact_email": "billing@acme.example", "on_missing": "skip"])
        #expect(plan.input("payment")["text"] == "Invoice INV-2026-0187 paid: 11900 EUR")
        #expect(plan.input("payment")["occurred_at"] == "2026-12-04T09:04:51Z")
        #expect(plan.input("payment")["deal"] == Self.reference("deal"))
    }

    @Test func billingOverdueInvoiceBecomesATaskForTheAccountOwner() throws {
        let plan = try Self.plan(
            "config/examples/billing-hmac.yaml", route: "billing", body: "billing-invoice-overdue.json")
        #expect(plan.rules == ["invoice-overdue"])
        #expect(plan.operations == ["deal.find", "task.create"])
        let task = plan.input("chase")
        #expect(task["title"] == "Chase invoice INV-2026-0142 (21 days overdue)")
        #expect(task["notes"] == "2499 EUR due since 2026-11-13")
        #expect(task["assignee"] == "ben@example.com")
        #expect(task["deal"] == Self.reference("overdue"))
    }

    @Test func billingSignatureIsTheGenericHMAC() throws {
        // The route is disabled without its secret; with one, `dealhook sign` produces what the system sends.
        let body = Repository.path("Tests/Fixtures/billing-invoice-paid.json")
        let scheme =
            #"{preset: hmac, header: X-Billing-Signature, algorithm: sha512, prefix: "sha512=", signed: "{timestamp}.{body}", timestamp_header: X-Billing-Timestamp}"#
        let result = try DealhookRun.run([
            "sign", "--scheme", scheme, "--secret", "billing-secret", "--body", body, "--timestamp", "1796376600",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("X-Billing-Timestamp: 1796376600"))
        #expect(result.stdout.contains("X-Billing-Signature: sha512="))
    }

    @Test func businessQuoteBecomesOrganizationContactDealAndTask() throws {
        let plan = try Self.plan(
            "config/examples/b2b-b2c-form.yaml", route: "quote-request", body: "quote-request-business.form")
        #expect(plan.rules == ["business"])
        #expect(plan.operations == ["organization.find_or_create", "contact.upsert", "deal.create", "task.create"])
        #expect(
            plan.input("organization") == [
                "name": "Acme GmbH", "domain": "acme.example", "fields": ["Industry": "Software"],
            ])
        #expect(plan.input("contact")["organization"] == Self.reference("organization"))
        let deal = plan.input("deal")
        #expect(deal["value"] == 2940)
        #expect(deal["assignee"] == "ana@example.com")
        #expect(deal["fields"] == ["Source": "Quote form", "Product": "Enterprise"])
        #expect(deal["pipeline"] == "Sales")
        #expect(deal["stage"] == "Lead")
        #expect(plan.input("call-back")["title"] == "Call Lena Berger at Acme GmbH")
    }

    @Test func privateQuoteBecomesAContactWithANote() throws {
        let plan = try Self.plan(
            "config/examples/b2b-b2c-form.yaml", route: "quote-request", body: "quote-request-private.form")
        #expect(plan.rules == ["consumer"])
        #expect(plan.operations == ["contact.upsert", "activity.log"])
        #expect(
            plan.input("person") == [
                "email": "max.muster@mail.example", "name": "Max Muster", "fields": ["Newsletter": true],
            ])
        #expect(plan.input("note")["contact"] == Self.reference("person"))
        #expect(plan.input("note")["type"] == "note")
    }

    @Test func quoteWithoutCustomerTypeMatchesNoRule() throws {
        let plan = try Self.plan(
            "config/examples/b2b-b2c-form.yaml", route: "quote-request", bodyText: "name=X&email=x%40example.com")
        #expect(plan.rules.isEmpty)
    }

    // MARK: Helpers

    /// A plan as `dealhook try` prints it.
    struct PrintedPlan {
        var json: JSONValue
        var rules: [String] { json["rules"]?.arrayValue?.compactMap(\.stringValue) ?? [] }
        var operations: [String] { steps.compactMap { $0["op"]?.stringValue } }
        var subject: String? { json["subject"]?.stringValue }
        var steps: [JSONValue] { json["steps"]?.arrayValue ?? [] }

        /// The input of step `id`, or null.
        func input(_ id: String) -> JSONValue {
            steps.first { $0["id"]?.stringValue == id }?["input"] ?? .null
        }
    }

    /// A reference to an earlier step's id, as a plan holds it until delivery.
    static func reference(_ step: String) -> JSONValue { ["$step": .string(step), "path": ["id"]] }

    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: Repository.path("Tests/Fixtures/\(name)"), encoding: .utf8)
    }

    static func plan(_ config: String, route: String, body fixture: String, contentType: String? = nil) throws
        -> PrintedPlan
    {
        var arguments = [
            "try", "--config", config, "--route", route, "--body", "Tests/Fixtures/\(fixture)", "--now", now,
        ]
        if let contentType { arguments += ["--content-type", contentType] }
        return try plan(DealhookRun.Arguments(arguments))
    }

    static func plan(_ config: String, route: String, bodyText: String, contentType: String? = nil) throws
        -> PrintedPlan
    {
        try plan(tryArguments(config, route: route, body: bodyText, contentType: contentType))
    }

    static func plan(_ arguments: DealhookRun.Arguments) throws -> PrintedPlan {
        let result = try DealhookRun.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return PrintedPlan(json: try JSONValue(parsing: result.stdout))
    }

    /// `dealhook try` with the body given on standard input.
    static func tryArguments(_ config: String, route: String, body: String, contentType: String? = nil)
        -> DealhookRun.Arguments
    {
        var arguments = ["try", "--config", config, "--route", route, "--body", "-", "--now", now]
        if let contentType { arguments += ["--content-type", contentType] }
        return DealhookRun.Arguments(arguments, input: body)
    }
}

/// Paths in the repository, whatever the working directory of the test run.
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }
}

/// Runs the built `dealhook` to completion in the repository's root with exactly the given environment (none by
/// default: a shipped config must not depend on the developer's shell).
enum DealhookRun {
    struct Arguments: ExpressibleByArrayLiteral {
        var arguments: [String]
        var input: String?

        init(_ arguments: [String], input: String? = nil) {
            self.arguments = arguments
            self.input = input
        }

        init(arrayLiteral elements: String...) { self.init(elements) }
    }

    static func run(_ arguments: Arguments, environment: [String: String] = [:]) throws
        -> (status: Int32, stdout: String, stderr: String)
    {
        try DealhookProcess.run(
            arguments.arguments, environment: environment, inheritEnvironment: false, input: arguments.input,
            directory: Repository.root.path)
    }
}
