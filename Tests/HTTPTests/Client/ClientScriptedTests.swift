import Dispatch
import Glibc
import HTTP
import Testing

@Suite("Client: against scripted servers")
struct ClientScriptedTests {
    private static func client(_ configure: (inout HTTPClientConfiguration) -> Void = { _ in }) throws -> HTTPClient {
        var configuration = HTTPClientConfiguration()
        configure(&configuration)
        return try HTTPClient(configuration: configuration)
    }

    @Test func chunkedResponseWithTrailersIsAssembled() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.send(
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n1;ext=1\r\n \r\n5\r\nworld\r\n"
                    + "0\r\nX-Checksum: abc\r\n\r\n")
            connection.readRequest()
            connection.send("HTTP/1.1 204 No Content\r\n\r\n")
        }
        let client = try Self.client()
        let response = try client.execute(HTTPClientRequest(url: server.url()))
        #expect(response.bodyText == "hello world")
        #expect(response.trailers["X-Checksum"] == "abc")
        #expect(try client.execute(HTTPClientRequest(url: server.url())).status == .noContent)
        #expect(server.acceptedConnections == 1)
    }

    @Test func bodyUntilCloseIsReadAndTheConnectionNotReused() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.send("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it")
        }
        let client = try Self.client()
        #expect(try client.execute(HTTPClientRequest(url: server.url())).bodyText == "all of it")
        #expect(try client.execute(HTTPClientRequest(url: server.url())).bodyText == "all of it")
        #expect(client.statistics.connectionsOpened == 2)
    }

    @Test func requestTimeoutAgainstAServerThatNeverAnswers() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.waitForClose()
        }
        let client = try Self.client { $0.requestTimeout = .milliseconds(200) }
        let start = MonotonicClock.now()
        let error = clientError { _ = try client.execute(HTTPClientRequest(method: "POST", url: server.url())) }
        #expect(error?.code == .requestTimeout)
        #expect(error?.requestSent == true)
        #expect(error?.reason.contains("waiting for the response") == true)
        #expect((0.18..<1.0).contains(secondsSince(start)))
    }

    @Test func totalTimeoutBoundsTheWholeCall() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc")
            connection.waitForClose()
        }
        let client = try Self.client { $0.totalTimeout = .milliseconds(150) }
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: server.url())) }
        #expect(error?.code == .totalTimeout)
        #expect(error?.reason.contains("reading the response") == true)
    }

    @Test func callersBeyondThePoolWaitWithinTheirRequestTimeout() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            usleep(400_000)
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")
        }
        let client = try Self.client {
            $0.maxConnectionsPerHost = 1
            $0.requestTimeout = .milliseconds(150)
        }
        let url = server.url()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            _ = try? client.execute(HTTPClientRequest(url: url, timeout: .seconds(5)))
        }
        // The first call holds the pool's only connection once the server has it (however busy the machine).
        let deadline = ContinuousClock.now + .seconds(5)
        while server.acceptedConnections < 1 && ContinuousClock.now < deadline { usleep(5_000) }
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: url)) }
        #expect(error?.code == .requestTimeout)
        #expect(error?.requestSent == false)
        #expect(error?.reason.contains("waiting for one of the 1 connections") == true)
        group.wait()
        #expect(server.acceptedConnections == 1)
    }

    /// The keep-alive race: the server closes a reused connection after reading the request, without answering.
    private static func racingServer() -> ScriptedServer {
        ScriptedServer { connection, index in
            connection.readRequest()
            connection.send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst")
            guard index == 0 else { return }
            connection.readRequest()  // the second request: read, then dropped unanswered
        }
    }

    @Test func idempotentRequestIsRetriedOnceAfterTheConnectionIsLost() throws {
        let server = Self.racingServer()
        let client = try Self.client()
        #expect(try client.execute(HTTPClientRequest(url: server.url())).bodyText == "first")
        #expect(try client.execute(HTTPClientRequest(method: "PUT", url: server.url())).bodyText == "first")
        #expect(client.statistics.retries == 1)
        #expect(server.acceptedConnections == 2)
    }

    @Test func nonIdempotentRequestIsNotRetriedOnceSent() throws {
        let server = Self.racingServer()
        let client = try Self.client()
        #expect(try client.execute(HTTPClientRequest(method: "POST", url: server.url())).bodyText == "first")
        let error = clientError { _ = try client.execute(HTTPClientRequest(method: "POST", url: server.url())) }
        #expect(error?.code == .connectionClosed)
        #expect(error?.requestSent == true)
        #expect(client.statistics.retries == 0)
        #expect(server.acceptedConnections == 1)
    }

    @Test func freshConnectionClosedBeforeTheResponseIsNotRetried() throws {
        let server = ScriptedServer { connection, _ in connection.readRequest() }
        let client = try Self.client()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: server.url())) }
        #expect(error?.code == .connectionClosed)
        #expect(error?.requestSent == true)
        #expect(error?.reason.contains("before a response") == true)
        #expect(server.acceptedConnections == 1)
    }

    @Test(arguments: [
        "HTTP/2 200 OK\r\n\r\n", "HTTP/1.1 2000 OK\r\n\r\n", "HTTP/1.1 200 OK\nContent-Length: 0\n\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
        "HTTP/1.1 200 OK\r\nContent-Encoding: br\r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: 4\r\n\r\nnope",
        "HTTP/1.1 101 Switching Protocols\r\n\r\n",
    ])
    func malformedResponsesAreRefused(response: String) throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.send(response)
        }
        let client = try Self.client()
        let error = clientError { _ = try client.execute(HTTPClientRequest(url: server.url())) }
        #expect(error?.code == .malformedResponse, "\(String(describing: error))")
    }

    @Test func interimResponsesAreSkipped() throws {
        let server = ScriptedServer { connection, _ in
            connection.readRequest()
            connection.send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\nok")
        }
        let response = try Self.client().execute(HTTPClientRequest(method: "POST", url: server.url()))
        #expect(response.status == .created)
        #expect(response.bodyText == "ok")
    }
}
