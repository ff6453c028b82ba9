import JSON

/// The actions of the matching rules rendered for one event: plain data, stored with the event and executed
/// step by step at delivery. Planning is deterministic: the same event always gives the same plan.
public struct Plan: Sendable, Hashable, Codable {
    /// The route's name.
    public var route: String
    /// The names of the rules that matched, in order.
    public var rules: [String]
    /// The steps to run, in order.
    public var steps: [PlanStep]
    /// The key that orders delivery of events about the same person (a contact's e-mail), when known.
    public var subject: String?

    public init(route: String, rules: [String], steps: [PlanStep], subject: String?) {
        self.route = route
        self.rules = rules
        self.steps = steps
        self.subject = subject
    }

    /// The plan as compact JSON with sorted keys, as stored and as `dealhook try` prints it.
    public var jsonText: String {
        var output = JSONOutput(capacity: 1024)
        write(to: &output)
        return output.text()
    }

    /// The bytes of `jsonValue.jsonBytes`, written straight from the plan: intake stores one per event, and
    /// building the `JSONValue` first costs more than the writing.
    public var jsonBytes: [UInt8] {
        // Room for a typical plan (the bench's Stripe plan is ~880 bytes, a form's ~710) in a buffer that glibc's
        // per-thread cache serves (up to 1,032 bytes); `bytes()` then makes the array of exactly the plan's size.
        var output = JSONOutput(capacity: 1024)
        write(to: &output)
        return output.bytes()
    }

    private func write(to output: inout JSONOutput) {
        // Keys in sorted order, as JSONValue writes them: route, rules, steps, subject.
        output.append(literal: #"{"route":"#)
        output.append(string: route)
        output.append(literal: #","rules":["#)
        for (index, rule) in rules.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(string: rule)
        }
        output.append(literal: #"],"steps":["#)
        for (index, step) in steps.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            step.write(to: &output)
        }
        output.append(UInt8(ascii: "]"))
        if let subject {
            output.append(literal: #","subject":"#)
            output.append(string: subject)
        }
        output.append(UInt8(ascii: "}"))
    }

    /// The plan as a JSON value.
    public var jsonValue: JSONValue {
        var object: JSONObject = [
            "route": .string(route), "rules": .array(rules.map(JSONValue.string)),
            "steps": .array(steps.map(\.jsonValue)),
        ]
        if let subject { object["subject"] = .string(subject) }
        return .object(object)
    }

    /// Reads a plan back from its JSON form.
    public init(json: JSONValue) throws(PlanDecodingError) {
        guard let route = json["route"]?.stringValue, let rules = json["rules"]?.arrayValue,
            let steps = json["steps"]?.arrayValue
        else { throw PlanDecodingError(message: "a plan needs route, rules and steps") }
        self.route = route
        self.rules = try rules.map { value throws(PlanDecodingError) in
            guard let name = value.stringValue else { throw PlanDecodingError(message: "rule names are strings") }
            return name
        }
        self.steps = try steps.map { value throws(PlanDecodingError) in try PlanStep(json: value) }
        subject = json["subject"]?.stringValue
    }

    public func encode(to encoder: any Encoder) throws {
        try jsonValue.encode(to: encoder)
    }

    public init(from decoder: any Decoder) throws {
        try self.init(json: try JSONValue(from: decoder))
    }
}

/// One operation of a plan with its concrete input.
public struct PlanStep: Sendable, Hashable {
    /// The action's id: its name in `steps.<id>` and in idempotency keys.
    public var id: String
    /// The rule the step came from.
    public var rule: String
    public var operation: Operation
    /// The operation's fields; references to earlier steps' results stay references until run time.
    public var input: PlanValue

    public init(id: String, rule: String, operation: Operation, input: PlanValue) {
        self.id = id
        self.rule = rule
        self.operation = operation
        self.input = input
    }

    var jsonValue: JSONValue {
        ["id": .string(id), "rule": .string(rule), "op": .string(operation.rawValue), "input": input.jsonValue]
    }

    /// Writes `jsonValue`'s JSON; keys in sorted order: id, input, op, rule.
    func write(to output: inout JSONOutput) {
        output.append(literal: #"{"id":"#)
        output.append(string: id)
        output.append(literal: #","input":"#)
        input.write(to: &output)
        output.append(literal: #","op":"#)
        output.append(string: operation.rawValue)
        output.append(literal: #","rule":"#)
        output.append(string: rule)
        output.append(UInt8(ascii: "}"))
    }

    init(json: JSONValue) throws(PlanDecodingError) {
        guard let id = json["id"]?.stringValue, let rule = json["rule"]?.stringValue,
            let name = json["op"]?.stringValue, let input = json["input"]
        else { throw PlanDecodingError(message: "a step needs id, rule, op and input") }
        guard let operation = Operation(rawValue: name) else {
            throw PlanDecodingError(message: "unknown operation '\(name)'")
        }
        self.init(id: id, rule: rule, operation: operation, input: PlanValue(json: input))
    }
}

/// A stored plan that cannot be read back.
public struct PlanDecodingError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { "invalid plan: \(message)" }
}
