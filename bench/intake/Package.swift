// swift-tools-version:6.0
import PackageDescription

/// The same-run baseline of `bench/intake/run`: a minimal webhook server on Dealhook's own `HTTPServer` that
/// stores each POST the plain way, one SQLite transaction (and so one fsync) per request, with the same durability
/// settings as the queue (WAL, `synchronous=FULL`), and answers 202 only after its commit.
///
/// The main package is a path dependency two folders up; its identity is the name of that folder, whatever the
/// checkout is called. SQLite comes through this package's own module map (`CBaselineSQLite`): target names must
/// be unique across the package graph, and the main package keeps its `CSQLite` private.
let dealhook = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "Dealhook"
let strictSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "IntakeBaseline",
    dependencies: [.package(path: "../..")],
    targets: [
        .systemLibrary(name: "CBaselineSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .executableTarget(
            name: "baseline-server",
            dependencies: [
                "CBaselineSQLite", .product(name: "HTTP", package: dealhook),
                .product(name: "Logging", package: dealhook),
            ],
            swiftSettings: strictSettings),
        .executableTarget(
            name: "intake-cost",
            dependencies: [
                .product(name: "HTTP", package: dealhook), .product(name: "Intake", package: dealhook),
                .product(name: "Rules", package: dealhook),
            ],
            swiftSettings: strictSettings),
    ]
)
