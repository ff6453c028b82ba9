import CYAML

/// The events of a YAML text, read through libyaml's parser; the only owner of libyaml's pointers.
struct YAMLEventStream: ~Copyable {
    private let file: String
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    /// The position just after the last character, on the last line.
    private let end: SourceLocation

    init(bytes: [UInt8], file: String) {
        self.file = file
        end = Self.endLocation(of: bytes, file: file)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        parser = .allocate(capacity: 1)
        guard yaml_parser_initialize(parser) == 1 else {
            fatalError("libyaml could not allocate a parser")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; throws libyaml's syntax error, after which the stream must not be read again.
    mutating func next() throws(ConfigError) -> YAMLEvent {
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            throw syntaxError()
        }
        defer { yaml_event_delete(&event) }
        let location = self.location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT:
            return .streamStart
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(location)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            let properties = YAMLEvent.Properties(
                location: location, anchor: string(scalar.anchor), tag: string(scalar.tag))
            return .scalar(value, isPlain: scalar.style == YAML_PLAIN_SCALAR_STYLE, properties)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(.init(location: location, anchor: string(start.anchor), tag: string(start.tag)))
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(.init(location: location, anchor: string(start.anchor), tag: string(start.tag)))
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        case YAML_ALIAS_EVENT:
            return .alias(string(event.data.alias.anchor) ?? "", location)
        default:
            // libyaml reports YAML_NO_EVENT only after an error, which is thrown above.
            return .streamEnd
        }
    }

    /// libyaml ends a text that lacks a final line break on a line of its own, one past the file's last line:
    /// a position there (an error at the end of the text) is given as the end of the last line.
    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        let location = SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
        return location.line > end.line ? end : location
    }

    /// Where the text ends, counting lines as libyaml does: CR, LF, CRLF, NEL, LS and PS end a line; columns
    /// count characters.
    private static func endLocation(of bytes: [UInt8], file: String) -> SourceLocation {
        var line = 1
        var column = 1
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            var breakLength = 0
            if byte == 0x0D {
                breakLength = index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
            } else if byte == 0x0A {
                breakLength = 1
            } else if byte == 0xC2, index + 1 < bytes.count, bytes[index + 1] == 0x85 {
                breakLength = 2
            } else if byte == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80,
                bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
            {
                breakLength = 3
            }
            if breakLength > 0 {
                line += 1
                column = 1
                index += breakLength
            } else {
                if byte & 0xC0 != 0x80 { column += 1 }
                index += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }

    private func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    private func syntaxError() -> ConfigError {
        let state = parser.pointee
        let problem = state.problem.map { String(cString: $0) } ?? "unknown error"
        switch state.error {
        case YAML_MEMORY_ERROR:
            return ConfigError(location: nil, message: "\(file): libyaml ran out of memory")
        case YAML_READER_ERROR:
            return ConfigError(
                location: location(ofOffset: state.problem_offset), message: "cannot read YAML: \(problem)")
        default:
            var message = "YAML syntax error: \(problem)"
            if let context = state.context.map({ String(cString: $0) }) {
                let mark = state.context_mark
                message += " (\(context) at line \(mark.line + 1), column \(mark.column + 1))"
            }
            return ConfigError(location: location(state.problem_mark), message: message)
        }
    }

    /// The line and column of a byte offset; libyaml gives reader errors (bad encoding) only as an offset.
    private func location(ofOffset offset: Int) -> SourceLocation {
        var line = 1
        var column = 1
        for byte in input.prefix(offset) {
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(file: file, line: line, column: column)
    }
}
