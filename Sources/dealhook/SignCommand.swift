import Glibc
import Intake
import Rules

/// `dealhook sign`: prints what a provider would add to a request carrying a body, to try a route with curl.
enum SignCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(
                arguments, valued: ["--scheme", "--secret", "--body", "--url", "--timestamp", "--id"], flags: ["--help"]
            )
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.sign)
            return ExitStatus.success
        }
        guard let schemeText = options.value("--scheme") else { return usageError("missing --scheme NAME") }
        guard let bodyPath = options.value("--body") else { return usageError("missing --body FILE") }
        var timestamp = time(nil)
        if let text = options.value("--timestamp") {
            guard let value = Int(text), value >= 0 else {
                return usageError("--timestamp expects Unix seconds, got '\(text)'")
            }
            timestamp = value
        }
        var settings: SignatureSettings
        switch self.settings(schemeText) {
        case .success(let loaded): settings = loaded
        case .failure(let problem): return usageError(problem.message)
        }
        if let secret = options.value("--secret") { settings.secrets = [Secret(secret)] }
        guard !settings.secrets.isEmpty else { return usageError("missing --secret S") }
        let body: [UInt8]
        switch BodyFile.read(bodyPath) {
        case .success(let bytes): body = bytes
        case .failure(let problem):
            StandardStream.error("dealhook sign: \(problem.message)")
            return ExitStatus.failure
        }
        do {
            let signature = try SignatureSigner(settings).sign(
                body: body, timestamp: timestamp, url: options.value("--url"), eventID: options.value("--id"))
            var lines = signature.headers.map { "\($0.name): \($0.value)" }
            if !signature.queryItems.isEmpty {
                lines.append("?" + signature.queryItems.map { "\($0.name)=\($0.value)" }.joined(separator: "&"))
            }
            lines += signature.payloadFields.map { "\($0.name)=\($0.value)" }
            StandardStream.output(lines.joined(separator: "\n"))
            return ExitStatus.success
        } catch {
            return usageError(error.description)
        }
    }

    private struct Problem: Error {
        var message: String
    }

    /// A preset name, or a `signature` mapping written as in the config (`{preset: hmac, header: X-Sig}`).
    private static func settings(_ text: String) -> Result<SignatureSettings, Problem> {
        var diagnostics = ConfigDiagnostics()
        let node: YAMLNode
        let location = SourceLocation(file: "--scheme", line: 1, column: 1)
        if text.hasPrefix("{") {
            do throws(ConfigDiagnostics) {
                node = try YAMLNode.parse(text, file: "--scheme")
            } catch {
                return .failure(Problem(message: error.description))
            }
        } else {
            let name = YAMLNode(.scalar(YAMLScalar(value: text, isPlain: false)), at: location)
            node = YAMLNode(.mapping([YAMLNode.Pair(key: "preset", keyLocation: location, value: name)]), at: location)
        }
        guard let settings = SignatureSettings.load(node, path: "scheme", diagnostics: &diagnostics) else {
            let problems =
                text.hasPrefix("{") ? diagnostics.errors.map(\.description) : diagnostics.errors.map(\.message)
            return .failure(Problem(message: problems.joined(separator: "\n")))
        }
        return .success(settings)
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook sign: \(message)\n\n" + Usage.sign)
        return ExitStatus.usage
    }
}

/// The body to sign, read whole.
private enum BodyFile {
    static let maximumSize = 64 * 1024 * 1024

    static func read(_ path: String) -> Result<[UInt8], SignCommandFileError> {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return .failure(SignCommandFileError(path: path)) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else { return .failure(SignCommandFileError(path: path)) }
            guard count > 0 else { return .success(bytes) }
            bytes += chunk[..<count]
            guard bytes.count <= maximumSize else {
                return .failure(SignCommandFileError(path: path, reason: "larger than \(maximumSize) bytes"))
            }
        }
    }
}

private struct SignCommandFileError: Error {
    var message: String

    init(path: String, reason: String? = nil) {
        message = "cannot read '\(path)': \(reason ?? String(cString: strerror(errno)))"
    }
}
