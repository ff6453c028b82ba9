import JSON

/// The read-only part of the workspace: pipelines with their stages, dynamic field definitions and members.
struct Catalog: Sendable {
    var pipelines: [Pipeline]
    var dynamicFields: [DynamicField]
    var members: [Member]

    func pipeline(_ id: String) -> Pipeline? { pipelines.first { $0.id == id } }

    /// The pipeline holding stage `id`, with the stage.
    func stage(_ id: String) -> (pipeline: Pipeline, stage: Pipeline.Stage)? {
        for pipeline in pipelines {
            if let stage = pipeline.stages.first(where: { $0.id == id }) { return (pipeline, stage) }
        }
        return nil
    }

    func dynamicField(_ id: String) -> DynamicField? { dynamicFields.first { $0.id == id } }

    func member(_ id: String) -> Member? { members.first { $0.id == id } }
}

struct Pipeline: Sendable {
    struct Stage: Sendable {
        var id: String
        var name: String
        var position: Int
    }

    var id: String
    var name: String
    var stages: [Stage]

    var json: JSONValue {
        [
            "id": .string(id), "name": .string(name),
            "stages": .array(
                stages.map {
                    ["id": .string($0.id), "name": .string($0.name), "position": .number(Double($0.position))]
                }),
        ]
    }
}

/// What a dynamic field belongs to.
enum DynamicFieldEntity: String, Sendable, CaseIterable {
    case deal, contact, organization
}

struct DynamicField: Sendable {
    enum FieldType: String, Sendable {
        case text, number, date, select, checkbox, url, email, phone
        case multiSelect = "multi_select"
    }

    struct Option: Sendable {
        var id: String
        var label: String
    }

    var id: String
    var entity: DynamicFieldEntity
    var name: String
    var type: FieldType
    var options: [Option] = []

    var json: JSONValue {
        var members: [String: JSONValue] = [
            "id": .string(id), "entity": .string(entity.rawValue), "name": .string(name),
            "type": .string(type.rawValue),
        ]
        members["options"] =
            type == .select || type == .multiSelect
            ? .array(options.map { ["id": .string($0.id), "label": .string($0.label)] }) : .null
        return .object(members)
    }
}

struct Member: Sendable {
    var id: String
    var email: String
    var name: String
    var role: String

    var json: JSONValue { ["id": .string(id), "email": .string(email), "name": .string(name), "role": .string(role)] }
}

extension Catalog {
    /// The workspace every sandbox starts with; ids are stable, so tests and demo configs can name them.
    static let seeded = Catalog(
        pipelines: [
            Pipeline(
                id: "pipeline_sales", name: "Sales",
                stages: stages("sales", ["Lead", "Contacted", "Proposal", "Negotiating", "Won", "Lost"])),
            Pipeline(
                id: "pipeline_onboarding", name: "Onboarding",
                stages: stages("onboarding", ["Kickoff", "Setup", "Training", "Live"])),
        ],
        dynamicFields: [
            DynamicField(id: "field_source", entity: .deal, name: "Source", type: .text),
            DynamicField(id: "field_budget", entity: .deal, name: "Budget", type: .number),
            DynamicField(
                id: "field_product", entity: .deal, name: "Product", type: .select,
                options: [
                    .init(id: "option_product_starter", label: "Starter"),
                    .init(id: "option_product_growth", label: "Growth"),
                    .init(id: "option_product_enterprise", label: "Enterprise"),
                ]),
            DynamicField(id: "field_stripe_customer_id", entity: .deal, name: "Stripe customer id", type: .text),
            DynamicField(id: "field_newsletter", entity: .contact, name: "Newsletter", type: .checkbox),
            DynamicField(
                id: "field_industry", entity: .organization, name: "Industry", type: .select,
                options: [
                    .init(id: "option_industry_software", label: "Software"),
                    .init(id: "option_industry_retail", label: "Retail"),
                    .init(id: "option_industry_services", label: "Services"),
                ]),
        ],
        members: [
            Member(id: "member_ana", email: "ana@example.com", name: "Ana Alves", role: "admin"),
            Member(id: "member_ben", email: "ben@example.com", name: "Ben Brandt", role: "member"),
        ])

    private static func stages(_ pipeline: String, _ names: [String]) -> [Pipeline.Stage] {
        names.enumerated().map { index, name in
            Pipeline.Stage(id: "stage_\(pipeline)_\(name.lowercased())", name: name, position: index + 1)
        }
    }
}
