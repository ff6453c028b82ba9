import Foundation
import JSON
import Testing

@testable import Rules

@Suite struct TemplateTimeTests {
    @Test(arguments: [
        ("2026-12-04T15:27:57Z", Int64?(1_796_398_077)), ("2026-12-04t15:27:57z", 1_796_398_077),
        ("2026-12-04 15:27:57", 1_796_398_077), ("2026-12-04T16:27:57.999+01:00", 1_796_398_077),
        ("2026-12-04T10:57:57-0430", 1_796_398_077), ("2026-12-04T15:27Z", 1_796_398_020),
        ("2026-12-04", 1_796_342_400), ("1970-01-01T00:00:00Z", 0), ("1969-12-31T23:59:59Z", -1),
        ("2024-02-29", 1_709_164_800), ("2016-12-31T23:59:60Z", 1_483_228_799),
        ("2023-02-29", nil), ("2026-13-01", nil), ("2026-12-04T24:00:00Z", nil), ("2026-12-04T15:27:57", 1_796_398_077),
        ("2026-12-04T15:27:57+25:00", nil), ("2026-12-04T15:27:57Zjunk", nil), ("26-12-04", nil), ("", nil),
        ("2026-12-04T15:27:57.Z", nil), ("tomorrow", nil), ("0000-01-01", nil),
    ])
    func parse(text: String, expected: Int64?) {
        #expect(TemplateTime.parse(text) == expected)
    }

    @Test func formatRoundTrips() {
        for seconds: Int64 in [0, -1, 1_796_398_077, 951_782_400, -62_135_596_800, 253_402_300_799] {
            let text = TemplateTime.format(unixSeconds: seconds)
            #expect(text.flatMap(TemplateTime.parse) == seconds, "\(seconds)")
        }
        #expect(TemplateTime.format(unixSeconds: 1_796_398_077) == "2026-12-04T15:27:57Z")
        #expect(TemplateTime.format(unixSeconds: -62_135_596_801) == nil)
        #expect(TemplateTime.format(unixSeconds: 253_402_300_800) == nil)
    }

    @Test(arguments: [
        ("%Y-%m-%d", "2026-12-04"), ("%H:%M:%S", "15:27:57"), ("%j", "338"), ("%a %A", "Fri Friday"),
        ("%b %B %h", "Dec December Dec"), ("[%e]", "[ 4]"), ("%Z %z", "UTC +0000"), ("%I%p", "03PM"),
        ("%y", "26"), ("%u %w", "5 5"), ("%F %T", "2026-12-04 15:27:57"), ("%R", "15:27"), ("%s", "1796398077"),
        ("100%% on %d/%m", "100% on 04/12"), ("no directives", "no directives"),
    ])
    func dateFormat(format: String, expected: String) throws {
        #expect(try evaluate("now | date('\(format)')") == .string(expected))
    }

    /// Formats reach `format` unchecked when they come from data: other text, non-ASCII included, is copied
    /// as it is, and so are unknown directives and a lone `%` at the end.
    @Test func formatCopiesWhatIsNotADirective() {
        #expect(TemplateTime.format(1_796_398_077, "été %Y — %Q %é 5%") == "été 2026 — %Q %é 5%")
        #expect(TemplateTime.format(1_796_398_077, "%Y%") == "2026%")
        #expect(TemplateTime.format(-62_135_596_800, "%Y-%m-%d %j %e") == "0001-01-01 001  1")
        #expect(TemplateTime.format(0, "%s|%H%M%S") == "0|000000")
    }

    @Test func dateInputs() throws {
        #expect(try evaluate("body.created | date('%F')") == "2026-12-04")
        #expect(try evaluate("'1796398077' | date('%F')") == "2026-12-04")
        #expect(try evaluate("'2024-02-29' | date('%j %a')") == "060 Thu")
        #expect(try evaluate("'2024-12-31T12:00:00Z' | date('%j')") == "366")
        #expect(try evaluate("'2026-12-04T01:00:00+02:00' | date('%F %H')") == "2026-12-03 23")
        #expect(try evaluate("0 | date('%I %p')") == "12 AM")
        #expect(try evaluate("-1 | date('%F %T')") == "1969-12-31 23:59:59")
        #expect(try evaluate("'not a date' | date('%F')") == nil)
        #expect(try evaluate("form.missing | date('%F')") == nil)
        #expect(try evaluate("1e300 | date('%F')") == nil)
        #expect(try evaluate("body.paid | date('%F')") == nil)
        #expect(try evaluate("now | date(form.missing)") == nil)
        // A format from data: unknown directives are written as they are.
        #expect(try evaluate("now | date(form.f)", TemplateContext(form: ["f": "%Q %Y"], now: sampleNow)) == "%Q 2026")
    }

    @Test(arguments: [
        ("now | add_days(1)", JSONValue.string("2026-12-05T15:27:57Z")), ("now | add_days(-4)", "2026-11-30T15:27:57Z"),
        ("now | add_days(27)", "2026-12-31T15:27:57Z"), ("now | add_days(28)", "2027-01-01T15:27:57Z"),
        ("'2024-02-28' | add_days(1)", "2024-02-29T00:00:00Z"), ("now | add_hours(9)", "2026-12-05T00:27:57Z"),
        ("now | add_hours(-16)", "2026-12-03T23:27:57Z"), ("now | add_days(1.5)", nil),
        ("now | add_days(form.name)", nil),
        ("'9999-12-31' | add_days(1)", nil), ("now | add_days(100001)", nil), ("form.missing | add_days(1)", nil),
        // 2026-12-04 is a Friday.
        ("now | add_working_days(1)", "2026-12-07T15:27:57Z"), ("now | add_working_days(0)", "2026-12-04T15:27:57Z"),
        ("now | add_working_days(5)", "2026-12-11T15:27:57Z"), ("now | add_working_days(6)", "2026-12-14T15:27:57Z"),
        ("now | add_working_days(10)", "2026-12-18T15:27:57Z"), ("now | add_working_days(-1)", "2026-12-03T15:27:57Z"),
        ("now | add_working_days(-5)", "2026-11-27T15:27:57Z"),
        ("'2026-12-05T09:00:00Z' | add_working_days(1)", "2026-12-07T09:00:00Z"),
        ("'2026-12-06T09:00:00Z' | add_working_days(1)", "2026-12-07T09:00:00Z"),
        ("'2026-12-06T09:00:00Z' | add_working_days(5)", "2026-12-11T09:00:00Z"),
        ("'2026-12-06T09:00:00Z' | add_working_days(6)", "2026-12-14T09:00:00Z"),
        ("'2026-12-05T09:00:00Z' | add_working_days(-1)", "2026-12-04T09:00:00Z"),
        ("'2026-12-07T09:00:00Z' | add_working_days(-1)", "2026-12-04T09:00:00Z"),
        ("now | add_working_days(260)", "2027-12-03T15:27:57Z"),
    ])
    func dateArithmetic(text: String, expected: JSONValue) throws {
        #expect(try evaluate(text) == expected)
    }

    /// `now` and the `add_*` filters hand their time to the next time filter as a number: the same values as
    /// through their text (`now | string` is read back from text), errors and nulls included.
    @Test(arguments: [
        "now | date('%F %T')", "now | add_working_days(1) | date('%Y-%m-%d')", "now | add_days(-3) | add_hours(5)",
        "now | add_hours(30) | add_working_days(-2) | date('%a %j')", "now | add_days(100001) | date('%F')",
        "now | add_days(form.name)", "now | add_working_days(2)",
    ])
    func timeChainsGiveWhatTheirTextGives(text: String) throws {
        let throughText = text.replacingOccurrences(of: "now", with: "(now | string)")
        #expect(try evaluate(text) == evaluate(throughText))
        for now: Int64 in [-62_135_596_800, 253_402_300_799, 253_402_300_800, -62_135_596_801] {
            let context = TemplateContext(form: ["name": "x"], now: now)
            #expect(try evaluate(text, context) == evaluate(throughText, context), "now \(now)")
        }
    }

    @Test func aTimeFilterStillEvaluatesItsArgumentWhenItsInputIsNoTime() {
        #expect(throws: TemplateEvaluationError.self) { try evaluate("form.missing | add_days(form.none | required)") }
        #expect(throws: TemplateEvaluationError.self) { try evaluate("form.missing | date(form.none | required)") }
    }

    @Test func workingDaysAgreeWithCountingDayByDay() {
        // Start on each day of a week and move by up to 30 working days either way.
        for start in Int64(0)..<7 {
            let seconds = (20_000 + start) * 86_400 + 3_600
            for count in -30...30 {
                var day = seconds / 86_400
                var remaining = abs(count)
                while remaining > 0 {
                    day += count < 0 ? -1 : 1
                    let weekday = (day % 7 + 11) % 7
                    if weekday != 0 && weekday != 6 { remaining -= 1 }
                }
                #expect(TemplateTime.adding(workingDays: count, to: seconds) == day * 86_400 + 3_600)
            }
        }
    }

    @Test func nowBasedValuesAreDeterministic() throws {
        let template = try Template(
            parsing: "Follow up {{ event.received_at | add_working_days(1) | date('%a %F') }} ({{ now }})",
            at: templateLocation)
        let first = try template.evaluate(in: sampleContext)
        let second = try template.evaluate(in: sampleContext)
        #expect(first == "Follow up Mon 2026-12-07 (2026-12-04T15:27:57Z)")
        #expect(first == second)
        var later = sampleContext
        later.now += 86_400
        #expect(try render("{{ now | add_days(1) }}", later) == "2026-12-06T15:27:57Z")
    }
}
