import HTTP

/// `GET /healthz` answers at once; any `POST` is stored by `SingleCommitStore` and answered 202 with its id after
/// the commit (503 if it failed), as Dealhook answers an accepted event. Nothing is parsed, verified or planned:
/// the baseline does less work per request than Dealhook, so the comparison flatters the baseline.
struct BaselineResponder: HTTPResponder {
    let store: SingleCommitStore

    func bodyLimit(for head: HTTPRequestHead) -> Int { 1024 * 1024 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        switch (request.head.method, request.head.path) {
        case ("GET", "/healthz"):
            writer.write(Self.healthy)
        case ("POST", let path):
            store.store(path: String(path), body: request.body) { id in
                guard let id else { return writer.write(Self.unavailable) }
                writer.write(HTTPResponse(status: .accepted, contentType: "application/json", body: #"{"ok":true,"id":"\#(id)"}"#))
            }
        default:
            writer.write(Self.notFound)
        }
    }

    private static let healthy = HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#)
    private static let notFound = HTTPResponse(status: .notFound, contentType: "application/json", body: #"{"status":"not found"}"#)
    private static let unavailable = HTTPResponse(
        status: .serviceUnavailable, contentType: "application/json", body: #"{"status":"not stored"}"#)
}
