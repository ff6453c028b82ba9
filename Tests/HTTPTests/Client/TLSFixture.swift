import Glibc
import HTTP

/// Certificates made once per test run with the `openssl` CLI in a temporary directory: a test CA, a server
/// certificate for `localhost`/127.0.0.1, one for another name, an expired one, and one from an unknown CA.
final class TLSFixture: Sendable {
    let directory: String

    /// The fixture, or why it could not be made.
    static let shared = Result { try TLSFixture() }

    var caFile: String { "\(directory)/ca.pem" }

    private init() throws {
        var template = Array("/tmp/dealhook-tls-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw FixtureError("mkdtemp failed") }
        directory = String(cString: created)
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        for ca in ["ca", "rogue-ca"] {
            try run(
                ["req", "-x509"] + ec + [
                    "-keyout", "\(directory)/\(ca).key", "-out", "\(directory)/\(ca).pem", "-days", "30", "-subj",
                    "/CN=Dealhook Test \(ca)",
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ])
            try write("\(ca).index", "")
            try write("\(ca).serial", "01\n")
            try write("\(ca).cnf", caConfig(ca))
        }
        let sites: [(name: String, ca: String, san: String, dates: [String])] = [
            ("good", "ca", "DNS:localhost,IP:127.0.0.1", ["-days", "30"]),
            ("other-name", "ca", "DNS:other.example", ["-days", "30"]),
            (
                "expired", "ca", "DNS:localhost,IP:127.0.0.1",
                ["-startdate", "20200101000000Z", "-enddate", "20200201000000Z"]
            ),
            ("unknown-ca", "rogue-ca", "DNS:localhost,IP:127.0.0.1", ["-days", "30"]),
        ]
        for site in sites {
            try run(
                ["req", "-new"] + ec + [
                    "-keyout", "\(directory)/\(site.name).key", "-out", "\(directory)/\(site.name).csr", "-subj",
                    "/CN=\(site.name)",
                    "-addext", "subjectAltName=\(site.san)",
                ])
            try run(
                [
                    "ca", "-batch", "-notext", "-config", "\(directory)/\(site.ca).cnf", "-in",
                    "\(directory)/\(site.name).csr", "-out",
                    "\(directory)/\(site.name).pem",
                ] + site.dates)
        }
    }

    deinit {
        _ = try? ChildProcess(["/bin/rm", "-rf", directory]).wait()
    }

    /// Serves `site`'s certificate with `openssl s_server -www` on a free loopback port until the server is dropped.
    func serve(_ site: String) throws -> TLSTestServer {
        try TLSTestServer(certificate: "\(directory)/\(site).pem", key: "\(directory)/\(site).key")
    }

    private func caConfig(_ ca: String) -> String {
        """
        [ ca ]
        default_ca = test_ca
        [ test_ca ]
        database = \(directory)/\(ca).index
        new_certs_dir = \(directory)
        certificate = \(directory)/\(ca).pem
        private_key = \(directory)/\(ca).key
        serial = \(directory)/\(ca).serial
        default_md = sha256
        policy = policy_any
        copy_extensions = copy
        unique_subject = no
        [ policy_any ]
        commonName = supplied

        """
    }

    private func write(_ name: String, _ text: String) throws {
        let fd = open("\(directory)/\(name)", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw FixtureError("cannot create \(name)") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        guard bytes.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == bytes.count else {
            throw FixtureError("cannot write \(name)")
        }
    }

    private func run(_ arguments: [String]) throws {
        let status = try ChildProcess(["/usr/bin/openssl"] + arguments, quiet: true).wait()
        guard status == 0 else {
            throw FixtureError("openssl \(arguments.joined(separator: " ")) exited with \(status)")
        }
    }
}

/// A child process started with `posix_spawn`, with an empty signal mask (Dispatch threads block signals, and a
/// child would inherit that); standard input, output and error go to /dev/null when `quiet`.
final class ChildProcess {
    let pid: pid_t
    private var exited = false

    init(_ arguments: [String], quiet: Bool = false) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if quiet {
            for fd: Int32 in [0, 1, 2] { posix_spawn_file_actions_addopen(&actions, fd, "/dev/null", O_RDWR, 0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK))
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var child = pid_t()
        let result = posix_spawn(&child, arguments[0], &actions, &attributes, &argv, environ)
        guard result == 0 else {
            throw FixtureError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        pid = child
    }

    deinit { kill() }

    /// Waits for the process to exit and returns its exit status.
    func wait() throws -> Int32 {
        var status: Int32 = 0
        guard waitpid(pid, &status, 0) == pid else { throw FixtureError("waitpid failed: \(errno)") }
        exited = true
        return (status >> 8) & 0xFF
    }

    /// Whether the process is still running (reaps it if it has exited).
    var isRunning: Bool {
        guard !exited else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exited = true }
        return !exited
    }

    /// Kills the process (SIGKILL) and reaps it.
    func kill() {
        guard !exited else { return }
        Glibc.kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exited = true
    }
}

/// `openssl s_server` on 127.0.0.1, killed when this goes away.
final class TLSTestServer {
    let port: UInt16
    private let process: ChildProcess

    init(certificate: String, key: String) throws {
        port = unusedPort()
        process = try ChildProcess(
            [
                "/usr/bin/openssl", "s_server", "-accept", "127.0.0.1:\(port)", "-cert", certificate, "-key", key,
                "-www",
            ],
            quiet: true)
        // Ready once it accepts a TCP connection.
        let start = MonotonicClock.now()
        while !Self.accepts(port) {
            guard process.isRunning, secondsSince(start) < 5 else {
                process.kill()
                throw FixtureError("openssl s_server did not start listening on port \(port)")
            }
            usleep(5_000)
        }
    }

    deinit { process.kill() }

    private static func accepts(_ port: UInt16) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}

struct FixtureError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
