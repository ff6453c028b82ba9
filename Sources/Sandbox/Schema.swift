import JSON

/// The writable fields of one kind of object, and how each is checked.
struct Schema: Sendable {
    struct Field: Sendable {
        var name: String
        var kind: Kind
        /// Must be present when creating.
        var required = false
        /// May be `null` (which clears it).
        var nullable = true
    }

    enum Kind: Sendable {
        case text(maxLength: Int)
        case email, phone, domain, date, timestamp, amount, currency, flag
        case choice([String])
        case reference(Reference)
        case references(Reference)
        case tags
        case dynamicFields(DynamicFieldEntity)
    }

    /// What a reference field points at.
    enum Reference: String, Sendable {
        case pipeline, stage, contact, organization, member, deal
    }

    var fields: [Field]

    var names: [String] { fields.map(\.name) }

    static let deal = Schema(fields: [
        Field(name: "title", kind: .text(maxLength: 255), required: true, nullable: false),
        Field(name: "pipeline_id", kind: .reference(.pipeline), nullable: false),
        Field(name: "stage_id", kind: .reference(.stage), nullable: false),
        Field(name: "value", kind: .amount),
        Field(name: "currency", kind: .currency),
        Field(name: "contact_ids", kind: .references(.contact), nullable: false),
        Field(name: "organization_id", kind: .reference(.organization)),
        Field(name: "assignee_id", kind: .reference(.member)),
        Field(name: "due_date", kind: .date),
        Field(name: "tags", kind: .tags, nullable: false),
        Field(name: "dynamic_fields", kind: .dynamicFields(.deal), nullable: false),
    ])

    static let contact = Schema(fields: [
        Field(name: "email", kind: .email, required: true, nullable: false),
        Field(name: "first_name", kind: .text(maxLength: 255)),
        Field(name: "last_name", kind: .text(maxLength: 255)),
        Field(name: "phone", kind: .phone),
        Field(name: "organization_id", kind: .reference(.organization)),
        Field(name: "dynamic_fields", kind: .dynamicFields(.contact), nullable: false),
    ])

    static let organization = Schema(fields: [
        Field(name: "name", kind: .text(maxLength: 255), required: true, nullable: false),
        Field(name: "domain", kind: .domain),
        Field(name: "dynamic_fields", kind: .dynamicFields(.organization), nullable: false),
    ])

    static let task = Schema(fields: [
        Field(name: "title", kind: .text(maxLength: 255), required: true, nullable: false),
        Field(name: "notes", kind: .text(maxLength: 10_000)),
        Field(name: "due_date", kind: .date),
        Field(name: "deal_id", kind: .reference(.deal)),
        Field(name: "contact_id", kind: .reference(.contact)),
        Field(name: "assignee_id", kind: .reference(.member)),
        Field(name: "done", kind: .flag, nullable: false),
    ])

    static let activity = Schema(fields: [
        Field(
            name: "type", kind: .choice(["note", "call", "email", "meeting", "payment", "contract"]), required: true,
            nullable: false),
        Field(name: "text", kind: .text(maxLength: 10_000), required: true, nullable: false),
        Field(name: "occurred_at", kind: .timestamp, nullable: false),
    ])

    /// Most tags on one deal, and the longest tag.
    static let maxTags = 50
    static let maxTagLength = 50
}

/// Checks request bodies against a `Schema` and the workspace, collecting every problem rather than the first.
struct InputValidator {
    let workspace: Workspace
    /// Prepended to field names in details (`deals[3].`).
    var prefix = ""
    private(set) var details: [ValidationDetail] = []

    init(workspace: Workspace, prefix: String = "") {
        self.workspace = workspace
        self.prefix = prefix
    }

    mutating func fail(_ field: String, _ message: String) {
        details.append(ValidationDetail(field: prefix + field, message: message))
    }

    /// The body as an object, or a 400 for anything else.
    static func object(_ body: JSONValue?) throws(APIError) -> [String: JSONValue] {
        guard let body else { throw .badRequest("the request needs a JSON object body") }
        guard let members = body.objectValue else {
            throw .badRequest("the body must be a JSON object, not \(body.typeName)")
        }
        return members.dictionary
    }

    /// The fields of `input` that pass `schema`, normalised; problems go to `details`. With `creating`, required
    /// fields must be present.
    mutating func check(_ input: [String: JSONValue], against schema: Schema, creating: Bool) -> [String: JSONValue] {
        var accepted: [String: JSONValue] = [:]
        let known = Set(schema.names)
        for name in input.keys.sorted() where !known.contains(name) {
            fail(name, "unknown field; writable fields are \(schema.names.joined(separator: ", "))")
        }
        for field in schema.fields {
            guard let value = input[field.name] else {
                if creating && field.required { fail(field.name, "is required") }
                continue
            }
            if value.isNull {
                if field.nullable { accepted[field.name] = .null } else { fail(field.name, "must not be null") }
                continue
            }
            if field.required, let text = value.stringValue, text.allSatisfy(\.isWhitespace) {
                fail(field.name, "must not be empty")
                continue
            }
            if let normalised = check(value, field.kind, field: field.name) { accepted[field.name] = normalised }
        }
        return accepted
    }

    private mutating func check(_ value: JSONValue, _ kind: Schema.Kind, field: String) -> JSONValue? {
        switch kind {
        case .text(let maxLength):
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            if text.unicodeScalars.count > maxLength {
                fail(field, "is longer than \(maxLength) characters")
                return nil
            }
            return .string(text)
        case .email:
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard Self.isEmail(text) else { return invalid(field, "is not an e-mail address") }
            return .string(text)
        case .phone:
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard Self.isPhone(text) else { return invalid(field, "is not a phone number (digits, spaces, + ( ) - .)") }
            return .string(text)
        case .domain:
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard Self.isDomain(text) else { return invalid(field, "is not a domain name such as example.com") }
            return .string(text.lowercased())
        case .date:
            guard let text = value.stringValue else { return wrongType(field, "a date string", value) }
            guard Timestamp.isDate(text) else { return invalid(field, "is not a date written YYYY-MM-DD") }
            return .string(text)
        case .timestamp:
            guard let text = value.stringValue else { return wrongType(field, "an RFC 3339 timestamp", value) }
            guard let seconds = Timestamp.parse(text) else {
                return invalid(field, "is not an RFC 3339 timestamp such as 2025-03-01T09:30:00Z")
            }
            return .string(Timestamp.format(seconds))
        case .amount:
            guard let number = value.numberValue else { return wrongType(field, "a number", value) }
            guard number >= 0 else { return invalid(field, "must not be negative") }
            return .number(number)
        case .currency:
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard text.utf8.count == 3, text.utf8.allSatisfy({ (0x41...0x5A).contains($0) }) else {
                return invalid(field, "is not an ISO 4217 currency code such as EUR or USD")
            }
            return .string(text)
        case .flag:
            guard value.boolValue != nil else { return wrongType(field, "true or false", value) }
            return value
        case .choice(let choices):
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard choices.contains(text) else {
                return invalid(field, "must be one of \(choices.joined(separator: ", "))")
            }
            return value
        case .reference(let reference):
            guard let id = value.stringValue else { return wrongType(field, "an id string", value) }
            guard exists(reference, id) else { return invalid(field, "no \(reference.rawValue) has id '\(id)'") }
            return value
        case .references(let reference):
            guard let elements = value.arrayValue else { return wrongType(field, "an array of ids", value) }
            var ids: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                guard let id = element.stringValue else {
                    _ = wrongType("\(field)[\(index)]", "an id string", element)
                    continue
                }
                if !exists(reference, id) {
                    fail("\(field)[\(index)]", "no \(reference.rawValue) has id '\(id)'")
                } else if !ids.contains(element) {
                    ids.append(element)
                }
            }
            return .array(ids)
        case .tags:
            guard let elements = value.arrayValue else { return wrongType(field, "an array of strings", value) }
            if elements.count > Schema.maxTags { return invalid(field, "has more than \(Schema.maxTags) tags") }
            var tags: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                guard let tag = element.stringValue, !tag.isEmpty, tag.unicodeScalars.count <= Schema.maxTagLength
                else {
                    fail(
                        "\(field)[\(index)]", "must be a non-empty string of at most \(Schema.maxTagLength) characters")
                    continue
                }
                if !tags.contains(element) { tags.append(.string(tag)) }
            }
            return .array(tags)
        case .dynamicFields(let entity):
            guard let values = value.objectValue else {
                return wrongType(field, "an object of field id → value", value)
            }
            return .object(checkDynamicFields(values.dictionary, entity: entity, field: field))
        }
    }

    /// The values of `values` valid for `entity`'s dynamic fields (`null` kept: it clears a value).
    mutating func checkDynamicFields(_ values: [String: JSONValue], entity: DynamicFieldEntity, field: String)
        -> [String: JSONValue]
    {
        var accepted: [String: JSONValue] = [:]
        for id in values.keys.sorted() {
            let value = values[id]!
            let name = field.isEmpty ? id : "\(field).\(id)"
            guard let definition = workspace.catalog.dynamicField(id) else {
                fail(name, "no dynamic field has id '\(id)'")
                continue
            }
            guard definition.entity == entity else {
                fail(name, "is a dynamic field of \(definition.entity.rawValue)s, not of \(entity.rawValue)s")
                continue
            }
            if value.isNull {
                accepted[id] = .null
            } else if let normalised = checkDynamicValue(value, definition, field: name) {
                accepted[id] = normalised
            }
        }
        return accepted
    }

    private mutating func checkDynamicValue(_ value: JSONValue, _ definition: DynamicField, field: String) -> JSONValue?
    {
        switch definition.type {
        case .text: return check(value, .text(maxLength: 10_000), field: field)
        case .number:
            guard value.numberValue != nil else { return wrongType(field, "a number", value) }
            return value
        case .date: return check(value, .date, field: field)
        case .checkbox: return check(value, .flag, field: field)
        case .email: return check(value, .email, field: field)
        case .phone: return check(value, .phone, field: field)
        case .url:
            guard let text = value.stringValue else { return wrongType(field, "a string", value) }
            guard Self.isURL(text) else { return invalid(field, "is not an http or https URL") }
            return value
        case .select:
            guard let id = value.stringValue else { return wrongType(field, "an option id", value) }
            guard definition.options.contains(where: { $0.id == id }) else { return badOption(field, id, definition) }
            return value
        case .multiSelect:
            guard let elements = value.arrayValue, elements.allSatisfy({ $0.stringValue != nil }) else {
                return wrongType(field, "an array of option ids", value)
            }
            for element in elements where !definition.options.contains(where: { $0.id == element.stringValue }) {
                return badOption(field, element.stringValue!, definition)
            }
            return value
        }
    }

    private mutating func badOption(_ field: String, _ id: String, _ definition: DynamicField) -> JSONValue? {
        let options = definition.options.map { "\($0.id) (\($0.label))" }.joined(separator: ", ")
        return invalid(field, "'\(id)' is not an option of \(definition.name); options are \(options)")
    }

    private func exists(_ reference: Schema.Reference, _ id: String) -> Bool {
        switch reference {
        case .pipeline: workspace.catalog.pipeline(id) != nil
        case .stage: workspace.catalog.stage(id) != nil
        case .member: workspace.catalog.member(id) != nil
        case .contact: workspace.contacts[id] != nil
        case .organization: workspace.organizations[id] != nil
        case .deal: workspace.deals[id] != nil
        }
    }

    private mutating func wrongType(_ field: String, _ expected: String, _ value: JSONValue) -> JSONValue? {
        fail(field, "must be \(expected), not \(value.typeName)")
        return nil
    }

    private mutating func invalid(_ field: String, _ message: String) -> JSONValue? {
        fail(field, message)
        return nil
    }

    static func isEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard text.utf8.count <= 254, parts.count == 2, !parts[0].isEmpty, !text.contains(" ") else { return false }
        return isDomain(String(parts[1]))
    }

    static func isDomain(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard text.utf8.count <= 253, labels.count >= 2 else { return false }
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.unicodeScalars.allSatisfy {
                    $0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-"
                }
        }
    }

    static func isPhone(_ text: String) -> Bool {
        let digits = text.unicodeScalars.filter { ("0"..."9").contains($0) }.count
        return (5...20).contains(digits) && text.unicodeScalars.count <= 50
            && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || " +()-.".unicodeScalars.contains($0) }
    }

    static func isURL(_ text: String) -> Bool {
        for scheme in ["https://", "http://"] where text.hasPrefix(scheme) {
            let rest = text.dropFirst(scheme.count)
            let host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
            return !host.isEmpty && !text.contains(" ")
        }
        return false
    }
}
