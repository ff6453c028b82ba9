import HTTP

/// The one behaviour both servers share: `GET /healthz` (or `HEAD`) answers 200 `{"status":"ok"}`, anything
/// else 404. The responses are built once, so what is measured is the I/O model, not response building.
public enum HealthEndpoint {
    /// The response to a request with this head.
    public static func response(to head: HTTPRequestHead) -> HTTPResponse {
        (head.method == "GET" || head.method == "HEAD") && head.path == "/healthz" ? ok : notFound
    }

    /// The largest request body either server accepts.
    public static let maxBodySize = 1024 * 1024

    private static let ok = HTTPResponse(status: .ok, contentType: "application/json", body: #"{"status":"ok"}"#)
    private static let notFound = HTTPResponse(
        status: .notFound, contentType: "application/json", body: #"{"status":"not found"}"#)
}
