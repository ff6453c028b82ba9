import Foundation
import HTTP
import Intake
import Rules

// Usage: intake-cost CONFIG ROUTE BODY-FILE CONTENT-TYPE COUNT [Header: value]...
//
// Runs one route's intake (signature, decoding, spam guards, planning) and writes the plan's bytes, as `serve`
// does for an accepted event, COUNT times in process: no sockets, no queue. Under `valgrind --tool=callgrind`
// the instruction count per event is repeatable whatever else the machine is doing, which wall-clock figures on
// a shared 2-core machine are not (bench/intake/cost runs it so).
let arguments = CommandLine.arguments
guard arguments.count >= 6, let count = Int(arguments[5]) else {
    let usage = "usage: intake-cost CONFIG ROUTE BODY-FILE CONTENT-TYPE COUNT [Header: value]...\n"
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
do {
    let config = try DealhookConfig.load(file: arguments[1], environment: ProcessInfo.processInfo.environment)
    guard let route = config.routes.first(where: { $0.name == arguments[2] }) else {
        FileHandle.standardError.write(Data("intake-cost: no route '\(arguments[2])' in \(arguments[1])\n".utf8))
        exit(2)
    }
    let body = Array(try Data(contentsOf: URL(fileURLWithPath: arguments[3])))
    var headers = HTTPHeaders()
    headers.add(name: "Host", value: "127.0.0.1")
    headers.add(name: "Content-Type", value: arguments[4])
    headers.add(name: "Content-Length", value: String(body.count))
    for header in arguments.dropFirst(6) {
        guard let colon = header.firstIndex(of: ":") else { continue }
        headers.add(
            name: String(header[..<colon]),
            value: String(header[header.index(after: colon)...].drop { $0 == " " }))
    }
    let request = HTTPRequest(
        head: HTTPRequestHead(method: "POST", target: route.path, version: .http1_1, headers: headers), body: body)
    let context = HTTPRequestContext(remoteAddress: "127.0.0.1", receivedAt: 0)
    let intake = RouteIntake(route: route)
    var accepted = 0
    var planBytes = 0
    for index in 0..<count {
        switch intake.process(request, context: context, eventID: "01JBENCH\(index)", receivedAt: Date()) {
        case .accept(let event):
            accepted += 1
            planBytes += event.plan.jsonBytes.count
        case .respond(let response, _):
            let body = String(decoding: response.body, as: UTF8.self)
            FileHandle.standardError.write(Data("intake-cost: not accepted: \(response.status.code) \(body)\n".utf8))
            exit(1)
        }
    }
    print("accepted \(accepted) events, \(planBytes / max(accepted, 1)) plan bytes each")
} catch {
    FileHandle.standardError.write(Data("intake-cost: \(error)\n".utf8))
    exit(1)
}
