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
        // Inline C functions: software prefetch for the histogram loop, AVX2 and AVX-512 detection.
        .systemLibrary(name: "CIntrinsics", path: "Sources/CIntrinsics"),
        // The tree scorer's and TreeSHAP's SIMD loops, on their own so that they can be compiled again
        // for newer processors (`newerProcessorKernels`).
        .target(name: "OverturnKernels", swiftSettings: optimizedInDebug),
        // Those loops compiled for any processor, as a table (`KernelLoops`); `newerProcessorKernels`
        // compile the same file for newer ones.
        .target(name: "OverturnKernelsPortable", dependencies: ["OverturnKernels"], swiftSettings: optimizedInDebug),
        .target(
            name: "Overturn",
            dependencies: ["COpenBLAS", "CIntrinsics", "OverturnKernels", "OverturnKernelsPortable"]
                + newerProcessorKernels.map { .target(name: $0.name) },
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
    ] + newerProcessorKernels
)

/// The tests train models on real data: without optimization the debug build is ~50× slower in the
/// numeric loops, which would make `swift test` take minutes.
var optimizedInDebug: [SwiftSetting] { [.unsafeFlags(["-O"], .when(configuration: .debug))] }

/// On x86-64, `OverturnKernels`' loops compiled for AVX-512 processors and for AVX2 ones (Haswell and
/// later, AMD Zen), from `OverturnKernelsPortable`'s source file; the library calls the newest the
/// processor runs (`overturn_has_avx512`, `overturn_has_avx2`). Elsewhere there is nothing to add.
var newerProcessorKernels: [Target] {
    #if arch(x86_64)
        [("OverturnKernelsAVX512", "skylake-avx512"), ("OverturnKernelsAVX2", "haswell")].map { name, cpu in
            .target(
                name: name, dependencies: ["OverturnKernels"],
                swiftSettings: [.unsafeFlags(["-O", "-target-cpu", cpu])])
        }
    #else
        []
    #endif
}
