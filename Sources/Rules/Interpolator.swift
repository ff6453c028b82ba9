/// Expands `${…}` references in the scalar values of a YAML tree.
///
/// - `${NAME}`: the environment variable; unset is an error.
/// - `${NAME:-default}`: the variable, or `default` when it is unset or empty.
/// - `${file:/path}`: the file's content, one trailing newline removed; a relative path is taken from the
///   directory of the config file.
/// - `$$`: a literal `$`. A `$` before anything else stays as it is.
///
/// Mapping keys are not interpolated. A value that took anything from `${…}` is marked `isSecret`.
struct Interpolator {
    var environment: [String: String]

    /// The tree with every scalar value expanded; each scalar that cannot be expanded adds one problem to
    /// `diagnostics` and stays as written.
    func interpolate(_ node: YAMLNode, diagnostics: inout ConfigDiagnostics) -> YAMLNode {
        var result = node
        switch node.kind {
        case .scalar(let scalar):
            if let expanded = diagnostics.record({ () throws(ConfigError) in try expand(scalar, at: node.location) }) {
                result.kind = .scalar(expanded)
            }
        case .sequence(let items):
            result.kind = .sequence(items.map { interpolate($0, diagnostics: &diagnostics) })
        case .mapping(let pairs):
            result.kind = .mapping(
                pairs.map { pair in
                    var pair = pair
                    pair.value = interpolate(pair.value, diagnostics: &diagnostics)
                    return pair
                })
        }
        return result
    }

    /// One scalar with its references expanded.
    func expand(_ scalar: YAMLScalar, at location: SourceLocation) throws(ConfigError) -> YAMLScalar {
        var output = ""
        var rest = scalar.value[...]
        var isSecret = scalar.isSecret
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            let next = rest.index(after: dollar)
            if next < rest.endIndex && rest[next] == "$" {
                output += "$"
                rest = rest[rest.index(after: next)...]
            } else if next < rest.endIndex && rest[next] == "{" {
                guard let close = rest[next...].firstIndex(of: "}") else {
                    throw ConfigError(
                        location: location, message: "'${' without a closing '}' (write '$$' for a literal '$')")
                }
                output += try resolve(rest[rest.index(after: next)..<close], at: location)
                isSecret = true
                rest = rest[rest.index(after: close)...]
            } else {
                output += "$"
                rest = rest[next...]
            }
        }
        output += rest
        return YAMLScalar(value: output, isPlain: scalar.isPlain, isSecret: isSecret)
    }

    private func resolve(_ reference: Substring, at location: SourceLocation) throws(ConfigError) -> String {
        if reference.hasPrefix("file:") {
            return try fileContent(String(reference.dropFirst("file:".count)), at: location)
        }
        let name: Substring
        let fallback: Substring?
        if let separator = reference.firstRange(of: ":-") {
            name = reference[..<separator.lowerBound]
            fallback = reference[separator.upperBound...]
        } else {
            name = reference
            fallback = nil
        }
        guard Self.isVariableName(name) else {
            throw ConfigError(
                location: location,
                message: "'${\(reference)}' is not a reference; write ${NAME}, ${NAME:-default} or ${file:/path}")
        }
        if let value = environment[String(name)], !(value.isEmpty && fallback != nil) {
            return value
        }
        guard let fallback else {
            throw ConfigError(
                location: location,
                message: "environment variable '\(name)' is not set (set it, or write ${\(name):-default})")
        }
        return String(fallback)
    }

    private func fileContent(_ path: String, at location: SourceLocation) throws(ConfigError) -> String {
        guard !path.isEmpty else {
            throw ConfigError(location: location, message: "'${file:}' names no file")
        }
        var fullPath = path
        if !path.hasPrefix("/"), let slash = location.file.lastIndex(of: "/") {
            fullPath = location.file[...slash] + path
        }
        let bytes: [UInt8]
        do throws(ConfigError) {
            bytes = try TextFile.read(path: fullPath)
        } catch {
            throw ConfigError(location: location, message: error.message)
        }
        guard var text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(location: location, message: "'\(fullPath)' is not UTF-8 text")
        }
        // "\r\n" is one Character in Swift.
        if text.last == "\n" || text.last == "\r\n" {
            text.removeLast()
        }
        return text
    }

    private static func isVariableName(_ name: Substring) -> Bool {
        guard let first = name.utf8.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return name.utf8.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || (0x30...0x39).contains($0) }
    }

    private static func isLetter(_ byte: UInt8) -> Bool {
        (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
    }
}
