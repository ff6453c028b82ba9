import HTTP
import JSON

/// The sandbox's own calls, for tests and demos (no auth, never part of the contract):
///
/// | call | does |
/// | --- | --- |
/// | `GET /_sandbox/faults`, `POST /_sandbox/faults` | read, replace the fault settings |
/// | `GET /_sandbox/stats` | requests by route template and status; object counts |
/// | `POST /_sandbox/reset` | back to the seeded workspace |
/// | `GET /_sandbox/keys`, `POST /_sandbox/keys` | list the valid API keys; add one (`{"key": …}` or random) |
/// | `DELETE /_sandbox/keys/{key}` | revoke a key (401 from then on) |
/// | `POST /_sandbox/keys/rotate` | revoke every key and make a new one |
struct SandboxControl {
    let core: SandboxCore

    func respond(to request: HTTPRequest) -> APIReply {
        do {
            return try route(request)
        } catch {
            return error.reply
        }
    }

    private func route(_ request: HTTPRequest) throws(APIError) -> APIReply {
        let method = request.head.method
        let path = request.head.path
        switch (method, path) {
        case ("GET", "/_sandbox/faults"):
            return faultsReply()
        case ("POST", "/_sandbox/faults"):
            let (settings, seed) = try FaultSettings.parse(try body(request))
            core.setFaults(settings, seed: seed)
            return faultsReply()
        case ("GET", "/_sandbox/stats"):
            return APIReply(status: .ok, body: core.stats)
        case ("POST", "/_sandbox/reset"):
            core.reset()
            return .data(["reset": true])
        case ("GET", "/_sandbox/keys"):
            return .data(.array(core.keys.map { ["key": .string($0)] }))
        case ("POST", "/_sandbox/keys"):
            guard let key = core.addKey(try requestedKey(request)) else {
                throw APIError(
                    status: .forbidden, code: "limit_reached",
                    message: "there are \(core.configuration.maxAPIKeys) keys already; revoke one first")
            }
            return .data(["key": .string(key)], status: .created)
        case ("POST", "/_sandbox/keys/rotate"):
            return .data(["key": .string(core.rotateKeys(to: try requestedKey(request)))], status: .created)
        case ("DELETE", _) where path.hasPrefix("/_sandbox/keys/"):
            // A path segment: `+` is itself (keys are base64url-like, but a caller may send any).
            let segment = path.dropFirst("/_sandbox/keys/".count).utf8
            let key = String(decoding: PercentEncoding.decode(segment, plusIsSpace: false), as: UTF8.self)
            guard core.revokeKey(key) else { throw .notFound("no valid key '\(key)'") }
            return .data(["key": .string(key), "revoked": true])
        default:
            throw .notFound("no sandbox call \(method) \(path); see docs/sandbox.md")
        }
    }

    private func faultsReply() -> APIReply {
        let (settings, seed) = core.faults
        guard case .object(var members) = settings.json else { return .data(settings.json) }
        members["seed"] = .number(Double(seed))
        return .data(.object(members))
    }

    private func body(_ request: HTTPRequest) throws(APIError) -> JSONValue? {
        guard !request.body.isEmpty else { return nil }
        do {
            return try JSONValue(parsing: request.body)
        } catch {
            throw APIError(
                status: .badRequest, code: "invalid_json", message: "the body is not JSON: \(error.description)")
        }
    }

    /// The `key` member of an optional body.
    private func requestedKey(_ request: HTTPRequest) throws(APIError) -> String? {
        guard let body = try body(request) else { return nil }
        let input = try InputValidator.object(body)
        if let unknown = input.keys.sorted().first(where: { $0 != "key" }) {
            throw .validation(field: unknown, "unknown field; the body is {\"key\": \"...\"} or empty")
        }
        guard let value = input["key"] else { return nil }
        guard let key = value.stringValue, (8...200).contains(key.utf8.count),
            key.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { throw .validation(field: "key", "must be 8 to 200 printable ASCII characters without spaces") }
        return key
    }
}
