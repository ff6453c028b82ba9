import Foundation
import Testing

@testable import Teamopipe

@Suite struct TeamopipeOutcomeTests {
    private func response(_ status: Int, _ body: String = "", headers: [String: String] = [:]) -> TeamopipeResponse {
        TeamopipeResponse(status: status, headers: headers, body: Array(body.utf8))
    }

    @Test func successReturnsTheDataMember() {
        #expect(TeamopipeOutcome.classify(response(201, #"{"data":{"id":"d1"}}"#), call: "POST /deals") == .success(["id": "d1"]))
    }

    @Test func validationErrorsArePermanentWithTheirDetails() {
        let body = #"{"error":{"code":"validation_failed","message":"invalid deal","details":[{"field":"stage_id","message":"unknown stage"}]}}"#
        let outcome = TeamopipeOutcome.classify(response(422, body), call: "POST /deals")
        let expected = TeamopipeFailure(
            status: 422, code: "validation_failed", message: "invalid deal", details: ["stage_id: unknown stage"],
            call: "POST /deals")
        #expect(outcome == .permanent(expected))
        #expect(expected.description == "POST /deals: 422 invalid deal (validation_failed); stage_id: unknown stage")
    }

    @Test(arguments: [400, 403, 404, 409, 422])
    func clientErrorsArePermanent(status: Int) {
        guard case .permanent = TeamopipeOutcome.classify(response(status), call: "x") else {
            Issue.record("\(status) should be permanent")
            return
        }
    }

    @Test(arguments: [408, 425, 429, 500, 502, 503, 504])
    func transientStatusesAreRetriedWithRetryAfter(status: Int) {
        let outcome = TeamopipeOutcome.classify(response(status, headers: ["retry-after": "7"]), call: "x")
        guard case .transient(_, let retryAfter) = outcome else {
            Issue.record("\(status) should be transient")
            return
        }
        #expect(retryAfter == .seconds(7))
    }

    @Test func unauthorizedIsAnAuthFailure() {
        guard case .authFailure(let failure) = TeamopipeOutcome.classify(response(401), call: "GET /members") else {
            Issue.record("401 should be an auth failure")
            return
        }
        #expect(failure.status == 401)
    }

    @Test func transportErrorsAreTransientUnlessPermanent() {
        let reset = TeamopipeTransportError(message: "connection reset", requestSent: true)
        #expect(TeamopipeOutcome.classify(reset, call: "x") == .transient(TeamopipeFailure(message: "connection reset", call: "x"), retryAfter: nil))
        let invalid = TeamopipeTransportError(message: "bad URL", requestSent: false, isPermanent: true)
        #expect(TeamopipeOutcome.classify(invalid, call: "x") == .permanent(TeamopipeFailure(message: "bad URL", call: "x")))
    }

    @Test func retryAfterReadsSecondsAndHTTPDates() {
        let now = Date(timeIntervalSince1970: 1_767_225_600)  // Thu, 01 Jan 2026 00:00:00 GMT
        #expect(RetryAfter.parse("120", now: now) == .seconds(120))
        #expect(RetryAfter.parse("Thu, 01 Jan 2026 00:00:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Wed, 31 Dec 2025 23:00:00 GMT", now: now) == .seconds(0))
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-5", now: now) == nil)
    }
}
