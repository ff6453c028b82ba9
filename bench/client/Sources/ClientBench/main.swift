import Glibc

// Usage: ClientBench --base-url URL --api-key KEY --callers N [--duration S] [--warmup S]
signal(SIGPIPE, SIG_IGN)
exit(ClientBenchmark.run(Array(CommandLine.arguments.dropFirst())))
