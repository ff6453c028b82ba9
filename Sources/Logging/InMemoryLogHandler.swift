import Synchronization

/// Keeps every record in memory, for tests that assert on what was logged.
public final class InMemoryLogHandler: LogHandler {
    private let stored = Mutex<[LogRecord]>([])

    public init() {}

    public func write(_ record: LogRecord) {
        stored.withLock { $0.append(record) }
    }

    /// Everything logged so far, oldest first.
    public var records: [LogRecord] { stored.withLock { $0 } }

    /// Every record as its JSON line, for searching the text a log reader would see.
    public var lines: [String] { records.map(JSONLinesLogHandler.format) }
}
