import CPosix
import Glibc
import Logging

/// One accepted socket: reads requests through a `RequestDecoder`, hands each to the responder, writes the
/// responses back in order, and enforces the header, body, idle and write deadlines.
///
/// Confined to its event loop's thread. One request is answered at a time; bytes of pipelined requests wait in
/// the input buffer (bounded; reading pauses when it is full), which keeps responses in request order.
final class HTTPConnection {
    let fileDescriptor: Int32
    /// Distinguishes this connection from a later one that reuses the same descriptor.
    let id: UInt64
    private let remoteAddress: String
    private unowned let loop: EventLoop
    private let shared: ServerShared
    private let logger: Logger
    /// How a request's context hands work to this connection's loop: made once, not for every request. A loop
    /// that has stopped runs nothing: the work then runs at once (its response goes nowhere, as any).
    private let connectionThread: @Sendable (@escaping @Sendable () -> Void) -> Void
    private var decoder: RequestDecoder
    private var input: [UInt8] = []
    private var inputStart = 0
    private var output: [UInt8] = []
    private var outputStart = 0
    private var phase: Phase = .reading
    private var deadline = Deadline.none
    private var writeDeadline: UInt64 = 0
    private var readPaused = false
    private var inputEnded = false
    private var draining = false
    private var processing = false
    private var closed = false

    private enum Phase {
        /// Decoding the next request.
        case reading
        /// A request is with the responder; its response has not been written yet.
        case responding(ResponseFraming)
        /// The last response is being written; then the connection closes.
        case closingAfterWrite
        /// Our side is shut down; unread input is discarded until the peer closes or the linger time ends.
        case lingering
    }

    private struct ResponseFraming {
        var version: HTTPVersion
        var keepAlive: Bool
        var headOnly: Bool
    }

    private struct Deadline {
        enum Kind { case none, header, body, idle, linger }
        var kind: Kind
        var at: UInt64
        static let none = Deadline(kind: .none, at: 0)
    }

    /// Bytes of pipelined input buffered while a response is pending, before reading pauses.
    private var pipelineBufferLimit: Int { shared.configuration.parserLimits.maxHeaderBytes + 64 * 1024 }
    private static let lingerTime: UInt64 = 2_000_000_000

    init(
        fileDescriptor: Int32, id: UInt64, remoteAddress: String, loop: EventLoop, shared: ServerShared,
        logger: Logger
    ) {
        self.fileDescriptor = fileDescriptor
        self.id = id
        self.remoteAddress = remoteAddress
        self.loop = loop
        self.shared = shared
        self.logger = logger
        connectionThread = { [loop] work in if !loop.execute(work) { work() } }
        decoder = RequestDecoder(
            limits: shared.configuration.parserLimits, maxInflatedBodySize: shared.configuration.maxInflatedBodySize)
        deadline = Deadline(kind: .header, at: MonotonicClock.now() + shared.headerTimeout)
    }

    /// Reacts to epoll readiness flags.
    func handleEvents(_ flags: UInt32) {
        if flags & EPOLLERR.rawValue != 0 {
            close()
            return
        }
        if flags & EPOLLOUT.rawValue != 0 && outputStart < output.count {
            flush()
        }
        if flags & (EPOLLRDHUP.rawValue | EPOLLHUP.rawValue) != 0 {
            readInput()
        } else if flags & EPOLLIN.rawValue != 0 {
            readInput(stopAtShortRead: true)
        }
    }

    /// Writes `response` for the request being answered (a second response for it is ignored).
    func send(_ response: HTTPResponse) {
        guard !closed, case .responding(let framing) = phase else { return }
        let keepAlive = framing.keepAlive && !draining && !inputEnded
        loop.encoder.encode(
            response, version: framing.version, keepAlive: keepAlive, headOnly: framing.headOnly, into: &output)
        if keepAlive {
            phase = .reading
            let now = MonotonicClock.now()
            deadline = inputStart < input.count
                ? Deadline(kind: .header, at: now + shared.headerTimeout)
                : Deadline(kind: .idle, at: now + shared.idleTimeout)
        } else {
            phase = .closingAfterWrite
        }
        flush()
        guard keepAlive, !closed, !processing else { return }
        processInput()
        if readPaused {
            readPaused = false
            readInput()
        }
    }

    /// Resets the connection instead of answering the request being answered (`HTTPResponseWriter.abort`).
    func abortResponse() {
        guard !closed, case .responding = phase else { return }
        logger.debug("connection reset by the responder", ["remote": .string(remoteAddress)])
        // A zero linger time makes close(2) send a RST rather than a FIN: the peer sees a reset, as after a crash.
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fileDescriptor, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Closes the connection as soon as it is between requests (server shutdown).
    func drain() {
        draining = true
        if case .reading = phase, decoder.isBetweenRequests, inputStart == input.count {
            close()
        }
    }

    /// Enforces whichever deadline is due.
    func checkDeadline(now: UInt64) {
        if writeDeadline != 0 && now >= writeDeadline {
            logger.debug("closing connection: peer stopped reading", ["remote": .string(remoteAddress)])
            close()
            return
        }
        guard deadline.kind != .none, now >= deadline.at else { return }
        switch deadline.kind {
        case .header, .body:
            guard case .reading = phase else { return }
            let what = deadline.kind == .header ? "request head" : "request body"
            logger.info("request timed out", ["remote": .string(remoteAddress), "waiting_for": .string(what)])
            deadline = .none
            phase = .responding(ResponseFraming(version: .http1_1, keepAlive: false, headOnly: false))
            send(ProblemBody.response(status: .requestTimeout, detail: "the \(what) did not arrive in time"))
        case .idle, .linger:
            close()
        case .none:
            break
        }
    }

    /// Closes the socket and tells the loop.
    func close() {
        guard !closed else { return }
        closed = true
        Glibc.close(fileDescriptor)
        loop.connectionClosed(self)
    }

    /// Reads and processes what the socket has; `stopAtShortRead` when the peer has not closed its side (see
    /// `EventLoop.readAvailable`).
    private func readInput(stopAtShortRead: Bool = false) {
        guard !closed, !inputEnded else { return }
        let outcome = loop.readAvailable(from: fileDescriptor, stopAtShortRead: stopAtShortRead) { chunk in
            if case .lingering = phase { return true }
            input.append(contentsOf: chunk)
            if case .reading = phase { processInput() }
            if closed { return false }
            if case .reading = phase { return true }
            return input.count - inputStart < pipelineBufferLimit
        }
        switch outcome {
        case .wouldBlock:
            break
        case .paused:
            readPaused = true
        case .failed:
            close()
        case .endOfInput:
            inputEnded = true
            switch phase {
            case .reading, .lingering: close()
            case .responding, .closingAfterWrite: break
            }
        }
    }

    private func processInput() {
        guard !processing else { return }
        processing = true
        defer { processing = false }
        while !closed, case .reading = phase {
            // A closure literal, not `responder.bodyLimit`: that method reference would be a heap-allocated
            // closure on every pass.
            let responder = shared.responder
            let (consumed, event) = input.withUnsafeBytes { raw in
                decoder.decode(UnsafeRawBufferPointer(rebasing: raw[inputStart...])) { responder.bodyLimit(for: $0) }
            }
            inputStart += consumed
            switch event {
            case .needMore:
                if deadline.kind == .idle && inputStart < input.count {
                    deadline = Deadline(kind: .header, at: MonotonicClock.now() + shared.headerTimeout)
                }
                compactInput()
                return
            case .headReceived(_, let expectsContinue):
                deadline = Deadline(kind: .body, at: MonotonicClock.now() + shared.bodyTimeout)
                if expectsContinue && inputStart == input.count {
                    output.append(contentsOf: ResponseEncoder.continueResponse)
                    flush()
                }
            case .request(let request):
                deadline = .none
                let framing = ResponseFraming(
                    version: request.head.version, keepAlive: request.head.keepAlive && !draining,
                    headOnly: request.head.method == "HEAD")
                phase = .responding(framing)
                dispatch(request)
            case .failure(let error):
                logger.info(
                    "request refused",
                    ["remote": .string(remoteAddress), "status": .int(error.status.code), "reason": .string(error.reason)])
                deadline = .none
                phase = .responding(ResponseFraming(version: .http1_1, keepAlive: false, headOnly: false))
                send(ProblemBody.response(status: error.status, detail: error.reason))
                return
            }
        }
    }

    private func dispatch(_ request: HTTPRequest) {
        let context = HTTPRequestContext(
            remoteAddress: remoteAddress, receivedAt: MonotonicClock.now(), connectionThread: connectionThread)
        let writer = HTTPResponseWriter(
            { [loop, fileDescriptor, id] response in
                loop.execute { loop.deliver(response, fileDescriptor: fileDescriptor, connectionID: id) }
            },
            abort: { [loop, fileDescriptor, id] in
                loop.execute { loop.abort(fileDescriptor: fileDescriptor, connectionID: id) }
            })
        shared.responder.respond(to: request, context: context, writer: writer)
    }

    private func flush() {
        while outputStart < output.count {
            let written = output.withUnsafeBytes { raw in
                dealhook_send(fileDescriptor, raw.baseAddress! + outputStart, raw.count - outputStart)
            }
            if written > 0 {
                outputStart += written
                continue
            }
            if written < 0 && errno == EINTR { continue }
            if written < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if writeDeadline == 0 { writeDeadline = MonotonicClock.now() + shared.idleTimeout }
                return
            }
            close()
            return
        }
        writeDeadline = 0
        outputStart = 0
        output.removeAll(keepingCapacity: output.capacity <= 64 * 1024)
        if case .closingAfterWrite = phase { startLingering() }
    }

    /// Half-closes and drains what the peer still sends, so that our last response is not destroyed by a reset
    /// (RFC 9112 §9.6).
    private func startLingering() {
        if inputEnded {
            close()
            return
        }
        shutdown(fileDescriptor, Int32(SHUT_WR))
        phase = .lingering
        input = []
        inputStart = 0
        deadline = Deadline(kind: .linger, at: MonotonicClock.now() + Self.lingerTime)
        readInput()
    }

    private func compactInput() {
        if inputStart == input.count {
            input.removeAll(keepingCapacity: input.capacity <= 256 * 1024)
            inputStart = 0
        } else if inputStart >= 32 * 1024 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
    }
}
