// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "Overturn",
    products: [
        .library(name: "Overturn", targets: ["Overturn"]),
        .executable(name: "overturn", targets: ["overturn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // OpenBLAS (Debian's libopenblas-dev): a module map and a shim header, nothing else.
        .systemLibrary(
            name: "COpenBLAS",
            path: "Sources/COpenBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Inline C functions: software prefetch for the histogram loop, AVX-512 detection.
        .systemLibrary(name: "CIntrinsics", path: "Sources/CIntrinsics"),
        // The tree scorer's SIMD loop, on its own so that it can be compiled a second time for AVX-512.
        .target(name: "OverturnKernels", swiftSettings: optimizedInDebug),
        .target(
            name: "Overturn",
            dependencies: ["COpenBLAS", "CIntrinsics", "OverturnKernels"] + avx512Kernels.map { .target(name: $0.name) },
            swiftSettings: optimizedInDebug
        ),
        .executableTarget(
            name: "overturn",
            dependencies: [
                "Overturn",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "OverturnTests", dependencies: ["Overturn"], exclude: ["Fixtures"]),
        .testTarget(name: "overturnCLITests", dependencies: ["overturn", "Overturn"]),
    ] + avx512Kernels
)

/// The tests train models on real data: without optimization the debug build is ~50× slower in the
/// numeric loops, which would make `swift test` take minutes.
var optimizedInDebug: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }

/// On x86-64, `OverturnKernels`' loop compiled for AVX-512 processors, which the scorer calls only
/// where the processor has AVX-512 (`overturn_has_avx512`); elsewhere there is nothing to add.
var avx512Kernels: [Target] {
    #if arch(x86_64)
        [
            .target(
                name: "OverturnKernelsAVX512", dependencies: ["OverturnKernels"],
                swiftSettings: [.unsafeFlags(["-O", "-target-cpu", "skylake-avx512"])])
        ]
    #else
        []
    #endif
}
