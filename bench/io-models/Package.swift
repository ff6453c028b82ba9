// swift-tools-version:6.0
import PackageDescription

/// Two minimal servers of the same behaviour (`GET /healthz` → 200 `{"status":"ok"}`, keep-alive) that differ only
/// in their I/O model, for the comparison in `docs/architecture.md`: DispatchSource read/write sources per
/// connection on Dispatch queues, against Dealhook's own edge-triggered epoll loops (one per core).
/// Both use Dealhook's `RequestDecoder` and `ResponseEncoder`. Run them with `bench/io-models/run`.
///
/// The main package is a path dependency two folders up; its identity is the name of that folder, whatever the
/// checkout is called.
let dealhook = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "Dealhook"
let strictSettings: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "IOModels",
    dependencies: [.package(path: "../..")],
    targets: [
        .target(
            name: "IOModels",
            dependencies: [
                .product(name: "HTTP", package: dealhook), .product(name: "Logging", package: dealhook),
            ],
            swiftSettings: strictSettings),
        .executableTarget(name: "dispatch-server", dependencies: ["IOModels"], swiftSettings: strictSettings),
        .executableTarget(name: "epoll-server", dependencies: ["IOModels"], swiftSettings: strictSettings),
    ]
)
