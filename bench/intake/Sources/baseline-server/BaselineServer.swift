import Dispatch
import Glibc
import HTTP
import Logging

/// Parses the command line, opens the store, serves on Dealhook's `HTTPServer` until killed.
enum BaselineServer {
    static func main(_ arguments: [String]) -> Never {
        var port: UInt16 = 0
        var path: String?
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch (argument, rest.popFirst()) {
            case ("--port", let value?) where UInt16(value) != nil: port = UInt16(value)!
            case ("--db", let value?): path = value
            default: fail("usage: baseline-server --db PATH [--port N]", status: 2)
            }
        }
        guard let path else { fail("usage: baseline-server --db PATH [--port N]", status: 2) }
        do {
            let store = try SingleCommitStore(path: path)
            let server = HTTPServer(
                configuration: HTTPServerConfiguration(addresses: [BindAddress(host: "127.0.0.1", port: port)]),
                responder: BaselineResponder(store: store),
                logger: Logger(level: .warning, handler: JSONLinesLogHandler()))
            let bound = try server.start()
            writeLine("listening on http://127.0.0.1:\(bound[0].port)", to: STDOUT_FILENO)
            withExtendedLifetime(server) { dispatchMain() }
        } catch {
            fail("baseline-server: \(error)", status: 1)
        }
    }

    static func fail(_ message: String, status: Int32) -> Never {
        writeLine(message, to: STDERR_FILENO)
        exit(status)
    }

    /// Writes `text` and a newline straight to a descriptor (unbuffered, so a pipe sees it at once).
    static func writeLine(_ text: String, to fileDescriptor: Int32) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
    }
}
