import Foundation
import JSON
import Glibc
import Synchronization

/// Writes each record as one JSON object on a line: `ts` (RFC 3339, UTC, milliseconds), `level`, `msg`, then the
/// metadata keys in sorted order. Lines from concurrent threads never interleave.
public final class JSONLinesLogHandler: LogHandler {
    private let fileDescriptor: Int32
    private let lock = Mutex(())

    /// A handler writing to `fileDescriptor` (standard error by default).
    public init(fileDescriptor: Int32 = STDERR_FILENO) {
        self.fileDescriptor = fileDescriptor
    }

    public func write(_ record: LogRecord) {
        var bytes = Array(Self.format(record).utf8)
        bytes.append(UInt8(ascii: "\n"))
        lock.withLock { _ in
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { Glibc.write(fileDescriptor, $0.baseAddress, $0.count) }
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }

    /// The JSON line for `record`, without its newline.
    public static func format(_ record: LogRecord) -> String {
        var line = #"{"ts":""# + timestamp(record.timestamp) + #"","level":""# + record.level.name
        line += #"","msg":"# + JSONValue.string(record.message).jsonText
        for key in record.metadata.keys.sorted() {
            line += "," + JSONValue.string(key).jsonText + ":" + record.metadata[key]!.json.jsonText
        }
        return line + "}"
    }

    private static func timestamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        let millis = Int((date.timeIntervalSince1970 - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}

extension LogValue {
    /// The value as JSON.
    var json: JSONValue {
        switch self {
        case .string(let text): .string(text)
        case .int(let number): .number(Double(number))
        case .double(let number): number.isFinite ? .number(number) : .string(String(number))
        case .bool(let flag): .bool(flag)
        case .list(let items): .array(items.map(\.json))
        }
    }
}
