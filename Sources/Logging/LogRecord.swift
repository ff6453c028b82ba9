import Foundation

/// One log line as handed to a `LogHandler`.
public struct LogRecord: Sendable, Equatable {
    /// When the line was logged (wall clock).
    public var timestamp: Date
    public var level: LogLevel
    /// A constant message; what varies goes into `metadata`.
    public var message: String
    public var metadata: LogMetadata

    public init(timestamp: Date, level: LogLevel, message: String, metadata: LogMetadata) {
        self.timestamp = timestamp
        self.level = level
        self.message = message
        self.metadata = metadata
    }
}

/// Where log lines go. A handler is shared by every logger made from it, so it must be thread-safe.
public protocol LogHandler: Sendable {
    func write(_ record: LogRecord)
}
