import Foundation

/// The built `dealhook` executable run as a child process, as an operator would run it.
public final class DealhookProcess {
    public let process = Process()
    private let stdout = Pipe()
    private let stderrFile: URL
    private var seenOutput = ""

    /// The path of the `dealhook` binary built beside the test bundle.
    public static var executablePath: String {
        let testBinary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        var directory = testBinary.deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("dealhook").path),
            directory.path != "/"
        {
            directory = directory.deletingLastPathComponent()
        }
        return directory.appendingPathComponent("dealhook").path
    }

    /// Starts `dealhook` with `arguments`; standard error goes to a temporary file (see `standardError`).
    public init(_ arguments: [String], environment: [String: String] = [:]) throws {
        stderrFile = FileManager.default.temporaryDirectory.appendingPathComponent("dealhook-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: stderrFile.path, contents: nil)
        process.executableURL = URL(fileURLWithPath: Self.executablePath)
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        for key in env.keys where key.hasPrefix("DEALHOOK_") || key.hasPrefix("TEAMOPIPE_") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = stdout
        process.standardError = try FileHandle(forWritingTo: stderrFile)
        try process.run()
    }

    deinit {
        if process.isRunning { process.terminate() }
        try? FileManager.default.removeItem(at: stderrFile)
    }

    /// Reads standard output until a line `dealhook listening on http://HOST:PORT` and returns the port.
    public func waitForListeningPort() throws -> UInt16 {
        let line = try waitForLine(startingWith: "dealhook listening on ")
        guard let colon = line.lastIndex(of: ":"), let port = UInt16(line[line.index(after: colon)...]) else {
            throw TestConnectionError(message: "no port in '\(line)'")
        }
        return port
    }

    /// Reads standard output until a line that starts with `prefix` (or one already read) and returns it.
    public func waitForLine(startingWith prefix: String) throws -> String {
        let handle = stdout.fileHandleForReading
        while true {
            if let line = seenOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }) {
                return String(line)
            }
            let data = handle.availableData
            if data.isEmpty {
                throw TestConnectionError(
                    message: "dealhook exited before printing '\(prefix)…'; stderr: \(standardError)")
            }
            seenOutput += String(decoding: data, as: UTF8.self)
        }
    }

    /// Sends `signal` to the process.
    public func send(signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit (up to `seconds`) and returns its status, or nil if it is still running.
    public func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Everything written to standard error so far.
    public var standardError: String {
        (try? String(contentsOf: stderrFile, encoding: .utf8)) ?? ""
    }

    /// Runs `dealhook` with `arguments` to completion and returns its exit status, stdout and stderr.
    ///
    /// The environment is the test's own without `DEALHOOK_*` and `TEAMOPIPE_*`, plus `environment`; with
    /// `inheritEnvironment: false` it is exactly `environment`. `input` is written to standard input; `directory`
    /// is the working directory (default: the test's).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], inheritEnvironment: Bool = true,
        input: String? = nil, directory: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executablePath)
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment : [:]
        for key in env.keys where key.hasPrefix("DEALHOOK_") || key.hasPrefix("TEAMOPIPE_") { env[key] = nil }
        env.merge(environment) { $1 }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let stdin = Pipe()
        let out = Pipe()
        let err = Pipe()
        process.standardInput = stdin
        process.standardOutput = out
        process.standardError = err
        try process.run()
        stdin.fileHandleForWriting.write(Data((input ?? "").utf8))
        try stdin.fileHandleForWriting.close()
        // Standard error is read on another thread so that neither pipe can fill up and stall the child.
        let errorData = BackgroundReader(err.fileHandleForReading)
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self),
            String(decoding: errorData.wait(), as: UTF8.self)
        )
    }
}

/// Reads a file handle to its end on a background thread.
private final class BackgroundReader: @unchecked Sendable {
    // `data` is written once by the reading thread before `done` is signalled, and read only after.
    private var data = Data()
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        Thread.detachNewThread { [self] in
            data = handle.readDataToEndOfFile()
            done.signal()
        }
    }

    func wait() -> Data {
        done.wait()
        return data
    }
}
