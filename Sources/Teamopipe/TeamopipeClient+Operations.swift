import JSON
import Rules

/// One operation's run: the calls it makes and the idempotency keys they carry.
struct Call {
    typealias Field = TeamopipeContract.Field
    let client: TeamopipeClient
    /// `<event id>:<step id>`.
    let key: String

    func run(_ operation: Operation, _ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        switch operation {
        case .contactUpsert: try upsertContact(input)
        case .organizationFindOrCreate: try findOrCreateOrganization(input, key: key)
        case .dealCreate: try createDeal(input, key: key)
        case .dealFind: try findDeal(input)
        case .dealUpdate: try updateDeal(input)
        case .dealMove: try moveDeal(input)
        case .dealSetFields: try setDealFields(input)
        case .activityLog: try logActivity(input)
        case .taskCreate: try createTask(input)
        }
    }

    private func upsertContact(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        var body: [String: JSONValue] = [Field.email: try required(input, "email")]
        copy(input, ["first_name": Field.firstName, "last_name": Field.lastName, "phone": Field.phone], into: &body)
        if body[Field.firstName] == nil, body[Field.lastName] == nil, let name = input["name"]?.stringValue {
            let parts = name.split(separator: " ", maxSplits: 1).map(String.init)
            body[Field.firstName] = parts.first.map(JSONValue.string)
            if parts.count > 1 { body[Field.lastName] = .string(parts[1]) }
        }
        if let organization = input["organization"]?.stringValue, !organization.isEmpty {
            let found = try findOrCreateOrganization(["name": .string(organization)], key: key + ":organization")
            body[Field.organizationID] = found[Field.id]
        }
        if let fields = try dynamicFields(input, entity: "contact") { body[Field.dynamicFields] = fields }
        return try client.call("POST", TeamopipeContract.contactUpsert, body: .object(body), key: key)
    }

    private func findOrCreateOrganization(_ input: JSONValue, key: String) throws(TeamopipeFailureOutcome) -> JSONValue {
        let name = try required(input, "name")
        let found = try client.call("GET", TeamopipeContract.organizations(named: name.stringValue ?? name.jsonText))
        if let first = found.arrayValue?.first { return first }
        var body: [String: JSONValue] = [Field.name: name]
        copy(input, ["domain": Field.domain], into: &body)
        if let fields = try dynamicFields(input, entity: "organization") { body[Field.dynamicFields] = fields }
        return try client.call("POST", TeamopipeContract.organizations, body: .object(body), key: key)
    }

    private func createDeal(_ input: JSONValue, key: String) throws(TeamopipeFailureOutcome) -> JSONValue {
        let pipeline = try required(input, "pipeline").stringValue ?? ""
        let stage = try required(input, "stage").stringValue ?? ""
        let ids = try client.workspace.resolve { $0.stage(named: stage, inPipeline: pipeline) }
        var body: [String: JSONValue] = [
            Field.title: try required(input, "title"), Field.pipelineID: .string(ids.pipeline),
            Field.stageID: .string(ids.stage),
        ]
        copy(input, ["value": Field.value, "currency": Field.currency, "due_date": Field.dueDate, "tags": Field.tags], into: &body)
        var contacts = input["contacts"]?.arrayValue ?? []
        if let contact = input["contact"], !contact.isNull { contacts.insert(contact, at: 0) }
        if !contacts.isEmpty { body[Field.contactIDs] = .array(contacts) }
        if let organization = input["organization"], !organization.isNull { body[Field.organizationID] = organization }
        if let assignee = try assigneeID(input) { body[Field.assigneeID] = .string(assignee) }
        if let fields = try dynamicFields(input, entity: "deal") { body[Field.dynamicFields] = fields }
        return try client.call("POST", TeamopipeContract.deals, body: .object(body), key: key)
    }

    private func findDeal(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        var stageID: String?
        var pipelineID: String?
        if let pipeline = input["pipeline"]?.stringValue {
            if let stage = input["stage"]?.stringValue {
                let ids = try client.workspace.resolve { $0.stage(named: stage, inPipeline: pipeline) }
                (pipelineID, stageID) = (ids.pipeline, ids.stage)
            } else {
                pipelineID = try client.workspace.resolve { $0.pipeline(named: pipeline) }.id
            }
        }
        let path: String
        let criterion: String
        if let email = input["contact_email"], !email.isNull {
            path = TeamopipeContract.findDeals(contactEmail: email.stringValue ?? email.jsonText, stageID: stageID)
            criterion = "contact e-mail \(email.stringValue ?? email.jsonText)"
        } else if let match = input["field"], let name = match["name"]?.stringValue {
            let value = match["value"] ?? .null
            let converted = try client.workspace.resolve { $0.fieldValues([name: value], entity: "deal") }
            guard let (fieldID, fieldValue) = converted.objectValue?.first else {
                throw permanent("deal.find: no field to match")
            }
            path = TeamopipeContract.findDeals(
                stageID: stageID, fieldID: fieldID, fieldValue: fieldValue.stringValue ?? fieldValue.jsonText)
            criterion = "\(name) = \(value.stringValue ?? value.jsonText)"
        } else if let title = input["title"]?.stringValue {
            path = TeamopipeContract.findDeals(stageID: stageID, title: title)
            criterion = "title '\(title)'"
        } else {
            throw permanent("deal.find needs contact_email, field or title")
        }
        let deals = (try client.call("GET", path).arrayValue ?? []).filter { deal in
            pipelineID == nil || deal[Field.pipelineID]?.stringValue == pipelineID
        }
        // The most recently created deal is the one a new event is about.
        if let deal = deals.max(by: { ($0["created_at"]?.stringValue ?? "") < ($1["created_at"]?.stringValue ?? "") }) {
            return deal
        }
        switch input["on_missing"]?.stringValue ?? "fail" {
        case "create":
            var create = input["create"]?.objectValue ?? [:]
            create["pipeline"] = create["pipeline"] ?? input["pipeline"]
            create["stage"] = create["stage"] ?? input["stage"]
            return try createDeal(.object(create), key: key)
        case "skip":
            return .null
        default:
            throw permanent("deal.find: no deal with \(criterion)")
        }
    }

    private func updateDeal(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        let id = try dealID(input)
        var body: [String: JSONValue] = [:]
        copy(
            input,
            ["title": Field.title, "value": Field.value, "currency": Field.currency, "due_date": Field.dueDate, "tags": Field.tags],
            into: &body)
        if let assignee = try assigneeID(input) { body[Field.assigneeID] = .string(assignee) }
        return try client.call("PATCH", TeamopipeContract.deal(id), body: .object(body))
    }

    private func moveDeal(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        let id = try dealID(input)
        let pipeline = try required(input, "pipeline").stringValue ?? ""
        let stage = try required(input, "stage").stringValue ?? ""
        let ids = try client.workspace.resolve { $0.stage(named: stage, inPipeline: pipeline) }
        return try client.call(
            "POST", TeamopipeContract.dealStage(id), body: [Field.stageID: .string(ids.stage)], key: key)
    }

    private func setDealFields(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        let id = try dealID(input)
        let fields = try dynamicFields(input, entity: "deal") ?? [:]
        return try client.call("PUT", TeamopipeContract.dynamicFieldValues(entity: "deal", id: id), body: fields)
    }

    private func logActivity(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        let (entity, id): (String, String)
        if let deal = input["deal"], !deal.isNull {
            (entity, id) = ("deal", try dealID(input))
        } else if let contact = input["contact"]?.stringValue {
            (entity, id) = ("contact", contact)
        } else {
            throw permanent("activity.log needs the id of a deal or a contact")
        }
        var body: [String: JSONValue] = [Field.type: try required(input, "type"), Field.text: try required(input, "text")]
        copy(input, ["occurred_at": Field.occurredAt], into: &body)
        return try client.call("POST", TeamopipeContract.activities(entity: entity, id: id), body: .object(body), key: key)
    }

    private func createTask(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> JSONValue {
        var body: [String: JSONValue] = [Field.title: try required(input, "title")]
        copy(input, ["notes": Field.notes, "due_date": Field.dueDate, "deal": Field.dealID, "contact": Field.contactID], into: &body)
        if let assignee = try assigneeID(input) { body[Field.assigneeID] = .string(assignee) }
        return try client.call("POST", TeamopipeContract.tasks, body: .object(body), key: key)
    }

    // MARK: - Inputs

    private func required(_ input: JSONValue, _ name: String) throws(TeamopipeFailureOutcome) -> JSONValue {
        guard let value = input[name], !value.isNull, value != .string("") else {
            throw permanent("'\(name)' is empty")
        }
        return value
    }

    private func dealID(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> String {
        guard let id = input["deal"]?.stringValue, !id.isEmpty else {
            throw permanent("no deal id (did an earlier deal.find find nothing?)")
        }
        return id
    }

    private func assigneeID(_ input: JSONValue) throws(TeamopipeFailureOutcome) -> String? {
        guard let email = input["assignee"]?.stringValue, !email.isEmpty else { return nil }
        return try client.workspace.resolve { $0.member(email: email) }
    }

    private func dynamicFields(_ input: JSONValue, entity: String) throws(TeamopipeFailureOutcome) -> JSONValue? {
        guard let values = input["fields"]?.objectValue?.filter({ !$0.value.isNull }), !values.isEmpty else { return nil }
        return try client.workspace.resolve { $0.fieldValues(values.dictionary, entity: entity) }
    }

    /// Copies the non-null, non-empty inputs named by the keys of `names` into `body` under their API names.
    private func copy(_ input: JSONValue, _ names: [String: String], into body: inout [String: JSONValue]) {
        for (inputName, apiName) in names {
            if let value = input[inputName], !value.isNull, value != .string("") { body[apiName] = value }
        }
    }

    private func permanent(_ message: String) -> TeamopipeFailureOutcome {
        TeamopipeFailureOutcome(outcome: .permanent(TeamopipeFailure(message: message)))
    }
}
