import Foundation
import HTTP
import JSON
import TestSupport
import Testing

/// The admin API of a running `dealhook serve --sandbox`, over real sockets, on the real queue file.
@Suite("Admin API", .serialized)
struct AdminAPITests {
    @Test func withoutATokenTheAdminAPIIsOffAndSaysHowToTurnItOn() throws {
        let directory = try AdminFixture.directory()
        let server = try AdminServer(
            config: try AdminFixture.write(AdminFixture.config(), as: "c.yaml", in: directory), token: nil)
        for (method, path) in [
            ("GET", "/admin/stats"), ("GET", "/admin/events"), ("POST", "/admin/events/retry"), ("GET", "/admin/x/y"),
        ] {
            let response = try server.admin(method, path)
            #expect(response.status.code == 404, "\(method) \(path)")
            #expect(response.headers["Content-Type"] == "application/problem+json")
            #expect(response.bodyText.contains("admin.token"))
            #expect(response.bodyText.contains("DEALHOOK_ADMIN_TOKEN"))
        }
        #expect(try server.http.execute(HTTPClientRequest(url: server.base + "/healthz")).status.code == 200)
    }

    @Test func aMissingOrWrongTokenIsRefusedWithABearerChallengeAndTheTokenIsNeverLogged() throws {
        let directory = try AdminFixture.directory()
        let server = try AdminServer(config: try AdminFixture.write(AdminFixture.config(), as: "c.yaml", in: directory))
        let missing = try server.admin("GET", "/admin/stats", token: "")
        #expect(missing.status.code == 401)
        #expect(missing.headers["WWW-Authenticate"]?.hasPrefix("Bearer") == true)
        #expect(missing.headers["Content-Type"] == "application/problem+json")
        let wrong = try server.admin("GET", "/admin/stats", token: "not-the-token")
        #expect(wrong.status.code == 401)
        #expect(wrong.headers["WWW-Authenticate"]?.contains(#"error="invalid_token""#) == true)
        let prefix = try server.admin("GET", "/admin/stats", token: String(AdminFixture.token.dropLast()))
        #expect(prefix.status.code == 401)
        let basic = try server.http.execute(
            HTTPClientRequest(url: server.base + "/admin/stats", headers: ["Authorization": "Basic YWRtaW46YWRtaW4="]))
        #expect(basic.status.code == 401)
        let unknownUnauthorized = try server.admin("DELETE", "/admin/events/01J00000000000000000000000", token: "")
        #expect(unknownUnauthorized.status.code == 401, "nothing is done or told without the token")

        let stats = try server.adminJSON("GET", "/admin/stats")
        #expect(stats["counts"]?["pending"] == 0)
        #expect(stats["counts"]?["dead"] == 0)
        #expect(stats["paused_routes"] == [])
        #expect(stats["oldest_pending_age_seconds"] == .null)
        let metrics = try server.http.execute(HTTPClientRequest(url: server.base + "/metrics")).bodyText
        #expect(metrics.contains(#"route="/admin/stats",method="GET",status="401""#), "labelled by template")
        server.stop()
        #expect(!server.process.standardError.contains(AdminFixture.token))
        #expect(!server.process.standardError.contains("not-the-token"))
    }

    @Test func aDeadLetterIsShownWithItsStoryRetriedAndThenReplannedWithFixedRules() throws {
        let directory = try AdminFixture.directory()
        let broken = try AdminFixture.write(AdminFixture.config(stage: "Qualified"), as: "broken.yaml", in: directory)
        let sandbox = try ExternalSandbox()
        var server = try AdminServer(config: broken, sandbox: sandbox)
        let id = try server.postForm("/forms/contact", "name=Ana&email=ana%40example.com")
        #expect(try server.wait { try server.count("dead") == 1 })

        let dead = try server.adminJSON("GET", "/admin/events?status=dead")
        #expect(dead["events"]?[0]?["id"]?.stringValue == id)
        #expect(dead["events"]?[0]?["dead_reason"]?.stringValue?.contains("no stage 'Qualified'") == true)
        #expect(dead["next"] == .null)
        let detail = try server.adminJSON("GET", "/admin/events/\(id)")
        #expect(detail["status"] == "dead")
        #expect(detail["route"] == "contact")
        #expect(detail["plan"]?["steps"]?[1]?["input"]?["stage"] == "Qualified")
        #expect(detail["steps"]?[0]?["status"] == "done")
        #expect(detail["steps"]?[0]?["result"]?["id"]?.stringValue?.isEmpty == false)
        #expect(detail["steps"]?[1]?["status"] == "pending")
        let attempt = try #require(detail["attempts"]?[0])
        #expect(attempt["error_class"] == "permanent")
        #expect(attempt["step_id"] == "deal")
        #expect(attempt["details"]?.stringValue?.contains("stages: Lead") == true)
        #expect(attempt["started_at"]?.stringValue?.hasSuffix("Z") == true)
        #expect(detail["request"]?["body"] == "name=Ana&email=ana%40example.com")
        #expect(detail["request"]?["headers"]?[0]?[0] == "content-type")

        // A plain retry runs the stored plan again: it fails the same way, and the story grows.
        let retried = try server.adminJSON("POST", "/admin/events/\(id)/retry")
        #expect(retried["status"] == "pending")
        #expect(retried["replanned"] == false)
        #expect(
            try server.wait { try server.adminJSON("GET", "/admin/events/\(id)")["attempts"]?.arrayValue?.count == 2 })
        #expect(try server.wait { try server.count("dead") == 1 })
        #expect(try server.admin("POST", "/admin/events/01J00000000000000000000000/retry").status.code == 404)
        #expect(try server.admin("GET", "/admin/events/not-an-id").status.code == 404)
        server.stop()

        // Fixed rules, same queue: the re-plan stores the new plan and delivers from the changed step.
        let fixed = try AdminFixture.write(AdminFixture.config(stage: "Lead"), as: "fixed.yaml", in: directory)
        server = try AdminServer(config: fixed, sandbox: sandbox)
        let replanned = try server.adminJSON("POST", "/admin/events/\(id)/retry?replan=true")
        #expect(replanned["replanned"] == true)
        #expect(replanned["kept_steps"] == 1)
        #expect(replanned["plan"]?["steps"]?[1]?["input"]?["stage"] == "Lead")
        #expect(try server.wait { try server.count("done") == 1 })
        let delivered = try server.adminJSON("GET", "/admin/events/\(id)")
        #expect(delivered["status"] == "done")
        #expect(delivered["steps"]?[1]?["status"] == "done")
        #expect(try server.sandboxObjects()["deals"] == 1)
        let again = try server.admin("POST", "/admin/events/\(id)/retry")
        #expect(again.status.code == 409, "a delivered event is not retried")
        #expect(again.headers["Content-Type"] == "application/problem+json")
    }

    @Test func bulkRetryPagingAndDiscard() throws {
        let directory = try AdminFixture.directory()
        let server = try AdminServer(
            config: try AdminFixture.write(AdminFixture.config(stage: "Nope"), as: "c.yaml", in: directory))
        var ids: [String] = []
        for name in ["Ana", "Ben", "Cleo"] {
            ids.append(try server.postForm("/forms/contact", "name=\(name)&email=\(name.lowercased())%40example.com"))
        }
        try server.postForm("/forms/callback", "email=dan%40example.com")
        #expect(try server.wait { try server.count("dead") == 3 && server.count("done") == 1 })

        // Pages of one, following `next`.
        var seen: [String] = []
        var path = "/admin/events?status=dead&route=contact&limit=1"
        while true {
            let page = try server.adminJSON("GET", path)
            seen += page["events"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            guard let next = page["next"]?.stringValue else { break }
            path = "/admin/events?status=dead&route=contact&limit=1&after=\(next)"
        }
        #expect(seen == ids)
        #expect(try server.adminJSON("GET", "/admin/events?route=callback")["events"]?[0]?["status"] == "done")
        #expect(try server.admin("GET", "/admin/events?status=lost").status.code == 400)
        #expect(try server.admin("GET", "/admin/events?limit=0").status.code == 400)
        #expect(try server.admin("POST", "/admin/events/retry?status=done").status.code == 400)

        let bulk = try server.adminJSON("POST", "/admin/events/retry?status=dead&route=contact")
        #expect(bulk["retried"] == 3)
        #expect(try server.adminJSON("POST", "/admin/events/retry?status=dead&route=callback")["retried"] == 0)
        #expect(
            try server.wait {
                try server.adminJSON("GET", "/admin/events/\(ids[2])")["attempts"]?.arrayValue?.count == 2
                    && server.count("dead") == 3
            })

        let discarded = try server.admin("DELETE", "/admin/events/\(ids[0])")
        #expect(discarded.status.code == 204)
        #expect(try server.admin("GET", "/admin/events/\(ids[0])").status.code == 404)
        #expect(try server.admin("DELETE", "/admin/events/\(ids[0])").status.code == 404)
        #expect(try server.count("dead") == 2)
    }

    @Test func aPausedRouteHoldsItsEventsAndResumingDeliversThemInOrder() throws {
        let directory = try AdminFixture.directory()
        let server = try AdminServer(config: try AdminFixture.write(AdminFixture.config(), as: "c.yaml", in: directory))
        #expect(try server.admin("POST", "/admin/routes/nope/pause").status.code == 404)
        let paused = try server.adminJSON("POST", "/admin/routes/contact/pause")
        #expect(paused["paused"] == true)
        #expect(try server.adminJSON("GET", "/admin/stats")["paused_routes"] == ["contact"])

        var ids: [String] = []
        for name in ["First", "Second", "Third"] {
            ids.append(try server.postForm("/forms/contact", "name=\(name)&email=same%40example.com"))
        }
        try server.postForm("/forms/callback", "email=other%40example.com")
        #expect(try server.wait { try server.count("done") == 1 }, "other routes go on")
        usleep(1_200_000)
        #expect(try server.count("pending") == 3, "intake goes on, the events are held")
        #expect(try server.sandboxObjects()["deals"] == 0)
        #expect(try server.adminJSON("GET", "/admin/events/\(ids[0])")["paused"] == true)
        #expect(try server.adminJSON("GET", "/admin/routes")["routes"]?[0]?["paused"] == true)

        // A path parameter is percent-decoded; a malformed escape matches no route.
        #expect(try server.admin("POST", "/admin/routes/c%6/resume").status.code == 404)
        #expect(try server.adminJSON("POST", "/admin/routes/c%6Fntact/resume")["paused"] == false)
        #expect(try server.wait { try server.count("done") == 4 })
        #expect(try server.sandboxObjects()["deals"] == 3)
        let finished = try ids.map { id in
            try server.adminJSON("GET", "/admin/events/\(id)")["finished_at"]?.stringValue ?? ""
        }
        #expect(finished == finished.sorted(), "delivered in arrival order: \(finished)")
        #expect(try server.adminJSON("GET", "/admin/stats")["paused_routes"] == [])
    }

    /// A pause is stored: a restart (a deploy, a crash) does not let the held events go.
    @Test func aPausedRouteStaysPausedAcrossARestart() throws {
        let directory = try AdminFixture.directory()
        let config = try AdminFixture.write(AdminFixture.config(), as: "c.yaml", in: directory)
        let sandbox = try ExternalSandbox()
        var server = try AdminServer(config: config, sandbox: sandbox)
        #expect(try server.adminJSON("POST", "/admin/routes/contact/pause")["paused"] == true)
        let held = try server.postForm("/forms/contact", "name=Held&email=held%40example.com")
        server.stop()

        server = try AdminServer(config: config, sandbox: sandbox)
        #expect(try server.adminJSON("GET", "/admin/stats")["paused_routes"] == ["contact"])
        try server.postForm("/forms/callback", "email=other%40example.com")
        #expect(try server.wait { try server.count("done") == 1 }, "other routes go on")
        usleep(1_200_000)
        #expect(try server.adminJSON("GET", "/admin/events/\(held)")["status"] == "pending")
        #expect(try server.sandboxObjects()["deals"] == 0)

        #expect(try server.adminJSON("POST", "/admin/routes/contact/resume")["paused"] == false)
        #expect(try server.wait { try server.count("done") == 2 })
        server.stop()
        server = try AdminServer(config: config, sandbox: sandbox)
        #expect(try server.adminJSON("GET", "/admin/stats")["paused_routes"] == [], "a resume is stored too")
    }
}
