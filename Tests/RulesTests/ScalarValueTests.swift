import Testing

@testable import Rules

@Suite struct ScalarValueTests {
    @Test(arguments: [
        ("90s", Duration.seconds(90)), ("5m", .seconds(300)), ("72h", .seconds(72 * 3600)),
        ("250ms", .milliseconds(250)), ("1h30m", .seconds(5400)), ("1m1s1ms", .milliseconds(61_001)),
        ("0s", .zero), ("1_000ms", .seconds(1)),
    ])
    func durations(text: String, expected: Duration) throws {
        #expect(try ConfigDuration(parsing: text).duration == expected)
    }

    @Test(arguments: ["", "30", "5 m", "1.5s", "-5s", "5x", "m", "5mss", "1d"])
    func badDurations(text: String) {
        #expect(throws: ScalarValueError(text: text, expected: "a duration such as 90s, 5m, 250ms or 1h30m")) {
            try ConfigDuration(parsing: text)
        }
    }

    @Test func durationErrorsSayWhy() {
        #expect(
            throws: ScalarValueError(
                text: "30m1h", expected: "a duration such as 90s, 5m, 250ms or 1h30m",
                reason: "units must go from largest to smallest, once each")
        ) { try ConfigDuration(parsing: "30m1h") }
        #expect(
            throws: ScalarValueError(
                text: "1s1s", expected: "a duration such as 90s, 5m, 250ms or 1h30m",
                reason: "units must go from largest to smallest, once each")
        ) { try ConfigDuration(parsing: "1s1s") }
        #expect(
            throws: ScalarValueError(
                text: "9999999999999999999h", expected: "a duration such as 90s, 5m, 250ms or 1h30m")
        ) {
            try ConfigDuration(parsing: "9999999999999999999h")
        }
        #expect(
            throws: ScalarValueError(
                text: "999999999999999h", expected: "a duration such as 90s, 5m, 250ms or 1h30m", reason: "too large")
        ) {
            try ConfigDuration(parsing: "999999999999999h")
        }
    }

    @Test func durationDescriptionIsTheConfigForm() {
        #expect(ConfigDuration(.seconds(5400)).description == "1h30m")
        #expect(ConfigDuration(.milliseconds(250)).description == "250ms")
        #expect(ConfigDuration(.zero).description == "0s")
    }

    @Test(arguments: [
        ("512", 512), ("512B", 512), ("64KiB", 65_536), ("1MiB", 1_048_576), ("1GiB", 1 << 30),
        ("2TiB", 2 << 40), ("64KB", 64_000), ("1MB", 1_000_000), ("3GB", 3_000_000_000), ("64 KiB", 65_536),
        ("0", 0),
    ])
    func byteSizes(text: String, expected: Int) throws {
        #expect(try ByteSize(parsing: text).bytes == expected)
    }

    @Test(arguments: ["", "KiB", "1.5MiB", "-1", "1kib", "1 K", "1MiBs", "1e6"])
    func badByteSizes(text: String) {
        #expect(throws: ScalarValueError(text: text, expected: "a size such as 512, 64KiB, 1MiB or 10MB")) {
            try ByteSize(parsing: text)
        }
    }

    @Test func byteSizeOverflowAndDescription() {
        #expect(
            throws: ScalarValueError(
                text: "9000000TiB", expected: "a size such as 512, 64KiB, 1MiB or 10MB", reason: "too large")
        ) {
            try ByteSize(parsing: "9000000TiB")
        }
        #expect(ByteSize(bytes: 65_536).description == "64KiB")
        #expect(ByteSize(bytes: 1000).description == "1000")
    }

    @Test(arguments: [
        ("10/min", 10, Duration.seconds(60)), ("20/s", 20, .seconds(1)), ("100/h", 100, .seconds(3600)),
        ("5/day", 5, .seconds(86_400)), ("3/second", 3, .seconds(1)),
    ])
    func rates(text: String, count: Int, interval: Duration) throws {
        #expect(try Rate(parsing: text) == Rate(count: count, interval: interval))
    }

    @Test(arguments: ["", "10", "10/", "/min", "10/m", "10/fortnight", "ten/min", "-1/s", "10/min/s"])
    func badRates(text: String) {
        #expect(throws: ScalarValueError(text: text, expected: "a rate such as 10/min, 20/s or 100/h")) {
            try Rate(parsing: text)
        }
    }

    @Test func zeroRateAndDescription() {
        #expect(
            throws: ScalarValueError(
                text: "0/s", expected: "a rate such as 10/min, 20/s or 100/h", reason: "a rate of zero admits nothing")
        ) {
            try Rate(parsing: "0/s")
        }
        #expect(Rate(count: 10, interval: .seconds(60)).description == "10/min")
    }

    private func node(_ yaml: String) throws -> YAMLNode {
        try #require(YAMLNode.parse("v: \(yaml)", file: "v.yaml")["v"])
    }

    private func message(_ body: () throws(ConfigError) -> some Any) -> String? {
        do throws(ConfigError) {
            _ = try body()
            return nil
        } catch {
            return error.description
        }
    }

    @Test func booleansAreOnlyTrueAndFalse() throws {
        #expect(try node("true").boolean(at: "v") == true)
        #expect(try node("false").boolean(at: "v") == false)
        #expect(try node("'true'").boolean(at: "v") == true)
        for text in ["yes", "on", "1", "True", "~"] {
            let value = try node(text)
            #expect(
                message { () throws(ConfigError) in try value.boolean(at: "a.b") }?
                    .hasPrefix("v.yaml:1:4: a.b: expected true or false, got ") == true)
        }
    }

    @Test func integers() throws {
        #expect(try node("42").integer(at: "v") == 42)
        #expect(try node("-7").integer(at: "v") == -7)
        #expect(try node("+7").integer(at: "v") == 7)
        #expect(try node("10_000").integer(at: "v") == 10_000)
        #expect(try node("\"12\"").integer(at: "v") == 12)
        for text in ["lots", "1.5", "0x10", "1__0", "_1", "1_", "~", "99999999999999999999", "[1]"] {
            let value = try node(text)
            #expect(
                message { () throws(ConfigError) in try value.integer(at: "x") }?
                    .hasPrefix("v.yaml:1:4: x: expected an integer, got ") == true, "\(text)")
        }
        let zero = try node("0")
        #expect(
            message { () throws(ConfigError) in try zero.positiveInteger(at: "x") }
                == "v.yaml:1:4: x: must be greater than zero, got 0")
    }

    @Test func typeErrorsHideSecrets() throws {
        let scalar = YAMLScalar(value: "hunter2", isPlain: true, isSecret: true)
        let value = YAMLNode(.scalar(scalar), at: SourceLocation(file: "v.yaml", line: 1, column: 4))
        #expect(
            message { () throws(ConfigError) in try value.integer(at: "x") }
                == "v.yaml:1:4: x: expected an integer, got an interpolated value (not shown)")
        #expect(
            message { () throws(ConfigError) in try value.positiveDuration(at: "x") }
                == "v.yaml:1:4: x: expected a duration such as 90s, 5m, 250ms or 1h30m, got an interpolated value (not shown)"
        )
    }

    @Test func rateNode() throws {
        #expect(try node("10/min").rate(at: "r") == Rate(count: 10, interval: .seconds(60)))
        let bad = try node("often")
        #expect(
            message { () throws(ConfigError) in try bad.rate(at: "r") }
                == "v.yaml:1:4: r: expected a rate such as 10/min, 20/s or 100/h, got 'often'")
    }
}
