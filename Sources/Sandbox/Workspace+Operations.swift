import JSON

/// What one call did: its reply, and whether the workspace changed (so the data file must be rewritten).
struct Outcome: Sendable {
    var reply: APIReply
    var changed: Bool
}

extension Workspace {
    typealias Record = ObjectTable.Record

    /// Carries out one call of the contract. `id` is the `{id}` of the path; `body` the parsed JSON body.
    mutating func perform(_ endpoint: Endpoint, id: String?, query: Query, body: JSONValue?) throws(APIError) -> Outcome
    {
        if !endpoint.isWrite {
            return Outcome(reply: try read(endpoint, query: query), changed: false)
        }
        try query.check(allowed: [])
        let input = try InputValidator.object(body)
        let reply: APIReply
        switch endpoint {
        case .upsertContact: reply = try upsertContact(input)
        case .createOrganization:
            reply = .data(
                try create(in: \.organizations, input, schema: .organization, timestamps: false), status: .created)
        case .createDeal: reply = .data(try createDeals([input], prefix: "")[0], status: .created)
        case .bulkCreateDeals: reply = try bulkCreateDeals(input)
        case .updateDeal: reply = .data(try updateDeal(id!, input))
        case .moveDeal: reply = .data(try moveDeal(id!, input))
        case .setDealDynamicFields: reply = .data(try setDynamicFields(in: \.deals, id!, input, entity: .deal))
        case .setContactDynamicFields: reply = .data(try setDynamicFields(in: \.contacts, id!, input, entity: .contact))
        case .setOrganizationDynamicFields:
            reply = .data(try setDynamicFields(in: \.organizations, id!, input, entity: .organization))
        case .logDealActivity: reply = .data(try logActivity(on: \.deals, id!, input), status: .created)
        case .logContactActivity: reply = .data(try logActivity(on: \.contacts, id!, input), status: .created)
        case .createTask:
            reply = .data(try create(in: \.tasks, input, schema: .task, timestamps: false), status: .created)
        case .listPipelines, .listDynamicFields, .listMembers, .findOrganizations, .findDeals:
            preconditionFailure("reads are answered above")
        }
        return Outcome(reply: reply, changed: true)
    }

    // MARK: Reads

    private func read(_ endpoint: Endpoint, query: Query) throws(APIError) -> APIReply {
        let paging: Set = ["cursor", "limit"]
        switch endpoint {
        case .listPipelines:
            try query.check(allowed: paging)
            return .page(
                try PageRequest(query).page(catalog.pipelines.enumerated().map { ($0.offset, $0.element.json) }))
        case .listMembers:
            try query.check(allowed: paging)
            return .page(try PageRequest(query).page(catalog.members.enumerated().map { ($0.offset, $0.element.json) }))
        case .listDynamicFields:
            try query.check(allowed: paging.union(["entity"]))
            var entity: DynamicFieldEntity?
            if let name = query["entity"] {
                guard let parsed = DynamicFieldEntity(rawValue: name) else {
                    throw .validation(field: "entity", "must be deal, contact or organization")
                }
                entity = parsed
            }
            let fields = catalog.dynamicFields.enumerated().filter { entity == nil || $0.element.entity == entity }
            return .page(try PageRequest(query).page(fields.map { ($0.offset, $0.element.json) }))
        case .findOrganizations:
            try query.check(allowed: paging.union(["name"]))
            let name = query["name"]
            let found = organizations.filtered { name == nil || $0["name"]?.stringValue == name }
            return .page(try PageRequest(query).page(found.map { ($0.position, .object($0.record)) }))
        case .findDeals:
            return .page(try findDeals(query))
        default:
            preconditionFailure("\(endpoint) is not a read")
        }
    }

    private func findDeals(_ query: Query) throws(APIError) -> Page {
        let filters: Set = ["contact_email", "stage_id", "pipeline_id", "organization_id", "title"]
        try query.check(allowed: filters.union(["cursor", "limit"])) {
            $0.hasPrefix("dynamic_field[") && $0.hasSuffix("]")
        }
        var details: [ValidationDetail] = []
        if let stage = query["stage_id"], catalog.stage(stage) == nil {
            details.append(.init(field: "stage_id", message: "no stage has id '\(stage)'"))
        }
        if let pipeline = query["pipeline_id"], catalog.pipeline(pipeline) == nil {
            details.append(.init(field: "pipeline_id", message: "no pipeline has id '\(pipeline)'"))
        }
        var fieldFilters: [(id: String, value: String)] = []
        for (name, value) in query.pairs where name.hasPrefix("dynamic_field[") {
            let id = String(name.dropFirst("dynamic_field[".count).dropLast())
            guard let field = catalog.dynamicField(id), field.entity == .deal else {
                details.append(.init(field: name, message: "no dynamic field of deals has id '\(id)'"))
                continue
            }
            fieldFilters.append((id, value))
        }
        let pageRequest: PageRequest
        do {
            pageRequest = try PageRequest(query)
        } catch {
            details += error.details
            throw .validation(details)
        }
        guard details.isEmpty else { throw .validation(details) }
        var contactIDs: Set<JSONValue>?
        if let email = query["contact_email"]?.lowercased() {
            let matching = contacts.filtered { $0["email"]?.stringValue?.lowercased() == email }
            contactIDs = Set(matching.compactMap { $0.record["id"] })
        }
        let found = deals.filtered { deal in
            for name in ["stage_id", "pipeline_id", "organization_id", "title"] {
                if let wanted = query[name], deal[name]?.stringValue != wanted { return false }
            }
            if let contactIDs, !(deal["contact_ids"]?.arrayValue ?? []).contains(where: contactIDs.contains) {
                return false
            }
            let values = deal["dynamic_fields"]?.objectValue ?? [:]
            return fieldFilters.allSatisfy { Self.matches(values[$0.id], $0.value) }
        }
        return pageRequest.page(found.map { ($0.position, .object($0.record)) })
    }

    /// Whether a stored dynamic field value equals a query's text (numbers compare as numbers; a multi-select
    /// matches when it holds the option).
    static func matches(_ stored: JSONValue?, _ text: String) -> Bool {
        switch stored {
        case .string(let value)?: value == text
        case .number(let value)?: Double(text) == value
        case .bool(let value)?: text == (value ? "true" : "false")
        case .array(let values)?: values.contains(.string(text))
        default: false
        }
    }

    // MARK: Writes

    private mutating func create(
        in table: WritableKeyPath<Workspace, ObjectTable>, _ input: Record, schema: Schema, timestamps: Bool
    ) throws(APIError) -> JSONValue {
        var validator = InputValidator(workspace: self)
        let accepted = validator.check(input, against: schema, creating: true)
        guard validator.details.isEmpty else { throw .validation(validator.details) }
        try checkRoom(for: 1)
        var record = Self.defaults(schema).merging(accepted) { _, new in new }
        record["dynamic_fields"] = record["dynamic_fields"].map(Self.withoutNulls)
        record["id"] = .string(self[keyPath: table].makeID())
        if timestamps {
            record["created_at"] = .string(nowText)
            record["updated_at"] = .string(nowText)
        }
        self[keyPath: table].insert(record)
        return .object(record)
    }

    private mutating func upsertContact(_ input: Record) throws(APIError) -> APIReply {
        var validator = InputValidator(workspace: self)
        let accepted = validator.check(input, against: .contact, creating: true)
        guard validator.details.isEmpty, let email = accepted["email"]?.stringValue?.lowercased() else {
            throw .validation(validator.details)
        }
        if let existing = contacts.first(withKey: email) {
            var record = existing
            for (name, value) in accepted where name != "email" {
                record[name] = name == "dynamic_fields" ? Self.merge(record[name], value) : value
            }
            record["updated_at"] = .string(nowText)
            contacts[record["id"]!.stringValue!] = record
            return APIReply(status: .ok, body: ["data": .object(record), "created": false])
        }
        let record = try create(in: \.contacts, input, schema: .contact, timestamps: true)
        return APIReply(status: .created, body: ["data": record, "created": true])
    }

    private mutating func bulkCreateDeals(_ input: Record) throws(APIError) -> APIReply {
        let limit = Self.maxBulkDeals
        if let unknown = input.keys.sorted().first(where: { $0 != "deals" }) {
            throw .validation(field: unknown, "unknown field; the body is {\"deals\": [...]}")
        }
        guard let items = input["deals"]?.arrayValue else {
            throw .validation(field: "deals", "is required: an array of 1 to \(limit) deals")
        }
        guard (1...limit).contains(items.count) else {
            throw .validation(field: "deals", "must hold 1 to \(limit) deals, not \(items.count)")
        }
        var objects: [Record] = []
        var details: [ValidationDetail] = []
        for (index, item) in items.enumerated() {
            if let object = item.objectValue {
                objects.append(object.dictionary)
            } else {
                details.append(.init(field: "deals[\(index)]", message: "must be an object, not \(item.typeName)"))
            }
        }
        guard details.isEmpty else { throw .validation(details) }
        return .data(.array(try createDeals(objects, prefix: "deals")), status: .created)
    }

    /// The most deals `POST /deals/bulk` takes at once.
    static let maxBulkDeals = 100

    /// Creates every deal, or none when any is invalid; details name `prefix[i].field` when there is a prefix.
    private mutating func createDeals(_ inputs: [Record], prefix: String) throws(APIError) -> [JSONValue] {
        var records: [Record] = []
        var details: [ValidationDetail] = []
        for (index, input) in inputs.enumerated() {
            var validator = InputValidator(workspace: self, prefix: prefix.isEmpty ? "" : "\(prefix)[\(index)].")
            var record = Self.defaults(.deal).merging(validator.check(input, against: .deal, creating: true)) { $1 }
            resolveStage(&record, given: input, previousPipeline: nil, validator: &validator)
            checkMoney(record, validator: &validator)
            details += validator.details
            record["dynamic_fields"] = record["dynamic_fields"].map(Self.withoutNulls)
            records.append(record)
        }
        guard details.isEmpty else { throw .validation(details) }
        try checkRoom(for: records.count)
        let now = nowText
        return records.map { record in
            var record = record
            record["id"] = .string(deals.makeID())
            record["created_at"] = .string(now)
            record["updated_at"] = .string(now)
            deals.insert(record)
            return .object(record)
        }
    }

    private mutating func updateDeal(_ id: String, _ input: Record) throws(APIError) -> JSONValue {
        guard var record = deals[id] else { throw .notFound("no deal has id '\(id)'") }
        let previousPipeline = record["pipeline_id"]?.stringValue
        var validator = InputValidator(workspace: self)
        for (name, value) in validator.check(input, against: .deal, creating: false) {
            record[name] = name == "dynamic_fields" ? Self.merge(record[name], value) : value
        }
        resolveStage(&record, given: input, previousPipeline: previousPipeline, validator: &validator)
        checkMoney(record, validator: &validator)
        guard validator.details.isEmpty else { throw .validation(validator.details) }
        record["updated_at"] = .string(nowText)
        deals[id] = record
        return .object(record)
    }

    private mutating func moveDeal(_ id: String, _ input: Record) throws(APIError) -> JSONValue {
        guard var record = deals[id] else { throw .notFound("no deal has id '\(id)'") }
        if let unknown = input.keys.sorted().first(where: { $0 != "stage_id" }) {
            throw .validation(field: unknown, "unknown field; the body is {\"stage_id\": ...}")
        }
        guard let stageID = input["stage_id"]?.stringValue else {
            throw .validation(field: "stage_id", "is required: the id of a stage of the deal's pipeline")
        }
        guard let (pipeline, _) = catalog.stage(stageID) else {
            throw .validation(field: "stage_id", "no stage has id '\(stageID)'")
        }
        let current = record["pipeline_id"]?.stringValue ?? ""
        guard pipeline.id == current else {
            throw .validation(field: "stage_id", Self.otherPipeline(stageID, pipeline, current))
        }
        record["stage_id"] = .string(stageID)
        record["updated_at"] = .string(nowText)
        deals[id] = record
        return .object(record)
    }

    private mutating func setDynamicFields(
        in table: WritableKeyPath<Workspace, ObjectTable>, _ id: String, _ input: Record, entity: DynamicFieldEntity
    ) throws(APIError) -> JSONValue {
        guard var record = self[keyPath: table][id] else { throw .notFound("no \(entity.rawValue) has id '\(id)'") }
        var validator = InputValidator(workspace: self)
        let values = validator.checkDynamicFields(input, entity: entity, field: "")
        guard validator.details.isEmpty else { throw .validation(validator.details) }
        record["dynamic_fields"] = Self.merge(record["dynamic_fields"], .object(values))
        if record["updated_at"] != nil { record["updated_at"] = .string(nowText) }
        self[keyPath: table][id] = record
        return .object(record)
    }

    private mutating func logActivity(
        on table: WritableKeyPath<Workspace, ObjectTable>, _ id: String, _ input: Record
    ) throws(APIError) -> JSONValue {
        let parent = table == \Workspace.deals ? "deal" : "contact"
        guard self[keyPath: table][id] != nil else { throw .notFound("no \(parent) has id '\(id)'") }
        var validator = InputValidator(workspace: self)
        var record = validator.check(input, against: .activity, creating: true)
        guard validator.details.isEmpty else { throw .validation(validator.details) }
        try checkRoom(for: 1)
        record["id"] = .string(activities.makeID())
        if record["occurred_at"] == nil { record["occurred_at"] = .string(nowText) }
        record["\(parent)_id"] = .string(id)
        activities.insert(record)
        return .object(record.filter { ["id", "type", "text", "occurred_at"].contains($0.key) })
    }

    // MARK: Rules across fields

    /// Fills in or checks the pipeline and stage of a deal: a stage alone implies its pipeline on create; a
    /// pipeline alone gets its first stage; a stage must belong to the deal's pipeline.
    private func resolveStage(
        _ record: inout Record, given input: Record, previousPipeline: String?, validator: inout InputValidator
    ) {
        let failed = validator.details.contains { $0.field.hasSuffix("pipeline_id") || $0.field.hasSuffix("stage_id") }
        guard !failed else { return }
        let givenStage = input["stage_id"] != nil ? record["stage_id"]?.stringValue : nil
        let givenPipeline = input["pipeline_id"] != nil ? record["pipeline_id"]?.stringValue : nil
        if let givenStage, let (pipeline, _) = catalog.stage(givenStage) {
            let wanted = givenPipeline ?? previousPipeline ?? pipeline.id
            guard pipeline.id == wanted else {
                validator.fail("stage_id", Self.otherPipeline(givenStage, pipeline, wanted))
                return
            }
            record["pipeline_id"] = .string(wanted)
        } else if let pipelineID = givenPipeline ?? (previousPipeline == nil ? catalog.pipelines[0].id : nil),
            pipelineID != previousPipeline, let pipeline = catalog.pipeline(pipelineID)
        {
            record["pipeline_id"] = .string(pipeline.id)
            record["stage_id"] = .string(pipeline.stages[0].id)
        }
    }

    private func checkMoney(_ record: Record, validator: inout InputValidator) {
        let hasValue = !(record["value"]?.isNull ?? true)
        if hasValue && (record["currency"]?.isNull ?? true) {
            validator.fail("currency", "is required when value is set (an ISO 4217 code such as EUR)")
        }
    }

    private static func otherPipeline(_ stageID: String, _ pipeline: Pipeline, _ wanted: String) -> String {
        "stage '\(stageID)' belongs to pipeline '\(pipeline.id)' (\(pipeline.name)), not to the deal's pipeline '\(wanted)'"
    }

    /// The fields of a new object that were not given: `null`, or empty for lists and dynamic fields.
    private static func defaults(_ schema: Schema) -> Record {
        var record: Record = [:]
        for field in schema.fields {
            switch field.kind {
            case .references, .tags: record[field.name] = .array([])
            case .dynamicFields: record[field.name] = .object([:])
            case .flag: record[field.name] = .bool(false)
            default: record[field.name] = .null
            }
        }
        return record
    }

    /// `current` dynamic field values with `changes` applied (`null` removes a value).
    private static func merge(_ current: JSONValue?, _ changes: JSONValue) -> JSONValue {
        var values = current?.objectValue ?? [:]
        for (id, value) in changes.objectValue ?? [:] {
            // Not `values[id] = value.isNull ? nil : value`: JSONValue is ExpressibleByNilLiteral, so that stores .null.
            if value.isNull { values.removeValue(forKey: id) } else { values[id] = value }
        }
        return .object(values)
    }

    private static func withoutNulls(_ values: JSONValue) -> JSONValue {
        .object((values.objectValue ?? [:]).filter { !$0.value.isNull })
    }
}
