import HTTP
import JSON

/// Carries Teamopipe calls over the project's HTTP client: the bearer key, JSON bodies, idempotency keys.
///
/// The key is sent in the `Authorization` header and nowhere else: no error message or log line holds it.
public struct HTTPTeamopipeTransport: TeamopipeTransport {
    private let client: HTTPClient
    private let baseURL: String
    private let authorization: String

    /// A transport to the API at `baseURL` (e.g. `https://api.teamopipe.com/api/v2`) with the bearer `apiKey`.
    public init(client: HTTPClient, baseURL: String, apiKey: String) {
        self.client = client
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        authorization = "Bearer \(apiKey)"
    }

    public func send(_ request: TeamopipeRequest) throws(TeamopipeTransportError) -> TeamopipeResponse {
        var headers: HTTPHeaders = ["Authorization": authorization, "Accept": "application/json"]
        if request.body != nil { headers.add(name: "Content-Type", value: "application/json") }
        if let key = request.idempotencyKey { headers.add(name: "Idempotency-Key", value: key) }
        let outgoing = HTTPClientRequest(
            method: request.method, url: baseURL + request.path, headers: headers, body: request.body?.jsonBytes ?? [])
        do {
            let response = try client.execute(outgoing)
            var byName: [String: String] = [:]
            for field in response.headers { byName[field.name.lowercased()] = field.value }
            return TeamopipeResponse(status: Int(response.status.code), headers: byName, body: response.body)
        } catch {
            throw TeamopipeTransportError(
                message: error.description, requestSent: error.requestSent, isPermanent: error.code == .invalidRequest)
        }
    }
}
