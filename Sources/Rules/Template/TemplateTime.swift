import JSON

/// The dates of the template language: RFC 3339 UTC text (`2026-12-04T15:27:57Z`) over whole Unix seconds,
/// years 1 to 9999, on the proleptic Gregorian calendar.
public enum TemplateTime {
    private static let secondsPerDay: Int64 = 86_400
    /// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
    static let range: ClosedRange<Int64> = -62_135_596_800...253_402_300_799

    private static let weekdayNames = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
    private static let monthNames = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]
    /// The directives `date(format)` understands, after `%`.
    static let directives: Set<Character> = [
        "Y", "y", "m", "d", "e", "H", "I", "M", "S", "p", "j", "a", "A", "b", "B", "h", "u", "w", "Z", "z", "F", "T",
        "R", "s", "%",
    ]

    /// The RFC 3339 UTC text of a time (`2026-12-04T15:27:57Z`); nil outside years 1 to 9999.
    public static func format(unixSeconds: Int64) -> String? {
        format(unixSeconds, "%Y-%m-%dT%H:%M:%SZ")
    }

    /// The time written as RFC 3339 (`2026-12-04T15:27:57Z`, `2026-12-04T16:27:57.250+01:00`) or as an ISO
    /// date (`2026-12-04`, midnight UTC), in whole seconds (a fraction is dropped); nil for anything else.
    ///
    /// `T` may be `t` or a space; a missing offset means UTC.
    public static func parse(_ text: String) -> Int64? {
        var reader = DigitReader(Array(text.utf8))
        guard let year = reader.number(4), reader.skip("-"), let month = reader.number(2), reader.skip("-"),
            let day = reader.number(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day),
            year >= 1
        else { return nil }
        var seconds = days(year: year, month: month, day: day) * secondsPerDay
        if reader.isAtEnd { return seconds }
        guard reader.skip("T") || reader.skip("t") || reader.skip(" "), let hour = reader.number(2),
            reader.skip(":"), let minute = reader.number(2), hour < 24, minute < 60
        else { return nil }
        seconds += Int64(hour * 3_600 + minute * 60)
        if reader.skip(":") {
            // A leap second (60) is read as the last second of its minute.
            guard let second = reader.number(2), second <= 60 else { return nil }
            seconds += Int64(min(second, 59))
            if reader.skip(".") {
                guard reader.skipDigits() > 0 else { return nil }
            }
        }
        if reader.skip("Z") || reader.skip("z") || reader.isAtEnd {
            return reader.isAtEnd ? seconds : nil
        }
        let sign: Int64
        if reader.skip("+") { sign = 1 } else if reader.skip("-") { sign = -1 } else { return nil }
        guard let offsetHours = reader.number(2), offsetHours < 24 else { return nil }
        _ = reader.skip(":")
        guard let offsetMinutes = reader.number(2), offsetMinutes < 60, reader.isAtEnd else { return nil }
        return seconds - sign * Int64(offsetHours * 3_600 + offsetMinutes * 60)
    }

    /// The time a value stands for: RFC 3339 or ISO date text, or Unix seconds (a number or digits).
    static func seconds(from value: JSONValue) -> Int64? {
        let seconds: Int64?
        switch value {
        case .number(let number):
            guard number.isFinite, abs(number) < 1e15 else { return nil }
            seconds = Int64(number.rounded(.down))
        case .string(let text):
            if let first = text.utf8.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first),
                text.utf8.dropFirst().allSatisfy({ (0x30...0x39).contains($0) })
            {
                seconds = Int64(text)
            } else {
                seconds = parse(text)
            }
        default:
            return nil
        }
        return seconds.flatMap { range.contains($0) ? $0 : nil }
    }

    /// What is wrong with a `date` format, or nil when every `%` directive is known.
    static func formatProblem(_ format: String) -> String? {
        var characters = format.makeIterator()
        while let character = characters.next() {
            guard character == "%" else { continue }
            guard let directive = characters.next() else { return "the format ends with a lone '%' (write '%%')" }
            guard directives.contains(directive) else {
                return "unknown directive '%\(directive)' (known: %Y %y %m %d %e %H %I %M %S %p %j %a %A %b %B %u %w "
                    + "%Z %z %F %T %R %s %%)"
            }
        }
        return nil
    }

    /// `seconds` written by a strftime-like format, in UTC; nil outside years 1 to 9999. Unknown directives
    /// are written as they are (the parser refuses them in literal formats).
    static func format(_ seconds: Int64, _ format: String) -> String? {
        guard range.contains(seconds) else { return nil }
        let dayNumber = floorDivide(seconds, secondsPerDay)
        let secondOfDay = Int(seconds - dayNumber * secondsPerDay)
        let (year, month, day) = civil(days: dayNumber)
        let (hour, minute, second) = (secondOfDay / 3_600, secondOfDay / 60 % 60, secondOfDay % 60)
        let weekday = self.weekday(days: dayNumber)
        // Directives are ASCII, so the format is read byte by byte; other bytes (UTF-8 included) are copied.
        var output: [UInt8] = []
        output.reserveCapacity(format.utf8.count + 16)
        var bytes = format.utf8.makeIterator()
        while let byte = bytes.next() {
            guard byte == UInt8(ascii: "%"), let directive = bytes.next() else {
                output.append(byte)
                continue
            }
            switch directive {
            case UInt8(ascii: "Y"): appendPadded(year, width: 4, to: &output)
            case UInt8(ascii: "y"): appendPadded(year % 100, width: 2, to: &output)
            case UInt8(ascii: "m"): appendPadded(month, width: 2, to: &output)
            case UInt8(ascii: "d"): appendPadded(day, width: 2, to: &output)
            case UInt8(ascii: "e"): appendPadded(day, width: 2, pad: UInt8(ascii: " "), to: &output)
            case UInt8(ascii: "H"): appendPadded(hour, width: 2, to: &output)
            case UInt8(ascii: "I"): appendPadded(hour % 12 == 0 ? 12 : hour % 12, width: 2, to: &output)
            case UInt8(ascii: "M"): appendPadded(minute, width: 2, to: &output)
            case UInt8(ascii: "S"): appendPadded(second, width: 2, to: &output)
            case UInt8(ascii: "p"): output.append(contentsOf: (hour < 12 ? "AM" : "PM").utf8)
            case UInt8(ascii: "j"):
                appendPadded(Int(dayNumber - days(year: year, month: 1, day: 1)) + 1, width: 3, to: &output)
            case UInt8(ascii: "a"): output.append(contentsOf: weekdayNames[weekday].prefix(3).utf8)
            case UInt8(ascii: "A"): output.append(contentsOf: weekdayNames[weekday].utf8)
            case UInt8(ascii: "b"), UInt8(ascii: "h"):
                output.append(contentsOf: monthNames[month - 1].prefix(3).utf8)
            case UInt8(ascii: "B"): output.append(contentsOf: monthNames[month - 1].utf8)
            case UInt8(ascii: "u"): appendPadded(weekday == 0 ? 7 : weekday, width: 1, to: &output)
            case UInt8(ascii: "w"): appendPadded(weekday, width: 1, to: &output)
            case UInt8(ascii: "Z"): output.append(contentsOf: "UTC".utf8)
            case UInt8(ascii: "z"): output.append(contentsOf: "+0000".utf8)
            case UInt8(ascii: "F"):
                appendPadded(year, width: 4, to: &output)
                output.append(UInt8(ascii: "-"))
                appendPadded(month, width: 2, to: &output)
                output.append(UInt8(ascii: "-"))
                appendPadded(day, width: 2, to: &output)
            case UInt8(ascii: "T"), UInt8(ascii: "R"):
                appendPadded(hour, width: 2, to: &output)
                output.append(UInt8(ascii: ":"))
                appendPadded(minute, width: 2, to: &output)
                if directive == UInt8(ascii: "T") {
                    output.append(UInt8(ascii: ":"))
                    appendPadded(second, width: 2, to: &output)
                }
            case UInt8(ascii: "s"): output.append(contentsOf: String(seconds).utf8)
            case UInt8(ascii: "%"): output.append(UInt8(ascii: "%"))
            default: output.append(contentsOf: [UInt8(ascii: "%"), directive])
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends `value` (never negative) in decimal, padded on the left with `pad` to `width` characters.
    private static func appendPadded(
        _ value: Int, width: Int, pad: UInt8 = UInt8(ascii: "0"), to output: inout [UInt8]
    ) {
        var divisor = 1
        var count = 1
        while divisor <= value / 10 {
            divisor *= 10
            count += 1
        }
        for _ in count..<max(count, width) { output.append(pad) }
        while divisor > 0 {
            output.append(UInt8(ascii: "0") + UInt8(value / divisor % 10))
            divisor /= 10
        }
    }

    /// `seconds` moved by `days` days that are Monday to Friday, the time of day kept: from a Friday or a
    /// weekend day, one working day later is the next Monday. Zero days is the time itself.
    static func adding(workingDays: Int, to seconds: Int64) -> Int64? {
        var day = floorDivide(seconds, secondsPerDay)
        let timeOfDay = seconds - day * secondsPerDay
        let step: Int64 = workingDays < 0 ? -1 : 1
        var remaining = workingDays.magnitude
        // Any 7 consecutive days hold 5 working days; the last (at most 5) are counted one by one so that the
        // result falls on a working day.
        if remaining > 5 {
            let weeks = (remaining - 1) / 5
            day += step * 7 * Int64(weeks)
            remaining -= weeks * 5
        }
        while remaining > 0 {
            day += step
            if !(weekday(days: day) == 0 || weekday(days: day) == 6) { remaining -= 1 }
        }
        let result = day * secondsPerDay + timeOfDay
        return range.contains(result) ? result : nil
    }

    /// 0 for Sunday to 6 for Saturday; day 0 (1970-01-01) was a Thursday.
    private static func weekday(days: Int64) -> Int {
        Int((days % 7 + 11) % 7)
    }

    private static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : -((-value + divisor - 1) / divisor)
    }

    private static func isLeap(_ year: Int) -> Bool {
        year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a date (Howard Hinnant's `days_from_civil`).
    private static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let m = Int64(month)
        let dayOfYear = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The date of a day number since 1970-01-01 (Howard Hinnant's `civil_from_days`).
    private static func civil(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }
}

/// Reads fixed-width digits and single characters from ASCII bytes.
private struct DigitReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    var isAtEnd: Bool { position == bytes.count }

    mutating func number(_ width: Int) -> Int? {
        guard position + width <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[position..<position + width] {
            guard (0x30...0x39).contains(byte) else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        position += width
        return value
    }

    /// Skips `character` (ASCII) if it is next. A `Unicode.Scalar`, not a `Character`: the check is per byte.
    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard position < bytes.count, bytes[position] == UInt8(ascii: character) else { return false }
        position += 1
        return true
    }

    mutating func skipDigits() -> Int {
        let start = position
        while position < bytes.count, (0x30...0x39).contains(bytes[position]) { position += 1 }
        return position - start
    }
}
