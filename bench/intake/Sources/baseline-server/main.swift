import Dispatch
import Glibc
import HTTP
import Logging

// Usage: baseline-server --db PATH [--port N]; prints "listening on http://127.0.0.1:PORT" once bound.
signal(SIGPIPE, SIG_IGN)
BaselineServer.main(Array(CommandLine.arguments.dropFirst()))
