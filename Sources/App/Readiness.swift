import HTTP
import Synchronization

/// The named checks behind `/readyz`; the service is ready when every one passes.
final class Readiness: Sendable {
    /// One check's current state.
    struct Check: Sendable, Equatable {
        var name: String
        var ok: Bool
        var detail: String?
    }

    private let checks: Mutex<[Check]>

    init(checks: [Check]) {
        self.checks = Mutex(checks)
    }

    /// Sets the state of the check `name` (added if new).
    func set(_ name: String, ok: Bool, detail: String? = nil) {
        checks.withLock { checks in
            let check = Check(name: name, ok: ok, detail: detail)
            if let index = checks.firstIndex(where: { $0.name == name }) {
                checks[index] = check
            } else {
                checks.append(check)
            }
        }
    }

    /// 200 when all checks pass, else 503; the body lists every check.
    func response() -> HTTPResponse {
        let current = checks.withLock { $0 }
        let ready = current.allSatisfy(\.ok)
        let items = current.map { check in
            var item = #"{"name":"\#(ProblemBody.escape(check.name))","ok":\#(check.ok)"#
            if let detail = check.detail { item += #","detail":"\#(ProblemBody.escape(detail))""# }
            return item + "}"
        }
        let body = #"{"status":"\#(ready ? "ready" : "not_ready")","checks":[\#(items.joined(separator: ","))]}"#
        return HTTPResponse(
            status: ready ? .ok : .serviceUnavailable, contentType: "application/json", body: body,
            headers: ["Cache-Control": "no-store"])
    }
}
