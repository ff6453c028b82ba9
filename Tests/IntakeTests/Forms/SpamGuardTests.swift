import HTTP
import Intake
import JSON
import Rules
import Testing

let formSecret = Secret("s3cret-for-forms")

func context(_ address: String = "203.0.113.7", at nanoseconds: UInt64 = 1_000_000_000) -> HTTPRequestContext {
    HTTPRequestContext(remoteAddress: address, receivedAt: nanoseconds)
}

@Suite struct SpamGuardTests {
    private let now = 1_767_225_600

    @Test func honeypotFilledIsSpam() {
        let guards = FormGuard(settings: FormSettings(honeypot: "_gotcha"), client: nil)
        #expect(
            guards.check(form: ["name": "Ana", "_gotcha": ""], head: formHead(), context: context(), now: now) == .pass)
        #expect(guards.check(form: ["name": "Ana"], head: formHead(), context: context(), now: now) == .pass)
        #expect(
            guards.check(form: ["_gotcha": "http://spam.example"], head: formHead(), context: context(), now: now)
                == .spam(.honeypot))
        #expect(
            guards.check(form: ["_gotcha": ["", "x"]], head: formHead(), context: context(), now: now)
                == .spam(.honeypot))
    }

    @Test func fillTimeTokens() {
        let fillTime = FormSettings.FillTime(minimum: .seconds(3), secret: formSecret, maxAge: .seconds(3600))
        let guards = FormGuard(settings: FormSettings(fillTime: fillTime), client: nil)
        func verdict(_ value: JSONValue?) -> FormVerdict {
            var form: [String: JSONValue] = ["name": "Ana"]
            form["_ts"] = value
            return guards.check(form: .object(form), head: formHead(), context: context(), now: now)
        }
        let token = FillTimeToken.issue(secret: formSecret, at: now - 3)
        #expect(token.hasPrefix("\(now - 3)."))
        #expect(token.count == "\(now)".count + 1 + 64)
        #expect(verdict(.string(token)) == .pass)
        #expect(verdict(.string(FillTimeToken.issue(secret: formSecret, at: now - 3600))) == .pass)
        #expect(verdict(.string(FillTimeToken.issue(secret: formSecret, at: now - 2))) == .spam(.fillTimeTooFast))
        #expect(verdict(.string(FillTimeToken.issue(secret: formSecret, at: now + 60))) == .spam(.fillTimeTooFast))
        #expect(verdict(.string(FillTimeToken.issue(secret: formSecret, at: now - 3601))) == .spam(.fillTimeExpired))
        #expect(verdict(nil) == .spam(.fillTimeMissing))
        #expect(verdict("") == .spam(.fillTimeMissing))
        #expect(verdict(.null) == .spam(.fillTimeMissing))
        #expect(verdict(.string(FillTimeToken.issue(secret: Secret("other"), at: now - 10))) == .spam(.fillTimeForged))
        let forgedTime = token.replacingOccurrences(of: "\(now - 3).", with: "\(now - 30).")
        #expect(verdict(.string(forgedTime)) == .spam(.fillTimeForged))
        for garbage in [
            "\(now - 10)", "\(now - 10).", ".abc", "x.y", "-5.\(String(repeating: "0", count: 64))",
            "99999999999999999999.\(String(repeating: "0", count: 64))", token + "0",
        ] {
            #expect(verdict(.string(garbage)) == .spam(.fillTimeForged), "\(garbage)")
        }
        #expect(verdict([.string(token), .string(token)]) == .spam(.fillTimeForged))
        #expect(verdict(.string(token.uppercased())) == .pass)  // hex in either case
    }

    @Test func rateLimitPerClientIP() {
        let guards = FormGuard(
            settings: FormSettings(rateLimit: .init(rate: Rate(count: 3, interval: .seconds(60)))), client: nil)
        let second: UInt64 = 1_000_000_000
        func verdict(_ ip: String, at seconds: UInt64) -> FormVerdict {
            guards.check(form: [:], head: formHead(), context: context(ip, at: seconds * second), now: now)
        }
        #expect((0..<3).map { verdict("198.51.100.1", at: 10 + $0) } == [.pass, .pass, .pass])
        #expect(verdict("198.51.100.1", at: 13) == .spam(.rateLimited))
        #expect(verdict("198.51.100.2", at: 13) == .pass)  // another IP still passes
        #expect(verdict("198.51.100.1", at: 31) == .pass)  // one token back after 20 s (3 per minute)
        #expect(verdict("198.51.100.1", at: 32) == .spam(.rateLimited))
        // IPv6 clients are counted by their /64.
        #expect((0..<3).map { verdict("2001:db8:1:2::\($0 + 1)", at: 40) } == [.pass, .pass, .pass])
        #expect(verdict("2001:db8:1:2:ffff::9", at: 40) == .spam(.rateLimited))
        #expect(verdict("2001:db8:1:3::1", at: 40) == .pass)
    }

    @Test func rateLimitMemoryIsBounded() {
        var buckets = TokenBuckets(rate: Rate(count: 1, interval: .seconds(3600)), maxClients: 100)
        let first = buckets.admit("abuser", now: 0)
        let second = buckets.admit("abuser", now: 1)
        #expect(first && !second)
        for index in 0..<10_000 {
            _ = buckets.admit("10.0.\(index / 256).\(index % 256)", now: 2)
            #expect(buckets.count <= 100)
        }
        // Forgotten after two generations without a post: a full bucket again.
        let again = buckets.admit("abuser", now: 3)
        #expect(again)
        // A client seen often is kept across generations.
        var kept = TokenBuckets(rate: Rate(count: 1, interval: .seconds(3600)), maxClients: 10)
        var admitted = [kept.admit("regular", now: 0)]
        for index in 0..<100 {
            _ = kept.admit("c\(index)", now: 1)
            if index % 3 == 0 { admitted.append(kept.admit("regular", now: 1)) }
        }
        #expect(admitted == [true] + Array(repeating: false, count: 34))
    }

    @Test func forwardedForIsTrustedOnlyFromProxies() throws {
        let proxies = ["10.0.0.0/8", "::1", "fd00::/8"].compactMap(FormSettings.ProxyRange.init(parsing:))
        #expect(proxies.count == 3)
        func client(_ peer: String, _ forwarded: [String]) -> String {
            ClientAddress.resolve(peer: peer, forwardedFor: forwarded, trustedProxies: proxies)
        }
        #expect(client("203.0.113.9", ["198.51.100.1"]) == "203.0.113.9")  // not a proxy: the header is a lie
        #expect(client("10.1.2.3", ["198.51.100.1"]) == "198.51.100.1")
        #expect(client("10.1.2.3", ["1.1.1.1, 198.51.100.1, 10.9.9.9"]) == "198.51.100.1")  // right-most untrusted
        #expect(client("10.1.2.3", ["1.1.1.1", "198.51.100.1, 10.9.9.9"]) == "198.51.100.1")  // several fields
        #expect(client("10.1.2.3", ["10.0.0.5, 10.0.0.6"]) == "10.0.0.5")  // all trusted: the left-most
        #expect(client("10.1.2.3", []) == "10.1.2.3")
        #expect(client("10.1.2.3", ["garbage, 10.0.0.7"]) == "10.0.0.7")
        #expect(client("::1", ["198.51.100.1:5555"]) == "198.51.100.1")
        #expect(client("::ffff:10.0.0.1", ["[2001:db8::5]:443"]) == "2001:db8::5")  // mapped IPv4 peer
        #expect(client("fd12::1", ["2001:db8::7"]) == "2001:db8::7")

        let head = formHead(["X-Forwarded-For": "198.51.100.1"])
        let guards = FormGuard(
            settings: FormSettings(
                rateLimit: .init(rate: Rate(count: 1, interval: .seconds(60))), trustedProxies: proxies),
            client: nil)
        #expect(guards.clientAddress(head: head, context: context("10.0.0.2")) == "198.51.100.1")
        #expect(guards.check(form: [:], head: head, context: context("10.0.0.2"), now: now) == .pass)
        #expect(guards.check(form: [:], head: head, context: context("10.0.0.3"), now: now) == .spam(.rateLimited))
        // The same header from an untrusted peer does not make it that client.
        #expect(guards.check(form: [:], head: head, context: context("203.0.113.50"), now: now) == .pass)
    }

    @Test func proxyRanges() throws {
        let range = try #require(FormSettings.ProxyRange(parsing: "192.168.0.0/23"))
        #expect(range.contains("192.168.1.255"))
        #expect(!range.contains("192.168.2.0"))
        #expect(!range.contains("::1"))
        #expect(try #require(FormSettings.ProxyRange(parsing: "0.0.0.0/0")).contains("8.8.8.8"))
        for bad in ["10.0.0.0/33", "10.0.0/8", "fd00::/129", "host", "10.0.0.0/-1", "10.0.0.0/+8", ""] {
            #expect(FormSettings.ProxyRange(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func guardsRunCheapestFirst() {
        let settings = FormSettings(
            honeypot: "_gotcha", fillTime: .init(minimum: .seconds(3), secret: formSecret),
            rateLimit: .init(rate: Rate(count: 1, interval: .seconds(60))),
            captcha: .init(provider: .turnstile, secret: Secret("c"), verifyURL: "http://127.0.0.1:1/"))
        let guards = FormGuard(settings: settings, client: nil)
        #expect(
            guards.check(form: ["_gotcha": "x"], head: formHead(), context: context(), now: now) == .spam(.honeypot))
        #expect(guards.check(form: [:], head: formHead(), context: context(), now: now) == .spam(.fillTimeMissing))
        let ts = JSONValue.string(FillTimeToken.issue(secret: formSecret, at: now - 10))
        #expect(
            guards.check(form: ["_ts": ts], head: formHead(), context: context(), now: now) == .spam(.captchaMissing))
        #expect(guards.check(form: ["_ts": ts], head: formHead(), context: context(), now: now) == .spam(.rateLimited))
    }

    @Test func reasonLabelsAreDistinctMetricLabels() {
        let labels = SpamReason.all.map(\.label)
        #expect(Set(labels).count == labels.count)
        #expect(labels.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "_" } })
    }
}
