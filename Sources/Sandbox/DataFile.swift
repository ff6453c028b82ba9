import Dispatch
import Foundation
import JSON
import Logging
import Synchronization

/// The JSON file a sandbox keeps its objects and idempotency keys in (`--data FILE`).
///
/// Saving is asynchronous and coalesced: the latest state is written on a serial queue, to a temporary file that
/// is synced and then renamed over the old one, so that a crash leaves either the old or the new file whole.
final class DataFile: Sendable {
    /// The format name written in the file and checked on load.
    static let format = "dealhook-sandbox/1"

    let path: String
    private let logger: Logger
    private let queue = DispatchQueue(label: "dealhook.sandbox.data-file")
    private let pending = Mutex<(Workspace, IdempotencyCache)?>(nil)

    init(path: String, logger: Logger) {
        self.path = path
        self.logger = logger
    }

    /// Replaces `workspace` and `idempotency` with what the file holds. When there is no file yet, writes one at
    /// once, so that a path that cannot be written fails at start rather than at the first change.
    func load(into workspace: inout Workspace, _ idempotency: inout IdempotencyCache) throws(SandboxError) {
        guard FileManager.default.fileExists(atPath: path) else {
            try write(Self.document(workspace, idempotency))
            return
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SandboxError("cannot read the data file \(path)")
        }
        let document: JSONValue
        do {
            document = try JSONValue(parsing: [UInt8](data))
        } catch {
            throw SandboxError("the data file \(path) is not JSON: \(error.description)")
        }
        guard document["format"]?.stringValue == Self.format, let objects = document["workspace"],
            let keys = document["idempotency"]
        else {
            throw SandboxError("the data file \(path) is not a sandbox data file (format \(Self.format))")
        }
        do {
            try workspace.restore(objects)
            try idempotency.restore(keys)
        } catch {
            throw SandboxError("the data file \(path) is damaged: \(error.message)")
        }
    }

    /// Schedules writing this state (a later call before the write replaces it).
    func save(_ workspace: Workspace, _ idempotency: IdempotencyCache) {
        pending.withLock { $0 = (workspace, idempotency) }
        queue.async { [self] in
            let latest = pending.withLock { state in
                defer { state = nil }
                return state
            }
            guard let (workspace, idempotency) = latest else { return }
            do throws(SandboxError) {
                try write(Self.document(workspace, idempotency))
            } catch {
                logger.error("cannot write the sandbox data file", ["error": .string(error.message)])
            }
        }
    }

    /// Waits until every scheduled write is done.
    func flush() {
        queue.sync {}
    }

    private static func document(_ workspace: Workspace, _ idempotency: IdempotencyCache) -> JSONValue {
        ["format": .string(format), "workspace": workspace.snapshot, "idempotency": idempotency.snapshot]
    }

    private func write(_ document: JSONValue) throws(SandboxError) {
        let temporary = path + ".tmp"
        let bytes = document.jsonBytes
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SandboxError("cannot write \(temporary): \(String(cString: strerror(errno)))") }
        var failure: Int32 = 0
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                failure = errno
                break
            }
            offset += written
        }
        if failure == 0 && fsync(fd) != 0 { failure = errno }
        close(fd)
        if failure == 0 && rename(temporary, path) != 0 { failure = errno }
        guard failure == 0 else {
            unlink(temporary)
            throw SandboxError("cannot write \(path): \(String(cString: strerror(failure)))")
        }
    }
}
