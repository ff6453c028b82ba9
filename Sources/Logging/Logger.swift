import Foundation

/// A value-typed logger in swift-log's shape: a minimum level, base metadata, and a shared handler.
///
/// ```swift
/// let logger = Logger(level: .info, handler: JSONLinesLogHandler())
/// logger.info("listening", ["address": "127.0.0.1:8080"])
/// let eventLogger = logger.with(["event.id": .string(id)])
/// ```
/// Libraries take a `Logger` from their caller and never make their own.
public struct Logger: Sendable {
    /// Lines below this level are dropped before any formatting.
    public var level: LogLevel
    /// Fields added to every line of this logger (a line's own fields win on a clash).
    public var metadata: LogMetadata
    private let handler: any LogHandler

    public init(level: LogLevel = .info, metadata: LogMetadata = [:], handler: any LogHandler) {
        self.level = level
        self.metadata = metadata
        self.handler = handler
    }

    /// A logger that adds `metadata` to every line.
    public func with(_ metadata: LogMetadata) -> Logger {
        var copy = self
        copy.metadata.merge(metadata) { _, new in new }
        return copy
    }

    /// Whether a line at `level` would be written; lets callers skip building costly metadata.
    public func isEnabled(_ level: LogLevel) -> Bool { level >= self.level }

    /// Writes one line at `level` if the logger's level lets it through.
    public func log(_ level: LogLevel, _ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        guard isEnabled(level) else { return }
        var all = metadata
        all.merge(fields()) { _, new in new }
        handler.write(LogRecord(timestamp: Date(), level: level, message: message(), metadata: all))
    }

    public func trace(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.trace, message(), fields())
    }

    public func debug(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.debug, message(), fields())
    }

    public func info(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.info, message(), fields())
    }

    public func notice(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.notice, message(), fields())
    }

    public func warning(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.warning, message(), fields())
    }

    public func error(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.error, message(), fields())
    }

    public func critical(_ message: @autoclosure () -> String, _ fields: @autoclosure () -> LogMetadata = [:]) {
        log(.critical, message(), fields())
    }
}
