import JSON

extension TemplateEvaluator {
    /// Applies a filter. A filter given null, or a value it cannot apply to, gives null (so that `default` can
    /// catch it); only `required` and `email` fail the event.
    func apply(_ call: TemplateFilterCall, at location: SourceLocation) throws(TemplateEvaluationError) -> JSONValue {
        switch call.filter {
        case .date:
            let seconds = try seconds(of: call.input)
            let format = try firstArgument(of: call).stringValue
            guard let seconds, let format else { return .null }
            return TemplateTime.format(seconds, format).map(JSONValue.string) ?? .null
        case .addDays, .addHours, .addWorkingDays:
            return try moved(by: call).flatMap(TemplateTime.format(unixSeconds:)).map(JSONValue.string) ?? .null
        default:
            break
        }
        let input = try value(of: call.input)
        var arguments: [JSONValue] = []
        // `default` evaluates its fallback only when it is needed.
        if call.filter != .default {
            for argument in call.arguments { arguments.append(try value(of: argument)) }
        }
        func argument(_ index: Int) -> JSONValue { index < arguments.count ? arguments[index] : .null }
        switch call.filter {
        case .default:
            return input == .null || input == "" ? try value(of: call.arguments[0]) : input
        case .required:
            guard Self.isMissing(input) else { return input }
            let given = argument(0).templateText
            let message =
                !given.isEmpty ? given : call.field.map { "\($0) is required" } ?? "a required value is missing"
            throw TemplateEvaluationError(code: .missingValue, message: message, field: call.field, location: location)
        case .email:
            return try Self.email(input, field: call.field, at: location)
        case .lower: return Self.text(input).map { .string($0.lowercased()) } ?? .null
        case .upper: return Self.text(input).map { .string($0.uppercased()) } ?? .null
        case .trim: return Self.text(input).map { .string(Self.trimmed($0)) } ?? .null
        case .slug: return Self.text(input).map { .string(Self.slug($0)) } ?? .null
        case .string: return input == .null ? .null : .string(input.templateText)
        case .split:
            guard let text = Self.text(input), let separator = argument(0).stringValue else { return .null }
            return try Self.split(text, by: separator, at: location)
        case .join:
            guard case .array(let elements) = input, let separator = argument(0).stringValue else { return .null }
            return try Self.join(elements, separator: separator, at: location)
        case .first, .last:
            switch input {
            case .array(let elements): return (call.filter == .first ? elements.first : elements.last) ?? .null
            case .string(let text):
                return (call.filter == .first ? text.first : text.last).map { .string(String($0)) } ?? .null
            default: return .null
            }
        case .replace:
            guard let text = Self.text(input), let from = argument(0).stringValue, let to = argument(1).stringValue
            else { return .null }
            return try Self.replace(text, from, with: to, at: location)
        case .truncate:
            guard let length = argument(0).intValue, length >= 0 else { return .null }
            switch input {
            // A text of no more bytes than `length` has no more characters either: nothing to cut, or to count.
            case .string(let text) where text.utf8.count <= length: return input
            case .string(let text): return .string(String(text.prefix(length)))
            case .array(let elements): return .array(Array(elements.prefix(length)))
            default: return Self.text(input).map { .string(String($0.prefix(length))) } ?? .null
            }
        case .length:
            switch input {
            case .string(let text): return .number(Double(text.count))
            case .array(let elements): return .number(Double(elements.count))
            case .object(let members): return .number(Double(members.count))
            default: return .null
            }
        case .number: return Self.numeric(input).map(JSONValue.number) ?? .null
        case .int:
            guard let number = Self.numeric(input), abs(number) < 9e15 else { return .null }
            return .number(number.rounded(.towardZero))
        case .round:
            let digits = arguments.isEmpty ? 0 : argument(0).intValue ?? -1
            guard let number = Self.numeric(input), (0...15).contains(digits) else { return .null }
            return Self.finite(Self.round(number, digits: digits))
        case .centsToUnits:
            guard let minor = Self.numeric(input) else { return .null }
            var decimals = 2
            if !arguments.isEmpty {
                guard let code = argument(0).stringValue, TemplateCurrency.isCode(code) else { return .null }
                decimals = TemplateCurrency.decimals(of: code)
            }
            var divisor = 1.0
            for _ in 0..<decimals { divisor *= 10 }
            return Self.finite(minor / divisor)
        case .date, .addDays, .addHours, .addWorkingDays:
            preconditionFailure("time filters are applied above")
        case .json:
            let bytes = input.jsonBytes
            guard bytes.count <= TemplateLimits.maximumTextLength else { throw Self.textLimitError(at: location) }
            return .string(String(decoding: bytes, as: UTF8.self))
        case .matches:
            guard let text = Self.text(input), let regex = call.regex else { return .bool(false) }
            return .bool(regex.matches(text))
        }
    }

    /// The time `node` stands for, in seconds, as the time filters read it (`TemplateTime.seconds(from:)`); nil
    /// for a value that is no time. `now` and the `add_*` filters give theirs without being written out as text
    /// and read back, which is all `now | add_working_days(1) | date('%Y-%m-%d')` would otherwise do twice.
    private func seconds(of node: TemplateNode) throws(TemplateEvaluationError) -> Int64? {
        switch node.kind {
        case .root(.now):
            return TemplateTime.range.contains(context.now) ? context.now : nil
        case .filter(let call)
        where call.filter == .addDays || call.filter == .addHours || call.filter == .addWorkingDays:
            return try moved(by: call)
        default:
            return TemplateTime.seconds(from: try value(of: node))
        }
    }

    /// The time an `add_days`, `add_hours` or `add_working_days` call gives, in seconds; nil where it gives null.
    private func moved(by call: TemplateFilterCall) throws(TemplateEvaluationError) -> Int64? {
        let seconds = try seconds(of: call.input)
        let count = try firstArgument(of: call).intValue
        let limit = TemplateLimits.maximumDayOffset * (call.filter == .addHours ? 24 : 1)
        guard let seconds, let count, abs(count) <= limit else { return nil }
        let moved: Int64? =
            switch call.filter {
            case .addDays: seconds + Int64(count) * 86_400
            case .addHours: seconds + Int64(count) * 3_600
            default: TemplateTime.adding(workingDays: count, to: seconds)
            }
        // What writing it out and reading it back would give: nothing outside the years text can hold.
        return moved.flatMap { TemplateTime.range.contains($0) ? $0 : nil }
    }

    /// The value of a call's first argument; null when it has none.
    private func firstArgument(of call: TemplateFilterCall) throws(TemplateEvaluationError) -> JSONValue {
        guard let first = call.arguments.first else { return .null }
        return try value(of: first)
    }

    /// What `required` refuses: null, text that is empty or only whitespace, an empty list or object.
    private static func isMissing(_ value: JSONValue) -> Bool {
        switch value {
        case .null: true
        // Only whitespace is nothing left once trimmed; `trimmed` sees most text is not by its first and last bytes.
        case .string(let text): trimmed(text).isEmpty
        case .array(let elements): elements.isEmpty
        case .object(let members): members.isEmpty
        case .bool, .number: false
        }
    }

    /// The text of a string, number or boolean; nil for null, lists and objects.
    private static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let text): text
        case .number, .bool: value.templateText
        case .null, .array, .object: nil
        }
    }

    private static func finite(_ number: Double) -> JSONValue {
        number.isFinite ? .number(number) : .null
    }

    private static func trimmed(_ text: String) -> String {
        // Text that starts and ends with a printable ASCII byte has nothing to trim: an ASCII scalar at either end
        // is a character of its own (but for CR LF), and whether a character is whitespace is its first scalar's.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21...0x7E).contains(first),
            (0x21...0x7E).contains(last)
        {
            return text
        }
        guard let first = text.firstIndex(where: { !$0.isWhitespace }),
            let last = text.lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(text[first...last])
    }

    /// A number, or text that is a decimal number (`12`, `-3.5`, ` 1e3 `); nil for anything else, `inf`,
    /// `nan` and hexadecimal included.
    static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .number(let number): return number
        case .string(let text):
            let trimmed = trimmed(text)
            var sawDigit = false
            for (offset, byte) in trimmed.utf8.enumerated() {
                switch byte {
                case 0x30...0x39: sawDigit = true
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): continue
                case UInt8(ascii: "+"), UInt8(ascii: "-"):
                    guard
                        offset == 0
                            || [UInt8(ascii: "e"), UInt8(ascii: "E")].contains(
                                trimmed.utf8[
                                    trimmed.utf8.index(trimmed.utf8.startIndex, offsetBy: offset - 1)])
                    else { return nil }
                default: return nil
                }
            }
            guard sawDigit, let number = Double(trimmed), number.isFinite else { return nil }
            return number
        default: return nil
        }
    }

    /// Half away from zero, at `digits` decimals.
    private static func round(_ number: Double, digits: Int) -> Double {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let scaled = number * scale
        guard scaled.isFinite, abs(scaled) < 1e15 else { return number }
        return scaled.rounded(.toNearestOrAwayFromZero) / scale
    }

    private static func split(
        _ text: String, by separator: String, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        var parts: [JSONValue] = []
        func add(_ part: Substring) throws(TemplateEvaluationError) {
            guard parts.count < TemplateLimits.maximumListCount else { throw listLimitError(at: location) }
            parts.append(.string(String(part)))
        }
        if separator.isEmpty {
            for character in text { try add(Substring(String(character))) }
            return .array(parts)
        }
        var rest = text[...]
        while let range = rest.firstRange(of: separator) {
            try add(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        try add(rest)
        return .array(parts)
    }

    private static func join(
        _ elements: [JSONValue], separator: String, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        var output = ""
        for (index, element) in elements.enumerated() {
            let piece = (index > 0 ? separator : "") + element.templateText
            guard output.utf8.count + piece.utf8.count <= TemplateLimits.maximumTextLength else {
                throw textLimitError(at: location)
            }
            output += piece
        }
        return .string(output)
    }

    private static func replace(
        _ text: String, _ from: String, with to: String, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        guard !from.isEmpty else { return .string(text) }
        var output = ""
        var rest = text[...]
        func append(_ piece: some StringProtocol) throws(TemplateEvaluationError) {
            guard output.utf8.count + piece.utf8.count <= TemplateLimits.maximumTextLength else {
                throw textLimitError(at: location)
            }
            output += piece
        }
        while let range = rest.firstRange(of: from) {
            try append(rest[..<range.lowerBound])
            try append(to)
            rest = rest[range.upperBound...]
        }
        try append(rest)
        return .string(output)
    }

    /// Lowercase ASCII letters and digits, every other run of characters one `-`, none at either end. Latin
    /// letters with marks lose them (`Café Zürich` → `cafe-zurich`); other scripts are dropped.
    static func slug(_ text: String) -> String {
        var output = ""
        var pendingDash = false
        for scalar in text.unicodeScalars {
            var letter: Character?
            if scalar.isASCII {
                let character = Character(scalar)
                if character.isLetter || character.isNumber { letter = Character(character.lowercased()) }
            } else if scalar.properties.generalCategory == .nonspacingMark {
                continue
            } else {
                letter = baseLatinLetter(scalar)
            }
            guard let letter else {
                pendingDash = true
                continue
            }
            if pendingDash && !output.isEmpty { output.append("-") }
            pendingDash = false
            output.append(letter)
        }
        return output
    }

    /// `e` for `é` (LATIN SMALL LETTER E WITH ACUTE), from the scalar's Unicode name; nil for anything else.
    private static func baseLatinLetter(_ scalar: Unicode.Scalar) -> Character? {
        guard let name = scalar.properties.name else { return nil }
        for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where name.hasPrefix(prefix) {
            let rest = name.dropFirst(prefix.count)
            guard let first = rest.first, first.isASCII, first.isLetter,
                rest.count == 1 || rest.dropFirst().hasPrefix(" WITH ")
            else { return nil }
            return Character(first.lowercased())
        }
        return nil
    }

    private static func email(
        _ input: JSONValue, field: String?, at location: SourceLocation
    ) throws(TemplateEvaluationError) -> JSONValue {
        guard case .string(let raw) = input else {
            guard input == .null else {
                throw TemplateEvaluationError(
                    code: .invalidValue, message: "expected an email address", field: field, location: location)
            }
            return .null
        }
        let address = trimmed(raw).lowercased()
        guard !address.isEmpty else { return .null }
        guard TemplateEmail.isValid(address) else {
            let shown = address.count > 80 ? address.prefix(80) + "…" : address
            throw TemplateEvaluationError(
                code: .invalidValue, message: "'\(shown)' is not a valid email address", field: field,
                location: location)
        }
        return .string(address)
    }
}
