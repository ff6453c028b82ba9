/// One line of a header or trailer section (RFC 9112 §5), located in a buffer without copying it.
enum FieldLine {
    /// Which section a line belongs to, as error reasons name it.
    enum Section: String {
        case header
        case trailer
    }

    /// A field: byte ranges of its name and of its value without surrounding whitespace; `end` is past its CRLF.
    case field(name: Range<Int>, value: Range<Int>, end: Int)
    /// The empty line that ends the section; `end` is past its CRLF.
    case endOfSection(end: Int)

    /// Parses the line starting at `start`.
    ///
    /// `usedBytes` and `fieldCount` describe the section before this line, so that a line breaking
    /// `limits.maxHeaderBytes` or `limits.maxHeaderCount` fails with 431 as soon as the bytes show it,
    /// before its line end has arrived.
    static func parse(
        _ bytes: UnsafeRawBufferPointer, at start: Int, usedBytes: Int, fieldCount: Int,
        limits: HTTPParserLimits, section: Section
    ) -> ParseStep<FieldLine> {
        guard start < bytes.count else { return .needMore }
        switch bytes[start] {
        case .cr:
            guard start + 1 < bytes.count else { return .needMore }
            guard bytes[start + 1] == .lf else { return .failure(.badRequest("bare CR in \(section) section")) }
            return .done(.endOfSection(end: start + 2))
        case .lf:
            return .failure(.badRequest("bare LF in \(section) section"))
        case .space, .htab:
            return .failure(.badRequest("\(section) line starts with whitespace (obsolete line folding)"))
        default:
            break
        }
        guard fieldCount < limits.maxHeaderCount else {
            return .failure(tooLarge("more than \(limits.maxHeaderCount) \(section) fields"))
        }
        // A line whose LF lies at or beyond `windowEnd` would overflow the section's byte budget.
        let budget = limits.maxHeaderBytes - usedBytes
        let windowEnd = min(bytes.count, start + max(budget, 0))
        func incomplete() -> ParseStep<FieldLine> {
            let present = windowEnd - start
            let shortestRest = present > 0 && bytes[windowEnd - 1] == .cr ? 1 : 2
            guard present + shortestRest <= budget else {
                return .failure(tooLarge("\(section) section larger than \(limits.maxHeaderBytes) bytes"))
            }
            return .needMore
        }

        var index = start
        while index < windowEnd, bytes[index].isTokenCharacter { index += 1 }
        guard index < windowEnd else { return incomplete() }
        let name = start..<index
        switch bytes[index] {
        case .colon where index > start:
            break
        case .colon:
            return .failure(.badRequest("empty field name in \(section) section"))
        case .space, .htab:
            return .failure(.badRequest("whitespace between \(section) name '\(bytes.text(name))' and colon"))
        case .cr, .lf:
            return .failure(.badRequest("\(section) line '\(bytes.text(name))' has no colon"))
        default:
            return .failure(.unexpected(bytes[index], in: "\(section) name"))
        }
        index += 1
        while index < windowEnd, bytes[index].isOWS { index += 1 }
        let valueStart = index
        while index < windowEnd, bytes[index].isFieldValueCharacter { index += 1 }
        guard index < windowEnd, index + 1 < windowEnd || bytes[index] != .cr else { return incomplete() }
        guard bytes[index] == .cr, bytes[index + 1] == .lf else {
            let place = "value of \(section) '\(bytes.text(name))'"
            return .failure(
                bytes[index] == .cr ? .badRequest("bare CR in \(place)") : .unexpected(bytes[index], in: place))
        }
        var valueEnd = index
        while valueEnd > valueStart, bytes[valueEnd - 1].isOWS { valueEnd -= 1 }
        return .done(.field(name: name, value: valueStart..<valueEnd, end: index + 2))
    }

    private static func tooLarge(_ reason: String) -> HTTPRequestError {
        HTTPRequestError(status: .requestHeaderFieldsTooLarge, reason: reason)
    }
}
