import Dispatch
import Glibc
import HTTP

/// One accepted socket of the DispatchSource model: reads until `EAGAIN` when its read source fires, answers
/// every complete request in order, and writes until `EAGAIN`, resuming a write source for the rest.
///
/// Everything after `start` runs on `queue` (serial), which is what makes the `@unchecked Sendable` sound. The
/// sources' handlers hold the connection; cancelling both releases it.
final class DispatchConnection: @unchecked Sendable {
    private let fileDescriptor: Int32
    private let queue: DispatchQueue
    private var readSource: DispatchSourceRead?
    private var writeSource: DispatchSourceWrite?
    private var writeSuspended = true
    private var pendingCancellations = 0
    private var decoder = RequestDecoder(limits: HTTPParserLimits(), maxInflatedBodySize: 4 * 1024 * 1024)
    private var encoder = ResponseEncoder()
    private var input: [UInt8] = []
    private var inputStart = 0
    private var output: [UInt8] = []
    private var outputStart = 0
    private var closeAfterWrite = false
    private var closed = false

    private static let readChunk = 16 * 1024

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
        queue = DispatchQueue(label: "io-models.connection", target: .global())
    }

    func start() {
        let source = DispatchSource.makeReadSource(fileDescriptor: fileDescriptor, queue: queue)
        source.setEventHandler { [self] in readAvailable() }
        source.setCancelHandler { [self] in cancelled() }
        readSource = source
        pendingCancellations = 1
        source.resume()
    }

    private func readAvailable() {
        guard !closed else { return }
        var endOfInput = false
        while true {
            let start = input.count
            input.append(contentsOf: repeatElement(0, count: Self.readChunk))
            let count = input.withUnsafeMutableBytes { raw in
                read(fileDescriptor, raw.baseAddress! + start, Self.readChunk)
            }
            input.removeLast(Self.readChunk - max(count, 0))
            if count > 0 { continue }
            if count == 0 {
                endOfInput = true
            } else if errno == EINTR {
                continue
            } else if errno != EAGAIN && errno != EWOULDBLOCK {
                close()
                return
            }
            break
        }
        processInput()
        flush()
        if endOfInput && !closed && outputStart == output.count { close() }
        if endOfInput { closeAfterWrite = true }
    }

    private func processInput() {
        while !closeAfterWrite {
            let (consumed, event) = input.withUnsafeBytes { raw in
                decoder.decode(UnsafeRawBufferPointer(rebasing: raw[inputStart...])) { _ in HealthEndpoint.maxBodySize }
            }
            inputStart += consumed
            switch event {
            case .needMore, .headReceived:
                if inputStart == input.count {
                    input.removeAll(keepingCapacity: true)
                    inputStart = 0
                }
                if case .needMore = event { return }
            case .request(let request):
                let keepAlive = request.head.keepAlive
                encoder.encode(
                    HealthEndpoint.response(to: request.head), version: request.head.version, keepAlive: keepAlive,
                    headOnly: request.head.method == "HEAD", into: &output)
                if !keepAlive { closeAfterWrite = true }
            case .failure(let error):
                encoder.encode(
                    ProblemBody.response(status: error.status, detail: error.reason), version: .http1_1,
                    keepAlive: false, headOnly: false, into: &output)
                closeAfterWrite = true
            }
        }
    }

    private func flush() {
        while outputStart < output.count {
            let written = output.withUnsafeBytes { raw in
                send(fileDescriptor, raw.baseAddress! + outputStart, raw.count - outputStart, Int32(MSG_NOSIGNAL))
            }
            if written > 0 {
                outputStart += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                waitUntilWritable()
                return
            } else {
                close()
                return
            }
        }
        output.removeAll(keepingCapacity: true)
        outputStart = 0
        if !writeSuspended {
            writeSuspended = true
            writeSource?.suspend()
        }
        if closeAfterWrite { close() }
    }

    private func waitUntilWritable() {
        if writeSource == nil {
            let source = DispatchSource.makeWriteSource(fileDescriptor: fileDescriptor, queue: queue)
            source.setEventHandler { [self] in flush() }
            source.setCancelHandler { [self] in cancelled() }
            writeSource = source
            pendingCancellations += 1
        }
        if writeSuspended {
            writeSuspended = false
            writeSource?.resume()
        }
    }

    private func close() {
        guard !closed else { return }
        closed = true
        readSource?.cancel()
        if let writeSource {
            writeSource.cancel()
            // A suspended source never delivers its cancellation.
            if writeSuspended {
                writeSuspended = false
                writeSource.resume()
            }
        }
    }

    /// The descriptor is closed only once every source on it has been cancelled, as libdispatch requires.
    private func cancelled() {
        pendingCancellations -= 1
        guard pendingCancellations == 0 else { return }
        Glibc.close(fileDescriptor)
        readSource = nil
        writeSource = nil
    }
}
