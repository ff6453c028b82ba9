import Testing

@testable import Rules

@Suite struct ServerSettingsTests {
    @Test func defaultsWhenTheSectionIsMissingOrEmpty() throws {
        let expected = ServerSettings(
            listen: ["127.0.0.1:8080"], maxConnections: 10_000, headerTimeout: .seconds(10), idleTimeout: .seconds(60),
            bodyTimeout: .seconds(30), shutdownTimeout: .seconds(15), maxBodySize: 1_048_576,
            maxInflatedBodySize: 4_194_304, maxRequestLine: 8_192, maxHeaderSize: 65_536, maxHeaderCount: 100)
        #expect(try loadConfig("").server == expected)
        #expect(try loadConfig("server:\n").server == expected)
        #expect(try loadConfig("server: {}\n").server == expected)
        #expect(try loadConfig("{}").server == expected)
    }

    @Test func everyKey() throws {
        let config = try loadConfig(
            """
            server:
              listen: ["0.0.0.0:80", "[::]:80"]
              max_connections: 2_000
              header_timeout: 5s
              idle_timeout: 2m
              body_timeout: 1m30s
              shutdown_timeout: 500ms
              max_body_size: 2MiB
              max_inflated_body_size: 10MB
              max_request_line: 4KiB
              max_header_size: 32768
              max_header_count: 50
            """)
        #expect(
            config.server
                == ServerSettings(
                    listen: ["0.0.0.0:80", "[::]:80"], maxConnections: 2_000, headerTimeout: .seconds(5),
                    idleTimeout: .seconds(120), bodyTimeout: .seconds(90), shutdownTimeout: .milliseconds(500),
                    maxBodySize: 2 << 20, maxInflatedBodySize: 10_000_000, maxRequestLine: 4_096,
                    maxHeaderSize: 32_768, maxHeaderCount: 50))
    }

    @Test func listenMayBeOneString() throws {
        #expect(try loadConfig("server:\n  listen: 0.0.0.0:9000\n").server.listen == ["0.0.0.0:9000"])
    }

    @Test func jsonConfig() throws {
        let config = try loadConfig(#"{"server": {"listen": "[::1]:81", "idle_timeout": "5s"}, "routes": []}"#)
        #expect(config.server.listen == ["[::1]:81"])
        #expect(config.server.idleTimeout == .seconds(5))
        #expect(config.routes.isEmpty)
    }

    @Test func unknownKeySuggestsTheNearestKnownOne() {
        #expect(
            configErrors("server:\n  listn: 0.0.0.0:80\n") == [
                "dealhook.yaml:2:3: unknown key 'listn' in 'server' (did you mean 'listen'?)"
            ])
        #expect(
            configErrors("server:\n  max_conections: 5\n  header_timout: 1s\n") == [
                "dealhook.yaml:2:3: unknown key 'max_conections' in 'server' (did you mean 'max_connections'?)",
                "dealhook.yaml:3:3: unknown key 'header_timout' in 'server' (did you mean 'header_timeout'?)",
            ])
    }

    @Test func unknownKeyFarFromAnyListsTheKnownKeys() {
        let errors = configErrors("server:\n  port: 80\n")
        #expect(errors.count == 1)
        #expect(
            errors.first?.hasPrefix("dealhook.yaml:2:3: unknown key 'port' in 'server' (known keys: listen, ") == true)
    }

    @Test func topLevelKeys() throws {
        let config = try loadConfig("teamopipe: {api_key: x}\nqueue: {}\nadmin: {}\nroutes: []\n")
        #expect(config.teamopipe.apiKey?.value == "x")
        #expect(
            configErrors("sever: {}\n") == [
                "dealhook.yaml:1:1: unknown key 'sever' at the top level (did you mean 'server'?)"
            ])
        #expect(configErrors("- a\n") == ["dealhook.yaml:1:1: the top level must be a mapping, got a list"])
    }

    @Test func wrongTypesNameTheKeyPathAndTheExpectedType() {
        #expect(
            configErrors("server:\n  max_connections: lots\n") == [
                "dealhook.yaml:2:20: server.max_connections: expected an integer, got 'lots'"
            ])
        #expect(
            configErrors("server:\n  listen: {a: 1}\n") == [
                "dealhook.yaml:2:11: server.listen: expected a string or a list of strings, got a mapping"
            ])
        #expect(
            configErrors("server:\n  listen: []\n") == [
                "dealhook.yaml:2:11: server.listen: expected at least one string, got an empty list"
            ])
        #expect(
            configErrors("server:\n  idle_timeout:\n") == [
                "dealhook.yaml:2:16: server.idle_timeout: expected a duration, got null"
            ])
        #expect(
            configErrors("server:\n  max_body_size: 1 meg\n") == [
                "dealhook.yaml:2:18: server.max_body_size: expected a size such as 512, 64KiB, 1MiB or 10MB, got '1 meg'"
            ])
        #expect(configErrors("server: 8080\n") == ["dealhook.yaml:1:9: server: expected a mapping, got '8080'"])
    }

    @Test func valuesThatMustBePositive() {
        #expect(
            configErrors(
                "server:\n  max_connections: 0\n  body_timeout: 0s\n  max_header_size: 0KiB\n  max_header_count: -1\n")
                == [
                    "dealhook.yaml:2:20: server.max_connections: must be greater than zero, got 0",
                    "dealhook.yaml:3:17: server.body_timeout: must be greater than zero, got 0s",
                    "dealhook.yaml:4:20: server.max_header_size: must be greater than zero, got 0",
                    "dealhook.yaml:5:21: server.max_header_count: must be greater than zero, got -1",
                ])
    }

    @Test func threeDifferentErrorsAreAllReportedWithTheirPositions() {
        let text = """
            server:
              listn: 0.0.0.0:80
              max_connections: lots
              header_timeout: ${HEADER_TIMEOUT}
            routes: []
            """
        #expect(
            configErrors(text) == [
                "dealhook.yaml:2:3: unknown key 'listn' in 'server' (did you mean 'listen'?)",
                "dealhook.yaml:3:20: server.max_connections: expected an integer, got 'lots'",
                "dealhook.yaml:4:19: environment variable 'HEADER_TIMEOUT' is not set (set it, or write ${HEADER_TIMEOUT:-default})",
            ])
    }

    @Test func parseProblemsAndCheckProblemsAreReportedTogether() {
        #expect(
            configErrors("server:\n  max_connections: 1\n  max_connections: x\n  idle_timeout: *none\nextra: 1\n") == [
                "dealhook.yaml:3:3: duplicate key 'max_connections' (first at line 2, column 3)",
                "dealhook.yaml:4:17: alias '*none' names no anchor before it",
                "dealhook.yaml:5:1: unknown key 'extra' at the top level (known keys: server, teamopipe, queue, admin, routes)",
            ])
    }

    @Test func interpolatedValuesAreRead() throws {
        let config = try loadConfig(
            "server:\n  listen: ${ADDR:-0.0.0.0:80}\n  max_connections: ${MAX}\n", environment: ["MAX": "64"])
        #expect(config.server.listen == ["0.0.0.0:80"])
        #expect(config.server.maxConnections == 64)
    }

    @Test func listenEnvironmentVariableOverridesTheFile() throws {
        let text = "server:\n  listen: 127.0.0.1:1\n"
        #expect(try loadConfig(text, environment: ["DEALHOOK_LISTEN": "0.0.0.0:80"]).server.listen == ["0.0.0.0:80"])
        #expect(
            try loadConfig(text, environment: ["DEALHOOK_LISTEN": " 0.0.0.0:80, [::]:80 ,"]).server.listen
                == ["0.0.0.0:80", "[::]:80"])
        #expect(try loadConfig("", environment: ["DEALHOOK_LISTEN": "10.0.0.1:8"]).server.listen == ["10.0.0.1:8"])
        #expect(
            try loadConfig("server:\n  listen: ${UNSET:-1.2.3.4:5}\n", environment: ["DEALHOOK_LISTEN": "[::]:1"])
                .server.listen == ["[::]:1"])
        #expect(
            configErrors(text, environment: ["DEALHOOK_LISTEN": " , "]) == [
                "DEALHOOK_LISTEN is set but names no address"
            ])
    }

    @Test func unreadableConfigFile() {
        #expect(throws: ConfigDiagnostics.self) {
            try DealhookConfig.load(file: "/nonexistent/dealhook.yaml", environment: [:])
        }
    }
}
