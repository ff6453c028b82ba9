import Foundation
import JSON
import Testing

@testable import Rules

/// The repository's root, found from this file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

@Suite struct RouteLoadingTests {
    @Test func everyProblemIsReportedWithItsPosition() {
        let path = repositoryRoot + "/Tests/Fixtures/invalid-routes.yaml"
        do {
            _ = try DealhookConfig.load(file: path, environment: [:])
            Issue.record("the file should not load")
        } catch {
            let lines = error.errors.map { $0.description.replacingOccurrences(of: path, with: "invalid-routes.yaml") }
            #expect(
                lines == [
                "invalid-routes.yaml:12:38: unknown filter 'lowr' (did you mean 'lower'?)",
                "invalid-routes.yaml:13:15: unknown key 'nmae' in 'routes[0].rules[0].actions[0].contact.upsert' (did you mean 'name'?)",
                "invalid-routes.yaml:14:13: unknown operation 'deal.craete' (did you mean 'deal.create'?)",
                "invalid-routes.yaml:18:15: routes[0].rules[0].actions[2].deal.create: missing 'pipeline'",
                "invalid-routes.yaml:18:25: no step 'contat' in route 'contact' (did you mean 'contact'?)",
                "invalid-routes.yaml:20:27: steps.task is not known yet here: its action comes later",
                "invalid-routes.yaml:23:37: filter 'truncate' takes 1 argument (length), got 0",
                "invalid-routes.yaml:25:5: webhook route 'hook' needs a 'signature' (a preset such as stripe, or hmac, basic or token), so that it is never open by accident",
                "invalid-routes.yaml:25:5: path '/forms/contact' is already used by route 'contact'",
                "invalid-routes.yaml:28:12: routes[1].rules: expected a list of at least one rule",
                "invalid-routes.yaml:31:11: routes[2].kind: expected 'form' or 'webhook', got 'webhok'",
                "invalid-routes.yaml:34:15: a rule's 'when' cannot use steps.deal: conditions are decided before any step runs",
                "invalid-routes.yaml:36:13: activity.log needs exactly one of deal or contact",
                "invalid-routes.yaml:37:21: routes[2].rules[0].actions[0].activity.log.type: expected one of note, call, email, meeting, payment, contract, got 'sms'",
                "invalid-routes.yaml:39:5: webhook route 'other' needs a 'signature' (a preset such as stripe, or hmac, basic or token), so that it is never open by accident",
                "invalid-routes.yaml:42:5: unknown key 'signatur' in 'routes[3]' (did you mean 'signature'?)",
                "invalid-routes.yaml:46:13: deal.find needs exactly one of contact_email, field or title",
                "invalid-routes.yaml:46:13: deal.find: 'create' is used only with on_missing: create",
                "invalid-routes.yaml:50:13: route 'other' is a webhook: it has no 'form' (use 'body')",
                ])
        }
    }

    @Test func theExampleConfigLoadsWithNoEnvironment() throws {
        let config = try DealhookConfig.load(file: repositoryRoot + "/config/dealhook.yaml", environment: [:])
        #expect(config.routes.map(\.name) == ["website-contact", "stripe", "docusign"])
        #expect(config.routes.map(\.path) == ["/forms/contact", "/hooks/stripe", "/hooks/docusign"])
        #expect(config.routes.map(\.kind) == [.form, .webhook, .webhook])
        #expect(config.route(named: "website-contact")?.intake["honeypot"]?.scalar?.value == "_gotcha")
    }

    @Test func actionValuesKeepTheirYAMLTypesAndDefaultIDs() throws {
        let config = try loadConfig(
            """
            routes:
              - name: r
                path: /r
                kind: form
                rules:
                  - name: only
                    actions:
                      - deal.create:
                          title: "quoted 12"
                          pipeline: Sales
                          stage: Lead
                          value: 12.5
                          tags: [a, true, null]
                          fields: {Budget: 3, Source: "{{ form.source }}"}
            """)
        let action = try #require(config.routes.first?.rules.first?.actions.first)
        #expect(action.id == "only.1")
        #expect(action.operation == .dealCreate)
        #expect(action.input["title"] == .literal("quoted 12"))
        #expect(action.input["value"] == .literal(12.5))
        #expect(action.input["tags"] == .list([.literal("a"), .literal(true), .literal(nil)]))
        guard case .object(let fields) = action.input["fields"], case .template(let template) = fields["Source"] else {
            Issue.record("fields should hold a template")
            return
        }
        #expect(fields["Budget"] == .literal(3))
        #expect(template.roots == [.form])
    }

    @Test func interpolatedValuesInActionsStayStrings() throws {
        let config = try loadConfig(
            """
            routes:
              - name: r
                path: /r
                kind: webhook
                signature: {preset: token, header: X-Token, token: t0ken}
                rules:
                  - name: a
                    actions:
                      - task.create:
                          title: ${T}
            """, environment: ["T": "42"])
        #expect(config.routes[0].rules[0].actions[0].input["title"] == .literal("42"))
    }
}
