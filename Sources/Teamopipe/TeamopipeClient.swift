import JSON
import Rules

/// Performs the rules' operations against the Teamopipe API: names resolved to ids, each operation one or two
/// calls, every outcome classified as the contract's error table says.
///
/// ```swift
/// let client = TeamopipeClient(transport: transport, cacheTTL: .seconds(300))
/// let outcome = client.perform(.dealCreate, input: ["title": "Acme", "pipeline": "Sales", "stage": "Lead"],
///                              idempotencyKey: "evt_1:deal")
/// ```
public final class TeamopipeClient: Sendable {
    private let transport: any TeamopipeTransport
    private let directory: WorkspaceDirectory

    public init(transport: any TeamopipeTransport, cacheTTL: Duration) {
        self.transport = transport
        directory = WorkspaceDirectory(ttl: cacheTTL) { () throws(TeamopipeFailureOutcome) in
            try Self.readWorkspace(transport)
        }
    }

    /// Runs one operation with its rendered input (names, not ids). POSTs carry `idempotencyKey`, suffixed for
    /// an operation's second POST.
    public func perform(_ operation: Operation, input: JSONValue, idempotencyKey: String) -> TeamopipeOutcome {
        do throws(TeamopipeFailureOutcome) {
            let context = Call(client: self, key: idempotencyKey)
            return .success(try context.run(operation, input))
        } catch {
            return error.outcome
        }
    }

    /// A cheap authenticated read (`GET /members`): success once a revoked key has been replaced.
    public func probe() -> TeamopipeOutcome {
        do throws(TeamopipeFailureOutcome) {
            return .success(try call("GET", TeamopipeContract.members))
        } catch {
            return error.outcome
        }
    }

    /// Checks a name against the workspace; an unknown one gives its failure message. With `fresh` (the first
    /// name of a check) the workspace is read anew; later names reuse what was read, and a name missing from it
    /// has the workspace read once more before it is reported, so a check of many names costs a few reads.
    public func verify(_ name: NameToVerify, fresh: Bool = true) -> String? {
        if fresh { directory.invalidate() }
        do throws(TeamopipeFailureOutcome) {
            switch name {
            case .pipeline(let pipeline):
                _ = try directory.resolve { $0.pipeline(named: pipeline) }
            case .stage(let stage, let pipeline):
                _ = try directory.resolve { $0.stage(named: stage, inPipeline: pipeline) }
            case .field(let field, let entity):
                _ = try directory.resolve { $0.fieldValues([field: JSONValue.null], entity: entity) }
            case .member(let email):
                _ = try directory.resolve { $0.member(email: email) }
            }
            return nil
        } catch {
            switch error.outcome {
            case .permanent(let failure), .authFailure(let failure), .transient(let failure, _): return failure.description
            case .success: return nil
            }
        }
    }

    /// One call; a non-2xx answer or a transport failure is thrown as its classified outcome.
    func call(_ method: String, _ path: String, body: JSONValue? = nil, key: String? = nil) throws(TeamopipeFailureOutcome)
        -> JSONValue
    {
        try Self.call(transport, method, path, body: body, key: key)
    }

    private static func call(
        _ transport: any TeamopipeTransport, _ method: String, _ path: String, body: JSONValue? = nil, key: String? = nil
    ) throws(TeamopipeFailureOutcome) -> JSONValue {
        let name = "\(method) \(path.split(separator: "?", maxSplits: 1).first ?? "")"
        let outcome: TeamopipeOutcome
        do {
            let response = try transport.send(TeamopipeRequest(method: method, path: path, body: body, idempotencyKey: key))
            outcome = TeamopipeOutcome.classify(response, call: name)
        } catch {
            outcome = TeamopipeOutcome.classify(error, call: name)
        }
        guard case .success(let value) = outcome else { throw TeamopipeFailureOutcome(outcome: outcome) }
        return value
    }

    private static func readWorkspace(_ transport: any TeamopipeTransport) throws(TeamopipeFailureOutcome)
        -> WorkspaceDirectory.Snapshot
    {
        typealias Field = TeamopipeContract.Field
        var snapshot = WorkspaceDirectory.Snapshot(readAt: .now)
        for pipeline in try call(transport, "GET", TeamopipeContract.pipelines).arrayValue ?? [] {
            let stages = (pipeline[Field.stages]?.arrayValue ?? [])
                .sorted { ($0["position"]?.numberValue ?? 0) < ($1["position"]?.numberValue ?? 0) }
                .compactMap { stage in
                    stage[Field.id]?.stringValue.flatMap { id in stage[Field.name]?.stringValue.map { (id, $0) } }
                }
            if let id = pipeline[Field.id]?.stringValue, let name = pipeline[Field.name]?.stringValue {
                snapshot.pipelines.append(.init(id: id, name: name, stages: stages))
            }
        }
        for entity in ["deal", "contact", "organization"] {
            let fields = try call(transport, "GET", TeamopipeContract.dynamicFields(entity: entity)).arrayValue ?? []
            snapshot.fields[entity] = fields.compactMap { field in
                guard let id = field[Field.id]?.stringValue, let name = field[Field.name]?.stringValue else { return nil }
                let options = (field[Field.options]?.arrayValue ?? []).compactMap { option in
                    option[Field.id]?.stringValue.flatMap { id in option["label"]?.stringValue.map { (id, $0) } }
                }
                return .init(id: id, name: name, type: field[Field.type]?.stringValue ?? "text", options: options)
            }
        }
        snapshot.members = (try call(transport, "GET", TeamopipeContract.members).arrayValue ?? []).compactMap { member in
            member[Field.id]?.stringValue.flatMap { id in member[Field.email]?.stringValue.map { (id, $0) } }
        }
        return snapshot
    }

    var workspace: WorkspaceDirectory { directory }
}

/// A name a rule uses, to check against the workspace (`dealhook check --online`).
public enum NameToVerify: Sendable, Hashable {
    case pipeline(String)
    case stage(String, pipeline: String)
    case field(String, entity: String)
    case member(email: String)
}
