import JSON

/// How one plan differs from another, for `dealhook plan`: the changed values by path for a summary, and a
/// line diff of the indented JSON for `--verbose`.
public enum PlanDiff {
    /// One line per difference: `steps[deal].input.stage: "Lead" → "Qualified"`, `steps[task]: added`.
    /// Array elements are named by their `id` member when they have one, else by position.
    public static func changes(from old: JSONValue, to new: JSONValue) -> [String] {
        var found: [String] = []
        collect(old, new, path: "", into: &found)
        return found
    }

    private static func collect(_ old: JSONValue?, _ new: JSONValue?, path: String, into found: inout [String]) {
        guard old != new else { return }
        let label = path.isEmpty ? "plan" : path
        switch (old, new) {
        case (nil, let new?):
            found.append("\(label): added \(brief(new))")
        case (let old?, nil):
            found.append("\(label): removed \(brief(old))")
        case (.object(let before)?, .object(let after)?):
            for key in Set(before.keys).union(after.keys).sorted() {
                collect(before[key], after[key], path: path.isEmpty ? key : "\(path).\(key)", into: &found)
            }
        case (.array(let before)?, .array(let after)?):
            let names = elementNames(before, after)
            for index in 0..<max(before.count, after.count) {
                collect(
                    before.indices.contains(index) ? before[index] : nil,
                    after.indices.contains(index) ? after[index] : nil, path: "\(path)[\(names[index])]", into: &found)
            }
        case (let old?, let new?):
            found.append("\(label): \(brief(old)) → \(brief(new))")
        case (nil, nil):
            break
        }
    }

    /// Each position's name: the `id` of the element there (new side first), else its index.
    private static func elementNames(_ before: [JSONValue], _ after: [JSONValue]) -> [String] {
        (0..<max(before.count, after.count)).map { index in
            let element = after.indices.contains(index) ? after[index] : before[index]
            return element["id"]?.stringValue ?? String(index)
        }
    }

    private static func brief(_ value: JSONValue) -> String {
        let text = value.jsonText
        return text.count > 80 ? text.prefix(79) + "…" : text
    }

    /// `value` as indented JSON lines (two spaces, sorted keys).
    public static func lines(_ value: JSONValue) -> [String] {
        var output: [String] = []
        write(value, indent: "", prefix: "", suffix: "", into: &output)
        return output
    }

    private static func write(
        _ value: JSONValue, indent: String, prefix: String, suffix: String, into output: inout [String]
    ) {
        switch value {
        case .object(let members) where !members.isEmpty:
            output.append(indent + prefix + "{")
            let keys = members.keys.sorted()
            for (index, key) in keys.enumerated() {
                write(
                    members[key]!, indent: indent + "  ", prefix: JSONValue.string(key).jsonText + ": ",
                    suffix: index == keys.count - 1 ? "" : ",", into: &output)
            }
            output.append(indent + "}" + suffix)
        case .array(let elements) where !elements.isEmpty:
            output.append(indent + prefix + "[")
            for (index, element) in elements.enumerated() {
                write(
                    element, indent: indent + "  ", prefix: "", suffix: index == elements.count - 1 ? "" : ",",
                    into: &output)
            }
            output.append(indent + "]" + suffix)
        default:
            output.append(indent + prefix + value.jsonText + suffix)
        }
    }

    /// The lines of `old` and `new`, each prefixed `  ` (both), `- ` (old only) or `+ ` (new only), from a longest
    /// common subsequence; unchanged runs longer than `context` lines around a change are cut to `…`.
    public static func lineDiff(_ old: [String], _ new: [String], context: Int = 3) -> [String] {
        // Plans are small (tens of lines): the quadratic table is fine.
        var table = [[Int]](repeating: [Int](repeating: 0, count: new.count + 1), count: old.count + 1)
        for i in stride(from: old.count - 1, through: 0, by: -1) {
            for j in stride(from: new.count - 1, through: 0, by: -1) {
                table[i][j] = old[i] == new[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var marked: [(Character, String)] = []
        var (i, j) = (0, 0)
        while i < old.count || j < new.count {
            if i < old.count, j < new.count, old[i] == new[j] {
                marked.append((" ", old[i]))
                i += 1
                j += 1
            } else if i < old.count, j == new.count || table[i + 1][j] >= table[i][j + 1] {
                marked.append(("-", old[i]))
                i += 1
            } else {
                marked.append(("+", new[j]))
                j += 1
            }
        }
        let changed = marked.indices.filter { marked[$0].0 != " " }
        var output: [String] = []
        var skipping = false
        for (index, line) in marked.enumerated() {
            let near = changed.contains { abs($0 - index) <= context }
            if near {
                output.append("\(line.0) \(line.1)")
                skipping = false
            } else if !skipping {
                output.append("  …")
                skipping = true
            }
        }
        return output
    }
}
