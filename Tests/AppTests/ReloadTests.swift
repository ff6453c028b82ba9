import Foundation
import JSON
import Testing
import TestSupport

/// SIGHUP: `dealhook serve` reads its config again and applies routes and Teamopipe settings without a restart.
@Suite("Reload on SIGHUP", .serialized)
struct ReloadTests {
    typealias R = Resilience

    static let extraRoute = """

          - name: extra
            path: /forms/extra
            kind: form
            rules:
              - name: r
                actions:
                  - contact.upsert:
                      email: "{{ form.email | email | required }}"

        """

    @Test func aNewKeyAndANewRouteApplyAtOnceAndDeliveriesResume() throws {
        let workspace = try R.Workspace()
        let sandbox = try R.SandboxProcess(data: workspace.sandboxData)
        let path = try workspace.writeConfig()
        let directory = (path as NSString).deletingLastPathComponent
        let keyFile = directory + "/teamopipe-key.txt"
        try R.SandboxProcess.apiKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
        let original = try String(contentsOfFile: path, encoding: .utf8).replacingOccurrences(
            of: "  base_url: http://127.0.0.1:9/api/v2",
            with: "  base_url: \(sandbox.apiURL)\n  api_key: ${file:\(keyFile)}")
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let serve = try R.ServeProcess(config: path)
        #expect(try serve.get("/readyz").status == 200)
        #expect(try serve.postForm("/forms/extra", [("email", "x@example.com")]).status == 404)

        // The key is rotated at Teamopipe: deliveries pause, and the old key will never work again.
        try #require(try sandbox.control("DELETE", "/keys/\(R.SandboxProcess.apiKey)").status.code < 300)
        try #require(try sandbox.control("POST", "/keys", ["key": "rotated-key-2"]).status.code < 300)
        for index in 0..<3 {
            #expect(try serve.postForm("/forms/lead", [("email", "r\(index)@example.com")]).status == 202)
        }
        #expect(try R.eventually(within: .seconds(10)) { try serve.get("/readyz").status == 503 })
        usleep(300_000)
        #expect(try serve.queueCount("done") == 0, "nothing is delivered while the key is refused")
        #expect(try sandbox.count("contacts") == 0)

        // The operator puts the new key in place and reloads: deliveries resume at once, the new route answers.
        try "rotated-key-2".write(toFile: keyFile, atomically: true, encoding: .utf8)
        try (original + Self.extraRoute).write(toFile: path, atomically: true, encoding: .utf8)
        let reloaded = ContinuousClock.now
        serve.process.send(signal: SIGHUP)
        #expect(try R.eventually(within: .seconds(5)) { try serve.queueCount("done") == 3 })
        #expect(ContinuousClock.now - reloaded < .seconds(5))
        #expect(try serve.get("/readyz").status == 200)
        #expect(try serve.postForm("/forms/extra", [("email", "x@example.com")]).status == 202)
        #expect(try R.eventually(within: .seconds(5)) { try sandbox.count("contacts") == 4 })

        // A broken config on reload changes nothing: the running one stays.
        try "routes: [".write(toFile: path, atomically: true, encoding: .utf8)
        serve.process.send(signal: SIGHUP)
        usleep(300_000)
        #expect(try serve.postForm("/forms/extra", [("email", "y@example.com")]).status == 202)
        #expect(serve.process.standardError.contains("the config has problems; the running one stays"))
        #expect(serve.stop() == 0)
    }
}
