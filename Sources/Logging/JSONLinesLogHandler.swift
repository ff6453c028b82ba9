import Foundation
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
        line += #"","msg":"# + JSONText.quoted(record.message)
        for key in record.metadata.keys.sorted() {
            line += "," + JSONText.quoted(key) + ":" + JSONText.encode(record.metadata[key]!)
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

/// JSON text for log values.
enum JSONText {
    static func encode(_ value: LogValue) -> String {
        switch value {
        case .string(let text): quoted(text)
        case .int(let number): String(number)
        case .double(let number): number.isFinite ? String(number) : quoted(String(number))
        case .bool(let flag): flag ? "true" : "false"
        case .list(let items): "[" + items.map(encode).joined(separator: ",") + "]"
        }
    }

    static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7F:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
