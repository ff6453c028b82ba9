import Testing

@testable import Rules

@Suite struct SectionSettingsTests {
    @Test func defaults() throws {
        let config = try loadConfig("")
        #expect(config.teamopipe == TeamopipeSettings())
        #expect(config.teamopipe.baseURL == "https://api.teamopipe.com/api/v2")
        #expect(config.teamopipe.apiKey == nil)
        #expect(config.queue == QueueSettings())
        #expect(config.queue.retry.maxAttempts == 24)
        #expect(config.admin.token == nil)
    }

    @Test func everyKey() throws {
        var directory = TemporaryDirectory()
        defer { directory.remove() }
        directory.write("token.txt", "s3cret\n")
        let path = directory.write(
            "dealhook.yaml",
            """
            teamopipe:
              base_url: https://gw.example.com/api/v2/
              api_key: ${KEY}
              ca_file: /etc/ca.pem
              allow_insecure_http: true
              timeout: 5s
              rate_limit: 10/s
              cache_ttl: 1m
            queue:
              path: /var/lib/dealhook/queue.sqlite
              concurrency: 4
              max_pending: 500
              retain_delivered: 48h
              retry: {base: 1s, max_delay: 1h, max_attempts: 5, max_age: 24h, jitter: 0.1}
            admin:
              token: ${file:token.txt}
            """)
        let config = try DealhookConfig.load(file: path, environment: ["KEY": "tp_live_1234"])
        #expect(
            config.teamopipe
                == TeamopipeSettings(
                    baseURL: "https://gw.example.com/api/v2", apiKey: Secret("tp_live_1234"), caFile: "/etc/ca.pem",
                    allowInsecureHTTP: true, timeout: .seconds(5), rateLimit: Rate(count: 10, interval: .seconds(1)),
                    cacheTTL: .seconds(60)))
        #expect(
            config.queue
                == QueueSettings(
                    path: "/var/lib/dealhook/queue.sqlite", concurrency: 4, maxPending: 500,
                    retainDelivered: .seconds(48 * 3_600),
                    retry: RetryPolicy(
                        base: .seconds(1), maxDelay: .seconds(3_600), maxAttempts: 5, maxAge: .seconds(86_400),
                        jitter: 0.1)))
        #expect(config.admin.token == Secret("s3cret"))
    }

    @Test func environmentOverridesTheFile() throws {
        let config = try loadConfig(
            "teamopipe: {base_url: 'https://a.example', api_key: k1}\nqueue: {path: a.sqlite}\nadmin: {token: t1}\n",
            environment: [
                "TEAMOPIPE_BASE_URL": "http://127.0.0.1:9000/api/v2", "TEAMOPIPE_API_KEY": "k2",
                "DEALHOOK_QUEUE": "postgres://db/dealhook", "DEALHOOK_ADMIN_TOKEN": "t2",
            ])
        #expect(config.teamopipe.baseURL == "http://127.0.0.1:9000/api/v2")
        #expect(config.teamopipe.apiKey == Secret("k2"))
        #expect(config.queue.path == "postgres://db/dealhook")
        #expect(config.admin.token == Secret("t2"))
    }

    @Test func secretsAreRedactedInDescriptionsAndErrors() {
        #expect(Secret("tp_live_abcdef").description == "<redacted, 14 characters>")
        #expect(!"\(Secret("tp_live_abcdef"))".contains("abcdef"))
        let errors = configErrors("teamopipe:\n  base_url: ${URL}\n", environment: ["URL": "not-a-url-secret"])
        #expect(!errors.joined().contains("not-a-url-secret"))
        #expect(
            errors == [
                "dealhook.yaml:2:13: teamopipe.base_url: expected an http:// or https:// URL, got an interpolated value (not shown)"
            ])
    }

    @Test func wrongValuesAreAllReported() {
        let errors = configErrors(
            """
            teamopipe:
              base_url: ftp://x
              api_key: ""
              timeout: soon
              rate_limt: 5/s
            queue:
              concurrency: 0
              retry: {jitter: 2, max_attemps: 3}
            admin: {token: ""}
            """)
        #expect(
            errors == [
                "dealhook.yaml:2:13: teamopipe.base_url: expected an http:// or https:// URL, got 'ftp://x'",
                "dealhook.yaml:3:12: teamopipe.api_key: must not be empty",
                "dealhook.yaml:4:12: teamopipe.timeout: expected a duration such as 90s, 5m, 250ms or 1h30m, got 'soon'",
                "dealhook.yaml:5:3: unknown key 'rate_limt' in 'teamopipe' (did you mean 'rate_limit'?)",
                "dealhook.yaml:7:16: queue.concurrency: must be greater than zero, got 0",
                "dealhook.yaml:8:19: queue.retry.jitter: expected a number from 0 to 1, got '2'",
                "dealhook.yaml:8:22: unknown key 'max_attemps' in 'queue.retry' (did you mean 'max_attempts'?)",
                "dealhook.yaml:9:16: admin.token: must not be empty",
            ])
    }
}
