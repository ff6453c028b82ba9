import Foundation
import Glibc
import Logging
import Testing

@Suite struct LoggerTests {
    @Test func dropsLinesBelowTheLevel() {
        let handler = InMemoryLogHandler()
        let logger = Logger(level: .info, handler: handler)
        logger.debug("hidden")
        logger.info("shown")
        logger.critical("urgent")
        #expect(handler.records.map(\.message) == ["shown", "urgent"])
        #expect(handler.records.map(\.level) == [.info, .critical])
    }

    @Test func mergesBaseMetadataWithTheLinesOwn() {
        let handler = InMemoryLogHandler()
        let logger = Logger(level: .trace, handler: handler).with(["event.id": "e1", "route": "a"])
        logger.info("delivered", ["route": "b", "attempt": 2])
        #expect(handler.records[0].metadata == ["event.id": "e1", "route": "b", "attempt": 2])
    }

    @Test func parsesLevelNames() {
        #expect(LogLevel(name: "warning") == .warning)
        #expect(LogLevel(name: "INFO") == .info)
        #expect(LogLevel(name: "verbose") == nil)
        #expect(LogLevel.allCases.map(\.name) == ["trace", "debug", "info", "notice", "warning", "error", "critical"])
    }

    @Test func formatsOneJSONObjectPerLine() throws {
        let record = LogRecord(
            timestamp: Date(timeIntervalSince1970: 1_764_859_200.25), level: .warning, message: "said \"hi\"\n",
            metadata: ["b": .double(1.5), "a": .list([.bool(true), .string("x\u{1}")]), "n": .int(-3)])
        let line = JSONLinesLogHandler.format(record)
        #expect(
            line
                == #"{"ts":"2025-12-04T14:40:00.250Z","level":"warning","msg":"said \"hi\"\n","a":[true,"x\u0001"],"b":1.5,"n":-3}"#
        )
        let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "said \"hi\"\n")
    }

    @Test func writesWholeLinesToAFileDescriptor() throws {
        var descriptors: [Int32] = [0, 0]
        #expect(pipe(&descriptors) == 0)
        defer { close(descriptors[0]) }
        let logger = Logger(level: .info, handler: JSONLinesLogHandler(fileDescriptor: descriptors[1]))
        logger.info("one", ["k": "v"])
        logger.error("two")
        close(descriptors[1])
        var buffer = [UInt8](repeating: 0, count: 4096)
        var text = ""
        while true {
            let count = read(descriptors[0], &buffer, buffer.count)
            if count <= 0 { break }
            text += String(decoding: buffer[..<count], as: UTF8.self)
        }
        let lines = text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines[0].contains(#""level":"info","msg":"one","k":"v"}"#))
        #expect(lines[1].hasSuffix(#""level":"error","msg":"two"}"#))
    }
}
