import HTTP
import JSON

/// One invalid input: where (`title`, `deals[2].stage_id`, `dynamic_fields.field_budget`) and what was wrong.
struct ValidationDetail: Sendable, Equatable {
    var field: String
    var message: String

    var json: JSONValue { ["field": .string(field), "message": .string(message)] }
}

/// An answer other than success, in the contract's shape:
/// `{"error": {"code": "...", "message": "...", "details": [{"field": "...", "message": "..."}]}}`.
struct APIError: Error, Sendable {
    var status: HTTPStatus
    var code: String
    var message: String
    var details: [ValidationDetail] = []
    var headers: HTTPHeaders = HTTPHeaders()

    var json: JSONValue {
        ["error": ["code": .string(code), "message": .string(message), "details": .array(details.map(\.json))]]
    }

    var reply: APIReply { APIReply(status: status, body: json, headers: headers) }

    static func validation(_ details: [ValidationDetail]) -> APIError {
        let count = details.count
        let message = count == 1 ? "1 field is invalid" : "\(count) fields are invalid"
        return APIError(status: .unprocessableContent, code: "validation_failed", message: message, details: details)
    }

    static func validation(field: String, _ message: String) -> APIError {
        validation([ValidationDetail(field: field, message: message)])
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, code: "not_found", message: message)
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, code: "bad_request", message: message)
    }

    static let unauthorized = APIError(
        status: .unauthorized, code: "unauthorized",
        message: "missing, invalid or revoked API key; send Authorization: Bearer <API key>")
}

/// A response before it is put on the wire: a status, a JSON body and extra headers.
struct APIReply: Sendable {
    var status: HTTPStatus
    var body: JSONValue
    var headers: HTTPHeaders = HTTPHeaders()

    /// `{"data": …}` with `status`.
    static func data(_ value: JSONValue, status: HTTPStatus = .ok) -> APIReply {
        APIReply(status: status, body: ["data": value])
    }

    /// `{"data": [...], "next_cursor": … | null}`.
    static func page(_ page: Page) -> APIReply {
        APIReply(
            status: .ok,
            body: ["data": .array(page.items), "next_cursor": page.nextCursor.map(JSONValue.string) ?? .null])
    }

    var response: HTTPResponse {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return HTTPResponse(status: status, headers: headers, body: body.jsonBytes)
    }
}
