import Glibc

/// Reads a whole (small) file: a config file or a secret named by `${file:…}`.
enum TextFile {
    /// The largest file read; a config or secret file beyond it is a mistake, not something to load.
    static let maximumSize = 16 * 1024 * 1024

    /// The file's bytes, or an error message naming the file and the reason.
    static func read(path: String) throws(ConfigError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw failure(path) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw failure(path)
            }
            if count == 0 { return bytes }
            guard bytes.count + count <= maximumSize else {
                throw ConfigError(location: nil, message: "cannot read '\(path)': larger than \(maximumSize) bytes")
            }
            bytes.append(contentsOf: chunk[..<count])
        }
    }

    private static func failure(_ path: String) -> ConfigError {
        ConfigError(location: nil, message: "cannot read '\(path)': \(String(cString: strerror(errno)))")
    }
}
