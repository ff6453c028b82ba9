/// The Teamopipe operations an action can name, with the fields each one takes.
///
/// The table is the one place the loader learns what `deal.create` accepts; the Teamopipe client turns each
/// operation into its API calls. Names (pipeline, stage, field, assignee) are written as names and resolved to
/// ids at delivery.
public enum Operation: String, Sendable, Codable, CaseIterable {
    case contactUpsert = "contact.upsert"
    case organizationFindOrCreate = "organization.find_or_create"
    case dealCreate = "deal.create"
    case dealFind = "deal.find"
    case dealUpdate = "deal.update"
    case dealMove = "deal.move"
    case dealSetFields = "deal.set_fields"
    case activityLog = "activity.log"
    case taskCreate = "task.create"

    /// The fields this operation takes.
    public var fields: [OperationField] {
        switch self {
        case .contactUpsert:
            [
                .init("email", required: true), .init("first_name"), .init("last_name"), .init("name"), .init("phone"),
                .init("organization"), .init("fields", kind: .fieldValues),
            ]
        case .organizationFindOrCreate:
            [.init("name", required: true), .init("domain"), .init("fields", kind: .fieldValues)]
        case .dealCreate:
            Self.dealFields(required: true)
        case .dealFind:
            [
                .init("contact_email"), .init("field", kind: .fieldMatch), .init("title"), .init("pipeline", kind: .name),
                .init("stage", kind: .name), .init("on_missing", kind: .choice(["create", "skip", "fail"])),
                .init("create", kind: .nested(Self.dealFields(required: false))),
            ]
        case .dealUpdate:
            [
                .init("deal", required: true), .init("title"), .init("value"), .init("currency"),
                .init("assignee", kind: .name), .init("due_date"), .init("tags"),
            ]
        case .dealMove:
            [.init("deal", required: true), .init("pipeline", kind: .name, required: true), .init("stage", kind: .name, required: true)]
        case .dealSetFields:
            [.init("deal", required: true), .init("fields", kind: .fieldValues, required: true)]
        case .activityLog:
            [
                .init("deal"), .init("contact"),
                .init("type", kind: .choice(["note", "call", "email", "meeting", "payment", "contract"]), required: true),
                .init("text", required: true), .init("occurred_at"),
            ]
        case .taskCreate:
            [
                .init("title", required: true), .init("notes"), .init("due_date"), .init("deal"), .init("contact"),
                .init("assignee", kind: .name),
            ]
        }
    }

    /// Fields that must be given together or exclusively, checked after the individual fields: the problems.
    func checkCombination(of present: Set<String>, onMissing: String?) -> [String] {
        var problems: [String] = []
        switch self {
        case .dealFind:
            if ["contact_email", "field", "title"].filter(present.contains).count != 1 {
                problems.append("deal.find needs exactly one of contact_email, field or title")
            }
            if present.contains("create") && onMissing != "create" {
                problems.append("deal.find: 'create' is used only with on_missing: create")
            }
        case .activityLog:
            if present.contains("deal") == present.contains("contact") {
                problems.append("activity.log needs exactly one of deal or contact")
            }
        default:
            break
        }
        return problems
    }

    private static func dealFields(required: Bool) -> [OperationField] {
        [
            .init("title", required: required), .init("pipeline", kind: .name, required: required),
            .init("stage", kind: .name, required: required), .init("value"), .init("currency"), .init("contact"),
            .init("contacts"), .init("organization"), .init("assignee", kind: .name), .init("due_date"),
            .init("tags"), .init("fields", kind: .fieldValues),
        ]
    }
}

/// One field of an operation.
public struct OperationField: Sendable {
    /// What a field holds.
    public enum Kind: Sendable {
        /// Any value or template.
        case value
        /// A pipeline, stage or member written by name (a template is allowed).
        case name
        /// One of the listed words, written literally.
        case choice([String])
        /// A mapping of dynamic field names to values.
        case fieldValues
        /// `{name: <dynamic field name>, value: <value>}`.
        case fieldMatch
        /// A mapping with the listed fields of its own.
        case nested([OperationField])
    }

    public var name: String
    public var kind: Kind
    public var required: Bool

    init(_ name: String, kind: Kind = .value, required: Bool = false) {
        self.name = name
        self.kind = kind
        self.required = required
    }
}
