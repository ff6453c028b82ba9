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

        .target(name: "Logging", swiftSettings: strictSettings),
        .target(name: "Metrics", swiftSettings: strictSettings),
        .target(name: "HTTP", dependencies: ["CPosix", "CZlib", "Logging"], swiftSettings: strictSettings),
        .target(name: "Rules", dependencies: ["CYAML"], swiftSettings: strictSettings),
        .target(name: "App", dependencies: ["HTTP", "Logging", "Metrics", "Rules"], swiftSettings: strictSettings),
        .executableTarget(name: "dealhook", dependencies: ["App"], swiftSettings: strictSettings),

        .target(name: "TestSupport", path: "Tests/TestSupport"),
        .testTarget(name: "LoggingTests", dependencies: ["Logging"], swiftSettings: strictSettings),
        .testTarget(name: "MetricsTests", dependencies: ["Metrics"], swiftSettings: strictSettings),
        .testTarget(name: "RulesTests", dependencies: ["Rules"], swiftSettings: strictSettings),
        .testTarget(name: "HTTPTests", dependencies: ["HTTP", "TestSupport"], swiftSettings: strictSettings),
        .testTarget(
            name: "AppTests", dependencies: ["App", "HTTP", "TestSupport", "dealhook"], swiftSettings: strictSettings),
    ]
)
