QueueBenchmark.run(arguments: Array(CommandLine.arguments.dropFirst()))
