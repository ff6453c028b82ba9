// swift-tools-version:6.0
import PackageDescription

/// Dealhook: one executable bridging web forms and provider webhooks to the Teamopipe CRM.
///
/// Each C library is reached through a thin `systemLibrary` target (its module map and `shim.h` live in
/// `Sources/C<Lib>`); exactly one Swift module owns each library's unsafe pointers.
let strictSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Dealhook",
    products: [
        .executable(name: "dealhook", targets: ["dealhook"]),
        .library(name: "HTTP", targets: ["HTTP"]),
        // `HTTPServer` takes a `Logger`, so a package using `HTTP` (bench/io-models) needs this one too.
        .library(name: "Logging", targets: ["Logging"]),
        // The Teamopipe client, for bench/client (deal creation against the sandbox from N callers).
        .library(name: "Teamopipe", targets: ["Teamopipe"]),
        // The config, intake and planning, for bench/intake's `intake-cost` (instructions per accepted event).
        .library(name: "Rules", targets: ["Rules"]),
        .library(name: "Intake", targets: ["Intake"]),
        // The queue store, for bench/queue (group commit against one transaction per append).
        .library(name: "Queue", targets: ["Queue"]),
    ],
    targets: [
        // System libraries, each with its Debian provider.
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        // Linux system calls that Glibc does not export to Swift (epoll, accept4, eventfd).
        .systemLibrary(name: "CPosix"),

        // SQLite's default VFS with the writes of a write-ahead log gathered into one per commit (C, for the
        // queue's writer thread: docs/queue.md, "Group commit").
        .target(name: "CSQLiteGather", dependencies: ["CSQLite"]),

        .target(name: "JSON", swiftSettings: strictSettings),
        .target(name: "Logging", dependencies: ["JSON"], swiftSettings: strictSettings),
        .target(name: "Metrics", swiftSettings: strictSettings),
        .target(name: "HTTP", dependencies: ["COpenSSL", "CPosix", "CZlib", "JSON", "Logging"], swiftSettings: strictSettings),
        .target(name: "Rules", dependencies: ["CYAML", "JSON"], swiftSettings: strictSettings),
        .target(name: "Teamopipe", dependencies: ["HTTP", "JSON", "Rules"], swiftSettings: strictSettings),
        .target(
            name: "Queue",
            dependencies: ["CSQLite", "CSQLiteGather", "HTTP", "JSON", "Logging", "Metrics", "Rules", "Teamopipe"],
            swiftSettings: strictSettings),
        .target(name: "Intake", dependencies: ["HTTP", "JSON", "Logging", "Rules"], swiftSettings: strictSettings),
        .target(
            name: "App", dependencies: ["HTTP", "Intake", "JSON", "Logging", "Metrics", "Queue", "Rules", "Sandbox", "Teamopipe"],
            swiftSettings: strictSettings),
        .target(name: "Sandbox", dependencies: ["HTTP", "JSON", "Logging"], swiftSettings: strictSettings),
        .executableTarget(name: "dealhook", dependencies: ["App", "Intake", "Sandbox"], swiftSettings: strictSettings),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .target(
            name: "SandboxTestSupport", dependencies: ["HTTP", "JSON", "Logging", "Sandbox", "Teamopipe"],
            path: "Tests/SandboxTestSupport", swiftSettings: strictSettings),
        .testTarget(name: "JSONTests", dependencies: ["JSON"], swiftSettings: strictSettings),
        .testTarget(name: "LoggingTests", dependencies: ["Logging"], swiftSettings: strictSettings),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], swiftSettings: strictSettings),
        .testTarget(name: "RulesTests", dependencies: ["Rules", "JSON"], swiftSettings: strictSettings),
        .testTarget(
            name: "TeamopipeTests",
            dependencies: ["Teamopipe", "HTTP", "JSON", "Logging", "Rules", "Sandbox", "SandboxTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "QueueTests",
            dependencies: ["Queue", "CSQLiteGather", "HTTP", "JSON", "Logging", "Rules", "Sandbox", "SandboxTestSupport", "Teamopipe"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "IntakeTests", dependencies: ["Intake", "HTTP", "JSON", "Rules", "TestSupport", "dealhook"],
            swiftSettings: strictSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "SandboxTests", dependencies: ["Sandbox", "HTTP", "JSON", "TestSupport", "dealhook"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "AppTests", dependencies: ["App", "HTTP", "JSON", "Queue", "TestSupport", "dealhook"],
            swiftSettings: strictSettings),
    ]
)
