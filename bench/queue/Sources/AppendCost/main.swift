import Foundation
import Queue

// Usage: AppendCost BATCHES EVENTS-PER-BATCH DIRECTORY [same-subject|distinct-subjects] [dedupe]
//
// The queue writer's cost per event at a fixed group-commit batch size: appends BATCHES batches of
// EVENTS-PER-BATCH form-like events (the shipped contact form's body, headers and plan sizes), one append call
// per batch, each waited for, so the writer commits exactly one batch per transaction. Prints the process's CPU
// time (user and system) per event; under `valgrind --tool=callgrind`, the difference between two runs with
// different BATCHES is the user-space instruction count per batch, repeatable whatever else the machine does.
let arguments = CommandLine.arguments
guard arguments.count >= 4, let batches = Int(arguments[1]), let perBatch = Int(arguments[2]) else {
    FileHandle.standardError.write(Data("usage: AppendCost BATCHES EVENTS-PER-BATCH DIRECTORY [same-subject|distinct-subjects] [dedupe]\n".utf8))
    exit(2)
}
let distinctSubjects = arguments.count > 4 && arguments[4] == "distinct-subjects"
let dedupe = arguments.count > 5 && arguments[5] == "dedupe"
let path = arguments[3] + "/append-cost-\(getpid()).sqlite"
defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
let store: SQLiteEventStore
do { store = try SQLiteEventStore(path: path) } catch { fatalError("cannot open \(path): \(error)") }
let body = Array(
    "name=Ada+Lovelace&email=ada%40example.com&phone=%2B44+20+7946+0000&company=Analytical+Engines+Ltd&budget=12000&message=We+would+like+a+demo+of+the+growth+plan+for+a+team+of+twelve.".utf8)
let plan = [UInt8](repeating: 0x61, count: 738)
let headers = [Header(name: "Content-Type", value: "application/x-www-form-urlencoded")]
var serial = 0
/// User and system CPU seconds of the process so far.
func cpuSeconds() -> (user: Double, system: Double) {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return (
        Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6,
        Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    )
}
let startCPU = cpuSeconds()
let start = ContinuousClock.now
for _ in 0..<batches {
    let events = (0..<perBatch).map { _ in
        serial += 1
        return NewEvent(
            route: "website-contact", receivedAt: .now(), body: body, headers: headers,
            subject: distinctSubjects ? "visitor\(serial)@example.com" : "ada@example.com", plan: plan,
            dedupeKey: dedupe ? "evt_\(serial)" : nil)
    }
    do { _ = try store.append(events) } catch { fatalError("append failed: \(error)") }
}
let elapsed = ContinuousClock.now - start
let endCPU = cpuSeconds()
let user = endCPU.user - startCPU.user
let system = endCPU.system - startCPU.system
store.close()
let count = Double(batches * perBatch)
let wall = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print(
    String(
        format: "%d batches of %d: per event %.1f µs CPU (%.1f user, %.1f system), %.1f µs wall; %.0f µs CPU per commit",
        batches, perBatch, (user + system) / count * 1e6, user / count * 1e6, system / count * 1e6, wall / count * 1e6,
        (user + system) / Double(batches) * 1e6))
