// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Overturn",
    products: [
        .library(name: "Overturn", targets: ["Overturn"]),
        .executable(name: "overturn", targets: ["overturn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2")
    ],
    targets: [
        // OpenBLAS (Debian's libopenblas-dev): a module map and a shim header, nothing else.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // One inline C function: software prefetch for the histogram loop.
        .systemLibrary(name: "CPrefetch", path: "Sources/CPrefetch"),
        .target(
            name: "Overturn",
            dependencies: ["COpenBLAS", "CPrefetch"],
            // The tests train models on real data: without optimization the debug build is ~50×
            // slower in the numeric loops, which would make `swift test` take minutes.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .executableTarget(
            name: "overturn",
            dependencies: [
                "Overturn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "OverturnTests", dependencies: ["Overturn"], exclude: ["Fixtures"]),
        .testTarget(name: "overturnCLITests", dependencies: ["overturn", "Overturn"]),
    ]
)
