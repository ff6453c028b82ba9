import Glibc

/// The command line both servers take: `--port N` (default 0, an ephemeral port).
public struct ServerOptions: Sendable {
    public var port: UInt16 = 0

    /// Parses `arguments` (without the program name); exits with status 2 and a usage line on a mistake.
    public init(_ arguments: [String]) {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            if argument == "--port", let value = rest.popFirst(), let port = UInt16(value) {
                self.port = port
            } else {
                Self.writeLine("usage: \(CommandLine.arguments[0]) [--port N]", to: STDERR_FILENO)
                exit(2)
            }
        }
    }

    /// Prints the address the server listens on, the line `bench/io-models/run` waits for.
    public static func announce(port: UInt16) {
        writeLine("listening on http://127.0.0.1:\(port)", to: STDOUT_FILENO)
    }

    /// Writes `text` and a newline straight to a descriptor (unbuffered, so a pipe sees it at once).
    public static func writeLine(_ text: String, to fileDescriptor: Int32) {
        let bytes = Array((text + "\n").utf8)
        _ = bytes.withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
    }
}
