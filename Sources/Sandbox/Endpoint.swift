/// The calls of the contract, each named by its method and path template (the label used in stats).
enum Endpoint: String, CaseIterable, Sendable {
    case listPipelines = "GET /pipelines"
    case listDynamicFields = "GET /dynamic-fields"
    case listMembers = "GET /members"
    case upsertContact = "POST /contacts/upsert"
    case setContactDynamicFields = "PUT /contacts/{id}/dynamic-fields"
    case logContactActivity = "POST /contacts/{id}/activities"
    case createOrganization = "POST /organizations"
    case findOrganizations = "GET /organizations"
    case setOrganizationDynamicFields = "PUT /organizations/{id}/dynamic-fields"
    case createDeal = "POST /deals"
    case findDeals = "GET /deals"
    case bulkCreateDeals = "POST /deals/bulk"
    case updateDeal = "PATCH /deals/{id}"
    case moveDeal = "POST /deals/{id}/stage"
    case setDealDynamicFields = "PUT /deals/{id}/dynamic-fields"
    case logDealActivity = "POST /deals/{id}/activities"
    case createTask = "POST /tasks"

    /// The path prefix every endpoint lives under.
    static let basePath = "/api/v2"

    var method: String { String(rawValue.prefix { $0 != " " }) }

    private var segments: [Substring] { rawValue.drop { $0 != " " }.dropFirst().split(separator: "/") }

    /// Whether the call may change the workspace.
    var isWrite: Bool { method != "GET" }

    /// What a request's method and path (below `basePath`) ask for.
    enum Lookup {
        case found(Endpoint, id: String?)
        /// The path exists, but not with this method.
        case methodNotAllowed(allow: [String])
        case notFound
    }

    static func lookup(method: String, path: Substring) -> Lookup {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { return .notFound }
        var allowed: [String] = []
        // Literal segments win over `{id}` (so `POST /deals/bulk` is not a stage of deal "bulk").
        let candidates = allCases.sorted {
            $0.segments.filter { $0 == "{id}" }.count < $1.segments.filter { $0 == "{id}" }.count
        }
        for endpoint in candidates {
            let template = endpoint.segments
            guard template.count == parts.count else { continue }
            var id: String?
            var matched = true
            for (want, have) in zip(template, parts) {
                if want == "{id}" {
                    id = String(have)
                } else if want != have {
                    matched = false
                    break
                }
            }
            guard matched else { continue }
            if endpoint.method == method { return .found(endpoint, id: id) }
            allowed.append(endpoint.method)
        }
        return allowed.isEmpty ? .notFound : .methodNotAllowed(allow: allowed.sorted())
    }
}
