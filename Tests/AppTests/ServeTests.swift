import Foundation
import Testing
import TestSupport

/// `dealhook serve` run as a process, talked to over loopback.
@Suite("dealhook serve")
struct ServeTests {
    /// A config file in a fresh temporary directory.
    /// A config file in a fresh temporary directory, with the queue beside it (`QUEUE` in `text` is its path).
    static func writeConfig(
        _ text: String = "server:\n  listen: 127.0.0.1:0\n  shutdown_timeout: 5s\nqueue:\n  path: QUEUE\n"
    ) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dealhook-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("dealhook.yaml").path
        let queue = directory.appendingPathComponent("queue.sqlite").path
        try text.replacingOccurrences(of: "QUEUE", with: queue).write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func startServer() throws -> (DealhookProcess, UInt16) {
        let process = try DealhookProcess(["serve", "--config", try writeConfig(), "--sandbox", "--log-level", "debug"])
        return (process, try process.waitForListeningPort())
    }

    @Test func healthzReadyzAndMetrics() throws {
        let (process, port) = try Self.startServer()
        let client = try TestConnection(port: port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let health = try client.readResponse()
        #expect(health.status == 200)
        #expect(health.text == #"{"status":"ok"}"#)
        #expect(health.header("Content-Type") == "application/json")
        #expect(health.header("Date") != nil)

        try client.send("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n")
        let ready = try client.readResponse()
        #expect(ready.status == 200)
        let readyJSON = try JSONSerialization.jsonObject(with: Data(ready.body)) as? [String: Any]
        #expect(readyJSON?["status"] as? String == "ready")
        let checks = readyJSON?["checks"] as? [[String: Any]] ?? []
        #expect(Set(checks.compactMap { $0["name"] as? String }) == ["config", "listening", "queue", "teamopipe"])

        try client.send("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n")
        let metrics = try client.readResponse()
        #expect(metrics.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(metrics.text.contains(#"dealhook_http_requests_total{route="/healthz",method="GET",status="200"} 1"#))
        #expect(metrics.text.contains(#"dealhook_http_request_duration_seconds_bucket{route="/readyz",le="+Inf"} 1"#))
        #expect(metrics.text.contains("dealhook_http_open_connections 1"))
        process.send(signal: SIGTERM)
        #expect(process.waitForExit(seconds: 10) == 0)
    }

    @Test func unknownPathsAndWrongMethodsGetProblems() throws {
        let (process, port) = try Self.startServer()
        defer { withExtendedLifetime(process) {} }
        let client = try TestConnection(port: port)
        try client.send("GET /nope HTTP/1.1\r\nHost: t\r\n\r\n")
        let missing = try client.readResponse()
        #expect(missing.status == 404)
        #expect(missing.header("Content-Type") == "application/problem+json")
        let problem = try JSONSerialization.jsonObject(with: Data(missing.body)) as? [String: Any]
        #expect(problem?["status"] as? Int == 404)
        #expect(problem?["title"] as? String == "Not Found")

        try client.send("POST /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n")
        let wrongMethod = try client.readResponse()
        #expect(wrongMethod.status == 405)
        #expect(wrongMethod.header("Allow") == "GET, HEAD")
    }

    @Test func requestIDsAreEchoedOrGeneratedAndLogged() throws {
        let (process, port) = try Self.startServer()
        let client = try TestConnection(port: port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\nX-Request-Id: abc-123\r\n\r\n")
        #expect(try client.readResponse().header("X-Request-Id") == "abc-123")
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        let generated = try client.readResponse().header("X-Request-Id") ?? ""
        #expect(generated.count >= 16)
        #expect(generated != "abc-123")
        process.send(signal: SIGTERM)
        _ = process.waitForExit(seconds: 10)
        let lines = process.standardError.split(separator: "\n")
        let requestLines = lines.filter { $0.contains(#""msg":"request""#) }
        #expect(requestLines.contains { $0.contains(#""request.id":"abc-123""#) })
        #expect(requestLines.contains { $0.contains(#""request.id":"\#(generated)""#) })
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["ts"] != nil && object?["level"] != nil && object?["msg"] != nil)
        }
    }

    @Test func sigtermFinishesTheRequestInFlightAndExitsZero() throws {
        let (process, port) = try Self.startServer()
        let client = try TestConnection(port: port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n")  // head not complete yet: in flight
        usleep(100_000)
        process.send(signal: SIGTERM)
        usleep(300_000)
        #expect(process.process.isRunning, "must wait for the request in flight")
        try client.send("\r\n")
        let response = try client.readResponse()
        #expect(response.status == 200)
        #expect(response.header("Connection") == "close")
        #expect(process.waitForExit(seconds: 10) == 0)
    }

    @Test func aQuietLogLevelStillWaitsForTheSignal() throws {
        let process = try DealhookProcess(
            ["serve", "--config", try Self.writeConfig(), "--sandbox", "--log-level", "warning"])
        let port = try process.waitForListeningPort()
        usleep(300_000)
        #expect(process.process.isRunning, "serve must run until a signal, whatever the log level")
        let client = try TestConnection(port: port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
        process.send(signal: SIGTERM)
        #expect(process.waitForExit(seconds: 10) == 0)
    }

    @Test func listenFlagOverridesTheConfig() throws {
        let process = try DealhookProcess(["serve", "--config", try Self.writeConfig(), "--sandbox", "--listen", "[::1]:0"])
        let port = try process.waitForListeningPort()
        let client = try TestConnection(host: "::1", port: port)
        try client.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(try client.readResponse().status == 200)
    }
}
