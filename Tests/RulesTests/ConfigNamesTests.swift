import Testing

@testable import Rules

/// The names `dealhook check --online` looks up: every pipeline, stage, dynamic field and assignee an action
/// writes literally, each at its position; name fields written as templates are listed apart.
@Suite struct ConfigNamesTests {
    @Test func everyLiteralNameIsCollectedWithItsPosition() throws {
        let config = try loadConfig(
            """
            routes:
              - name: web
                path: /web
                kind: form
                rules:
                  - name: lead
                    actions:
                      - id: contact
                        contact.upsert: {email: "{{ form.email }}", fields: {Newsletter: true}}
                      - id: org
                        organization.find_or_create: {name: Acme, fields: {Industry: Software}}
                      - id: deal
                        deal.find:
                          field: {name: Stripe customer id, value: "{{ form.id }}"}
                          on_missing: create
                          create: {title: T, pipeline: Sales, stage: Lead, assignee: ana@example.com, fields: {Source: Web}}
                      - id: move
                        deal.move: {deal: "{{ steps.deal.id }}", pipeline: "{{ form.pipeline }}", stage: Won}
                      - id: task
                        task.create: {title: Call, assignee: "{{ form.owner }}"}
            """)
        let names = config.names.names.map {
            "\($0.location.line):\($0.location.column) \($0.step) \($0.field) \($0.kind)"
        }
        #expect(
            names == [
                "9:66 contact fields.Newsletter field(\"Newsletter\", entity: \"contact\")",
                "11:64 org fields.Industry field(\"Industry\", entity: \"organization\")",
                "14:29 deal field.name field(\"Stripe customer id\", entity: \"deal\")",
                "16:44 deal create.pipeline pipeline(\"Sales\")",
                "16:58 deal create.stage stage(\"Lead\", pipeline: \"Sales\")",
                "16:74 deal create.assignee assignee(\"ana@example.com\")",
                "16:100 deal create.fields.Source field(\"Source\", entity: \"deal\")",
            ])
        let unchecked = config.names.unchecked.map {
            "\($0.location.line):\($0.location.column) \($0.step) \($0.field): \($0.reason)"
        }
        #expect(
            unchecked == [
                "18:64 move pipeline: written as a template",
                "18:94 move stage: its pipeline is a template",
                "20:50 task assignee: written as a template",
            ])
    }

    @Test func aCreatedDealFallsBackToTheFoundDealsPipelineAndStage() throws {
        let config = try loadConfig(
            """
            routes:
              - name: web
                path: /web
                kind: form
                rules:
                  - name: lead
                    actions:
                      - id: a
                        deal.find:
                          contact_email: "{{ form.email }}"
                          pipeline: Sales
                          stage: Lead
                          on_missing: create
                          create: {title: T, stage: Won}
                      - id: b
                        deal.find:
                          contact_email: "{{ form.email }}"
                          pipeline: Sales
                          stage: Lead
                          on_missing: create
                          create: {title: T, pipeline: Onboarding}
            """)
        let names = config.names.names.map { "\($0.step) \($0.field) \($0.kind)" }
        #expect(
            names == [
                "a pipeline pipeline(\"Sales\")", "a stage stage(\"Lead\", pipeline: \"Sales\")",
                "a create.stage stage(\"Won\", pipeline: \"Sales\")",
                "b pipeline pipeline(\"Sales\")", "b stage stage(\"Lead\", pipeline: \"Sales\")",
                // In file order: the inherited stage is reported where it is written.
                "b stage stage(\"Lead\", pipeline: \"Onboarding\")", "b create.pipeline pipeline(\"Onboarding\")",
            ])
        #expect(config.names.unchecked.isEmpty)
    }

    @Test func aStageWithoutAPipelineIsNotChecked() throws {
        let config = try loadConfig(
            """
            routes:
              - name: web
                path: /web
                kind: form
                rules:
                  - name: lead
                    actions:
                      - deal.find: {title: "{{ form.t }}", stage: Won, on_missing: skip}
            """)
        #expect(config.names.names.isEmpty)
        #expect(config.names.unchecked.map(\.reason) == ["no pipeline is given beside it"])
    }
}
