import Glibc

/// The environment of the running process, the source of `${VAR}` values in a config file.
public enum ProcessEnvironment {
    /// Every variable of the process environment, read from `environ`. Where a name repeats, the first wins,
    /// as with `getenv`.
    public static func current() -> [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                let name = String(text[..<equals])
                if variables[name] == nil {
                    variables[name] = String(text[text.index(after: equals)...])
                }
            }
            entry += 1
        }
        return variables
    }
}
