import Dispatch
import Glibc
import IOModels

signal(SIGPIPE, SIG_IGN)
let options = ServerOptions(Array(CommandLine.arguments.dropFirst()))
do {
    let (server, port) = try EpollModel.start(port: options.port)
    ServerOptions.announce(port: port)
    withExtendedLifetime(server) { dispatchMain() }
} catch {
    ServerOptions.writeLine("epoll-server: \(error)", to: STDERR_FILENO)
    exit(1)
}
