import HTTP

/// Every path and field name of the API contract (`docs/teamopipe-api.md`) that Dealhook uses: when the real
/// API differs, this table changes and no rule does.
public enum TeamopipeContract {
    public static let pipelines = "/pipelines"
    public static let members = "/members"
    public static func dynamicFields(entity: String) -> String { "/dynamic-fields?entity=\(entity)" }
    public static let contactUpsert = "/contacts/upsert"
    public static let organizations = "/organizations"
    public static func organizations(named name: String) -> String { "/organizations?name=\(query(name))" }
    public static let deals = "/deals"
    public static func deal(_ id: String) -> String { "/deals/\(segment(id))" }
    public static func dealStage(_ id: String) -> String { "/deals/\(segment(id))/stage" }
    public static func dynamicFieldValues(entity: String, id: String) -> String {
        "/\(collection(of: entity))/\(segment(id))/dynamic-fields"
    }
    public static func activities(entity: String, id: String) -> String {
        "/\(collection(of: entity))/\(segment(id))/activities"
    }
    public static let tasks = "/tasks"

    /// `GET /deals` filters.
    public static func findDeals(contactEmail: String? = nil, stageID: String? = nil, fieldID: String? = nil, fieldValue: String? = nil, title: String? = nil) -> String {
        var parameters: [String] = []
        if let contactEmail { parameters.append("contact_email=\(query(contactEmail))") }
        if let stageID { parameters.append("stage_id=\(query(stageID))") }
        if let fieldID, let fieldValue { parameters.append("dynamic_field[\(query(fieldID))]=\(query(fieldValue))") }
        if let title { parameters.append("title=\(query(title))") }
        parameters.append("limit=100")
        return "/deals?" + parameters.joined(separator: "&")
    }

    /// Field names of the objects.
    public enum Field {
        public static let id = "id"
        public static let name = "name"
        public static let email = "email"
        public static let firstName = "first_name"
        public static let lastName = "last_name"
        public static let phone = "phone"
        public static let organizationID = "organization_id"
        public static let domain = "domain"
        public static let title = "title"
        public static let pipelineID = "pipeline_id"
        public static let stageID = "stage_id"
        public static let stages = "stages"
        public static let value = "value"
        public static let currency = "currency"
        public static let contactIDs = "contact_ids"
        public static let assigneeID = "assignee_id"
        public static let dueDate = "due_date"
        public static let tags = "tags"
        public static let dynamicFields = "dynamic_fields"
        public static let notes = "notes"
        public static let dealID = "deal_id"
        public static let contactID = "contact_id"
        public static let type = "type"
        public static let text = "text"
        public static let occurredAt = "occurred_at"
        public static let entity = "entity"
        public static let options = "options"
        public static let data = "data"
        public static let nextCursor = "next_cursor"
    }

    private static func collection(of entity: String) -> String {
        switch entity {
        case "contact": "contacts"
        case "organization": "organizations"
        default: "deals"
        }
    }

    static func query(_ text: String) -> String { PercentEncoding.encode(text) }

    private static func segment(_ id: String) -> String { query(id) }
}
