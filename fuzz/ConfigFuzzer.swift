import JSON

/// libFuzzer entry: the input is a whole config file. It is parsed as YAML, interpolated against a fixed
/// environment and loaded as routes, rules, actions and templates, the way `DealhookConfig.load` reads a file;
/// a config that loads has its names collected and every route planned twice against a fixed request. Any crash,
/// sanitizer report, time-out or broken invariant is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzzerTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let lines = lineCount(bytes)
    var diagnostics = ConfigDiagnostics()
    var builder = YAMLTreeBuilder(bytes: bytes, file: fuzzFile)
    guard let root = builder.build(diagnostics: &diagnostics) else {
        checkPositions(diagnostics.reported(), lines: lines)
        return 0
    }
    // `${file:…}` reads the file system; the fuzzer stays inside its input.
    guard !readsFiles(root) else { return 0 }
    let config: DealhookConfig
    do throws(ConfigDiagnostics) {
        config = try DealhookConfig(root: root, environment: fuzzEnvironment, diagnostics: diagnostics)
    } catch {
        checkPositions(error, lines: lines)
        return 0
    }
    let names = config.names
    for location in names.names.map(\.location) + names.unchecked.map(\.location) {
        checkPosition(location, lines: lines)
    }
    for route in config.routes {
        precondition(!route.rules.isEmpty, "a route loaded without rules")
        let input = PlanningInput(
            eventID: "evt_fuzz", receivedAt: 1_796_398_077, form: route.kind == .form ? fuzzBody : .null,
            body: fuzzBody,
            query: ["q": "x"], headers: ["content-type": "application/json", "x-request-id": "r1"])
        let first = Result { () throws(PlanningErrors) in try route.plan(for: input) }
        let second = Result { () throws(PlanningErrors) in try route.plan(for: input) }
        precondition(first == second, "planning is not deterministic")
        if case .success(let plan) = first {
            precondition(plan.route == route.name, "a plan for another route")
            precondition((try? Plan(json: JSONValue(parsing: plan.jsonText))) == plan, "a plan does not read back")
        }
    }
    return 0
}

private let fuzzFile = "fuzz/config.yaml"

private let fuzzEnvironment = ["SECRET": "whsec_fuzz", "EMPTY": "", "PIPELINE": "Sales", "PORT": "8080"]

private let fuzzBody: JSONValue = [
    "type": "checkout.session.completed", "event": "envelope-completed", "email": " Ada@Example.com ",
    "name": "Ada", "budget": "12000", "created": 1_796_376_600,
    "data": ["object": ["amount_total": 249_900, "currency": "eur", "customer_details": ["email": "ada@example.com"]]],
    "items": [["id": 1], ["id": 2]],
]

/// Whether any scalar holds a `${file:…}` reference.
private func readsFiles(_ node: YAMLNode) -> Bool {
    switch node.kind {
    case .scalar(let scalar): scalar.value.contains("${file:")
    case .sequence(let items): items.contains(where: readsFiles)
    case .mapping(let pairs): pairs.contains { readsFiles($0.value) }
    }
}

/// A refused file has at least one problem, each inside the file.
private func checkPositions(_ diagnostics: ConfigDiagnostics, lines: Int) {
    precondition(!diagnostics.errors.isEmpty, "a load failed without a problem")
    for error in diagnostics.errors {
        precondition(!error.message.isEmpty, "a problem without a message")
        if let location = error.location { checkPosition(location, lines: lines) }
    }
}

private func checkPosition(_ location: SourceLocation, lines: Int) {
    precondition(location.file == fuzzFile, "a position in another file: \(location)")
    precondition(location.line >= 1 && location.line <= lines, "a position outside the file: \(location)")
    precondition(location.column >= 1, "a position at column \(location.column)")
}

/// Lines as libyaml counts them: CR, LF, CRLF, NEL, LS and PS end a line; a last line without an end counts too.
private func lineCount(_ bytes: [UInt8]) -> Int {
    var count = 1
    var index = 0
    while index < bytes.count {
        let byte = bytes[index]
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        let third = index + 2 < bytes.count ? bytes[index + 2] : 0
        if byte == 0x0D && next == 0x0A || byte == 0xC2 && next == 0x85 {
            count += 1
            index += 2
        } else if byte == 0xE2 && next == 0x80 && (third == 0xA8 || third == 0xA9) {
            count += 1
            index += 3
        } else {
            if byte == 0x0D || byte == 0x0A { count += 1 }
            index += 1
        }
    }
    return count
}
