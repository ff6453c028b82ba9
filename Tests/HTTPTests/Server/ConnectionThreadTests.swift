import Dispatch
import Foundation
import Glibc
import HTTP
import Synchronization
import TestSupport
import Testing

/// Answers from another thread, through `onConnectionThread`, saying whether the answer was made on the thread
/// that called `respond` (the connection's event loop).
private struct HandOverResponder: HTTPResponder {
    func bodyLimit(for head: HTTPRequestHead) -> Int { 1024 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let loopThread = ThreadBox(pthread_self())
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(20)) {
            precondition(pthread_equal(pthread_self(), loopThread.thread) == 0)
            context.onConnectionThread {
                let same = pthread_equal(pthread_self(), loopThread.thread) != 0
                writer.write(HTTPResponse(status: .ok, body: Array((same ? "loop" : "elsewhere").utf8)))
            }
        }
    }
}

private struct ThreadBox: @unchecked Sendable {
    let thread: pthread_t
    init(_ thread: pthread_t) { self.thread = thread }
}

@Suite("Server: work handed to the connection's thread")
struct ConnectionThreadTests {
    @Test func workHandedOverRunsOnTheConnectionsEventLoop() throws {
        let live = try LiveServer(responder: HandOverResponder())
        let client = try live.connect()
        for _ in 0..<3 {
            try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
            #expect(try client.readResponse().text == "loop")
        }
    }

    @Test func withoutAConnectionTheWorkRunsAtOnce() {
        let context = HTTPRequestContext(remoteAddress: "127.0.0.1", receivedAt: 0)
        let ranOn = Mutex<pthread_t?>(nil)
        context.onConnectionThread { ranOn.withLock { $0 = pthread_self() } }
        #expect(ranOn.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } } == true)
    }
}

/// Answers with the name of the thread that serves the request, as `/proc` shows it.
private struct ThreadNameResponder: HTTPResponder {
    func bodyLimit(for head: HTTPRequestHead) -> Int { 1024 }

    func respond(to request: HTTPRequest, context: HTTPRequestContext, writer: HTTPResponseWriter) {
        let name = (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8)) ?? "unreadable"
        writer.write(HTTPResponse(status: .ok, body: Array(name.utf8)))
    }
}

@Suite("Server: thread names")
struct ThreadNameTests {
    /// `top -H` tells an operator which loop is busy.
    @Test func requestsAreServedOnThreadsNamedEventLoop() throws {
        let live = try LiveServer(responder: ThreadNameResponder())
        let client = try live.connect()
        try client.send("GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        let name = try client.readResponse().text
        #expect(name.hasPrefix("event-loop-"), "served on a thread named '\(name)'")
    }
}
