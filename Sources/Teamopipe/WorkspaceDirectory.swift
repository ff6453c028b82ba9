import JSON
import Synchronization

/// The workspace's names and their ids — pipelines with their stages, dynamic fields by entity, members by
/// e-mail — read from the API, cached for a time-to-live, and read again once on a miss before a name is
/// declared unknown.
final class WorkspaceDirectory: Sendable {
    struct Pipeline: Sendable {
        var id: String
        var name: String
        /// Stages in position order.
        var stages: [(id: String, name: String)]
    }

    struct DynamicField: Sendable {
        var id: String
        var name: String
        var type: String
        /// Select options, `(id, label)`.
        var options: [(id: String, label: String)]
    }

    struct Snapshot: Sendable {
        var pipelines: [Pipeline] = []
        var fields: [String: [DynamicField]] = [:]
        var members: [(id: String, email: String)] = []
        var readAt: ContinuousClock.Instant
    }

    private let ttl: Duration
    private let state = Mutex<Snapshot?>(nil)
    private let load: @Sendable () throws(TeamopipeFailureOutcome) -> Snapshot

    init(ttl: Duration, load: @escaping @Sendable () throws(TeamopipeFailureOutcome) -> Snapshot) {
        self.ttl = ttl
        self.load = load
    }

    /// Runs `lookup` on the cached snapshot; when it finds nothing (or the cache is stale) the workspace is
    /// read again and `lookup` runs once more.
    func resolve<Value>(
        _ lookup: (Snapshot) -> Result<Value, TeamopipeFailure>
    ) throws(TeamopipeFailureOutcome) -> Value {
        let now = ContinuousClock.now
        if let cached = state.withLock({ $0 }), now - cached.readAt < ttl, case .success(let value) = lookup(cached) {
            return value
        }
        let fresh = try load()
        state.withLock { $0 = fresh }
        switch lookup(fresh) {
        case .success(let value): return value
        case .failure(let failure): throw TeamopipeFailureOutcome(outcome: .permanent(failure))
        }
    }

    /// Forgets the cache, so the next lookup reads the workspace.
    func invalidate() {
        state.withLock { $0 = nil }
    }
}

/// A non-success outcome thrown through the client's internals.
struct TeamopipeFailureOutcome: Error {
    var outcome: TeamopipeOutcome
}

extension WorkspaceDirectory.Snapshot {
    func pipeline(named name: String) -> Result<WorkspaceDirectory.Pipeline, TeamopipeFailure> {
        if let pipeline = pipelines.first(where: { $0.name == name }) { return .success(pipeline) }
        let names = pipelines.map(\.name).joined(separator: ", ")
        return .failure(TeamopipeFailure(message: "no pipeline '\(name)'; pipelines: \(names)"))
    }

    func stage(named name: String, inPipeline pipelineName: String) -> Result<(pipeline: String, stage: String), TeamopipeFailure> {
        switch pipeline(named: pipelineName) {
        case .failure(let failure):
            return .failure(failure)
        case .success(let pipeline):
            if let stage = pipeline.stages.first(where: { $0.name == name }) { return .success((pipeline.id, stage.id)) }
            let names = pipeline.stages.map(\.name).joined(separator: ", ")
            return .failure(TeamopipeFailure(message: "no stage '\(name)' in pipeline '\(pipelineName)'; stages: \(names)"))
        }
    }

    func member(email: String) -> Result<String, TeamopipeFailure> {
        if let member = members.first(where: { $0.email.lowercased() == email.lowercased() }) { return .success(member.id) }
        let emails = members.map(\.email).joined(separator: ", ")
        return .failure(TeamopipeFailure(message: "no member '\(email)'; members: \(emails)"))
    }

    /// Dynamic field values by name turned into values by field id, select labels into option ids.
    func fieldValues(_ values: [String: JSONValue], entity: String) -> Result<JSONValue, TeamopipeFailure> {
        let known = fields[entity] ?? []
        var output: [String: JSONValue] = [:]
        for (name, value) in values {
            guard let field = known.first(where: { $0.name == name }) else {
                let names = known.map(\.name).joined(separator: ", ")
                return .failure(TeamopipeFailure(message: "no \(entity) field '\(name)'; fields: \(names)"))
            }
            switch option(value, of: field) {
            case .success(let converted): output[field.id] = converted
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(.object(output))
    }

    private func option(_ value: JSONValue, of field: WorkspaceDirectory.DynamicField) -> Result<JSONValue, TeamopipeFailure> {
        guard field.type == "select" || field.type == "multi_select", !value.isNull else { return .success(value) }
        func convert(_ label: JSONValue) -> Result<JSONValue, TeamopipeFailure> {
            let text = label.stringValue ?? label.jsonText
            if let option = field.options.first(where: { $0.label == text || $0.id == text }) {
                return .success(.string(option.id))
            }
            let labels = field.options.map(\.label).joined(separator: ", ")
            return .failure(TeamopipeFailure(message: "'\(text)' is not an option of \(field.name); options: \(labels)"))
        }
        guard field.type == "multi_select" else { return convert(value) }
        var converted: [JSONValue] = []
        for element in value.arrayValue ?? [value] {
            switch convert(element) {
            case .success(let id): converted.append(id)
            case .failure(let failure): return .failure(failure)
            }
        }
        return .success(.array(converted))
    }
}
