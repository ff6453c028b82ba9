/// The check behind the `email` filter: a practical subset of RFC 5321 addresses, ASCII only.
///
/// `local@domain`: the local part is 1 to 64 of letters, digits and ``!#$%&'*+/=?^_`{|}~.-`` with no dot at
/// either end and no two dots in a row; the domain has at least two labels of 1 to 63 letters, digits and `-`
/// (not at either end of a label), the last label of letters only and at least two; the whole is at most 254
/// characters. Quoted local parts, IP-literal domains and non-ASCII addresses are refused.
enum TemplateEmail {
    private static let localSymbols = Set("!#$%&'*+/=?^_`{|}~.-".utf8)

    static func isValid(_ address: String) -> Bool {
        let bytes = Array(address.utf8)
        guard bytes.count <= 254, let at = bytes.firstIndex(of: UInt8(ascii: "@")),
            bytes.lastIndex(of: UInt8(ascii: "@")) == at
        else { return false }
        let local = bytes[..<at]
        let domain = bytes[(at + 1)...]
        guard (1...64).contains(local.count), local.first != UInt8(ascii: "."), local.last != UInt8(ascii: "."),
            local.allSatisfy({ isAlphanumeric($0) || localSymbols.contains($0) })
        else { return false }
        guard !zip(local, local.dropFirst()).contains(where: { $0 == UInt8(ascii: ".") && $1 == UInt8(ascii: ".") })
        else { return false }
        // Label by label in place: `split` would make an array of them first.
        var labelCount = 0
        var rest = domain
        while true {
            let end = rest.firstIndex(of: UInt8(ascii: ".")) ?? rest.endIndex
            let label = rest[..<end]
            guard (1...63).contains(label.count), label.first != UInt8(ascii: "-"), label.last != UInt8(ascii: "-"),
                label.allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "-") })
            else { return false }
            labelCount += 1
            guard end < rest.endIndex else {
                // The last label, the top-level domain.
                return labelCount >= 2 && label.count >= 2 && label.allSatisfy(isLetter)
            }
            rest = rest[(end + 1)...]
        }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        isLetter(byte) || (0x30...0x39).contains(byte)
    }
}
