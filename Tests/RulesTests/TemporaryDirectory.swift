import Glibc

@testable import Rules

/// A fresh directory under /tmp for files a test writes; `remove()` deletes the files and the directory.
struct TemporaryDirectory {
    let path: String
    private var files: [String] = []

    init() {
        var template = Array("/tmp/dealhook-rules-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { fatalError("mkdtemp failed: \(errno)") }
        path = String(cString: created)
    }

    /// Writes `text` to `name` in the directory and returns the file's path.
    @discardableResult
    mutating func write(_ name: String, _ text: String) -> String {
        let filePath = "\(path)/\(name)"
        let descriptor = open(filePath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        precondition(descriptor >= 0, "cannot create \(filePath)")
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        precondition(written == bytes.count, "short write to \(filePath)")
        close(descriptor)
        files.append(filePath)
        return filePath
    }

    func remove() {
        for file in Set(files) { unlink(file) }
        rmdir(path)
    }
}

/// Writes `text` as a config file in a fresh directory, runs `body` with its path, and removes it.
func withConfigFile<Result>(
    _ text: String, name: String = "dealhook.yaml", _ body: (String) throws -> Result
) rethrows -> Result {
    var directory = TemporaryDirectory()
    defer { directory.remove() }
    return try body(directory.write(name, text))
}

/// The problems of loading `text` as a config file, one description each; empty when it loads.
func configErrors(_ text: String, environment: [String: String] = [:]) -> [String] {
    withConfigFile(text) { path in
        do throws(ConfigDiagnostics) {
            _ = try DealhookConfig.load(file: path, environment: environment)
            return []
        } catch {
            return error.errors.map { $0.description.replacingFirst(path, with: "dealhook.yaml") }
        }
    }
}

/// The config in `text`, which must load.
func loadConfig(_ text: String, environment: [String: String] = [:]) throws -> DealhookConfig {
    try withConfigFile(text) { path in try DealhookConfig.load(file: path, environment: environment) }
}

/// The problems of parsing `text` as YAML, one description each; empty when it parses.
func parseErrors(_ text: String) -> [String] {
    do throws(ConfigDiagnostics) {
        _ = try YAMLNode.parse(text, file: "t.yaml")
        return []
    } catch {
        return error.errors.map(\.description)
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return self[..<range.lowerBound] + replacement + self[range.upperBound...]
    }
}
