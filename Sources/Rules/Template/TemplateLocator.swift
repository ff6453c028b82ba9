/// Turns a character offset in a config string into a position in the config file, counting from where the
/// string starts.
///
/// Each character of the string is taken to stand at its own column: exact for plain and single-line quoted
/// YAML scalars, approximate after an escape or in a folded block scalar.
struct TemplateLocator {
    private let start: SourceLocation
    /// The offset of the first character of each line after the first.
    private let lineStarts: [Int]

    init(characters: [Character], start: SourceLocation) {
        self.start = start
        var lineStarts: [Int] = []
        // YAML's line breaks only: LF, CR, CRLF (one Character). A form feed or U+2028 is no new line.
        for (offset, character) in characters.enumerated()
        where character == "\n" || character == "\r\n" || character == "\r" {
            lineStarts.append(offset + 1)
        }
        self.lineStarts = lineStarts
    }

    func location(at offset: Int) -> SourceLocation {
        // The number of line starts at or before `offset`.
        var low = 0
        var high = lineStarts.count
        while low < high {
            let middle = (low + high) / 2
            if lineStarts[middle] <= offset { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return SourceLocation(file: start.file, line: start.line, column: start.column + offset) }
        return SourceLocation(file: start.file, line: start.line + low, column: 1 + offset - lineStarts[low - 1])
    }
}
