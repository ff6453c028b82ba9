import Dispatch
import Glibc
import IOModels

signal(SIGPIPE, SIG_IGN)
let options = ServerOptions(Array(CommandLine.arguments.dropFirst()))
do {
    let server = try DispatchServer(port: options.port)
    server.start()
    ServerOptions.announce(port: server.port)
    withExtendedLifetime(server) { dispatchMain() }
} catch {
    ServerOptions.writeLine("dispatch-server: \(error)", to: STDERR_FILENO)
    exit(1)
}
