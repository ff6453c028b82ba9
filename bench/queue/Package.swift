// swift-tools-version:6.0
import PackageDescription

/// Group commit against one transaction per append, on the main package's `Queue` (a path dependency two folders
/// up; its identity is the name of that folder, whatever the checkout is called).
let dealhook = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "Dealhook"

let package = Package(
    name: "QueueBench",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "QueueBench", dependencies: [.product(name: "Queue", package: dealhook)],
            swiftSettings: [.swiftLanguageMode(.v6)]),
        .executableTarget(
            name: "AppendCost", dependencies: [.product(name: "Queue", package: dealhook)],
            swiftSettings: [.swiftLanguageMode(.v6)]),
    ]
)
