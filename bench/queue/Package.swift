// swift-tools-version:6.0
import PackageDescription

/// Group commit against one transaction per append, on the real `Queue` sources (symlinked from the main package).
let package = Package(
    name: "QueueBench",
    targets: [
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "JSON", swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Logging", swiftSettings: [.swiftLanguageMode(.v6)]),
        .target(name: "Queue", dependencies: ["CSQLite", "JSON", "Logging"], swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(name: "QueueBench", dependencies: ["Queue"], swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
