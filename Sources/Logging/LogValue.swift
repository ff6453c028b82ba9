/// A metadata value of a log line.
public enum LogValue: Sendable, Equatable {
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case list([LogValue])
}

/// The fields of a log line beyond `ts`, `level` and `msg`, under dotted keys (`request.id`, `event.id`).
public typealias LogMetadata = [String: LogValue]

extension LogValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}
