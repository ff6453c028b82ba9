// swift-tools-version:6.0
import PackageDescription

/// Deal creation through Dealhook's Teamopipe client (`TeamopipeClient.perform(.dealCreate, …)` over
/// `HTTPTeamopipeTransport` and the keep-alive `HTTPClient` pool, as `dealhook serve` builds them) against a
/// `dealhook sandbox --rate-limit off`, from N concurrent callers. Run it with `bench/client/run`.
///
/// The main package is a path dependency two folders up; its identity is the name of that folder, whatever the
/// checkout is called. `JSON` and `Rules` (for `JSONValue` and `Operation`) are imported through the `Teamopipe`
/// product, which links them.
let dealhook = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "Dealhook"
let strictSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "ClientBench",
    dependencies: [.package(path: "../..")],
    targets: [
        .executableTarget(
            name: "ClientBench",
            dependencies: [.product(name: "Teamopipe", package: dealhook), .product(name: "HTTP", package: dealhook)],
            swiftSettings: strictSettings),
    ]
)
