import Foundation
import Intake
import JSON
import Rules

/// `dealhook try`: plans a sample request through a route's rules and prints the plan, calling nothing.
enum TryCommand {
    static func run(_ arguments: [String]) -> Int32 {
        let options: OptionParser
        do {
            options = try OptionParser(
                arguments, valued: ["--config", "--route", "--body", "--content-type", "--header", "--now"],
                flags: ["--help"])
        } catch {
            return usageError(error.message)
        }
        if options.flags.contains("--help") {
            StandardStream.output(Usage.`try`)
            return ExitStatus.success
        }
        guard let path = options.value("--config") else { return usageError("missing --config PATH") }
        guard let routeName = options.value("--route") else { return usageError("missing --route NAME") }
        guard let bodyPath = options.value("--body") else { return usageError("missing --body FILE (or - for standard input)") }
        var headers: [String: String] = [:]
        for header in options.values["--header"] ?? [] {
            guard let colon = header.firstIndex(of: ":") else {
                return usageError("--header '\(header)': expected 'Name: value'")
            }
            headers[header[..<colon].lowercased()] = header[header.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if let contentType = options.value("--content-type") { headers["content-type"] = contentType }
        var receivedAt = Int64(Date().timeIntervalSince1970)
        if let now = options.value("--now") {
            guard let seconds = TemplateTime.parse(now) else {
                return usageError("--now '\(now)': expected an RFC 3339 time such as 2026-12-04T09:30:00Z")
            }
            receivedAt = seconds
        }

        let config: DealhookConfig
        do {
            config = try DealhookConfig.load(file: path, environment: ProcessEnvironment.current())
        } catch {
            StandardStream.error(error.description)
            return ExitStatus.failure
        }
        guard let route = config.routes.first(where: { $0.name == routeName }) else {
            let names = config.routes.map(\.name).joined(separator: ", ")
            StandardStream.error("dealhook try: no route '\(routeName)' in \(path); routes: \(names)")
            return ExitStatus.failure
        }
        let bytes: [UInt8]
        if bodyPath == "-" {
            bytes = Array(FileHandle.standardInput.readDataToEndOfFile())
        } else {
            guard let data = FileManager.default.contents(atPath: bodyPath) else {
                StandardStream.error("dealhook try: cannot read '\(bodyPath)'")
                return ExitStatus.failure
            }
            bytes = Array(data)
        }
        do {
            let content = try RequestContent(bytes: bytes, contentType: headers["content-type"], kind: route.kind)
            let input = PlanningInput(
                eventID: "try", receivedAt: receivedAt, form: content.form, body: content.body, headers: headers)
            StandardStream.output(try route.plan(for: input).jsonText)
            return ExitStatus.success
        } catch let error as RequestContent.DecodingError {
            StandardStream.error("dealhook try: \(bodyPath): \(error.message)")
        } catch {
            StandardStream.error("dealhook try: the event would be refused:\n\(error)")
        }
        return ExitStatus.failure
    }

    private static func usageError(_ message: String) -> Int32 {
        StandardStream.error("dealhook try: \(message)\n\n" + Usage.`try`)
        return ExitStatus.usage
    }
}
