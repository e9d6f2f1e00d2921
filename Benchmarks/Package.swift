// swift-tools-version: 6.1
// Overturn's benchmarks: a package of their own, so that `swift test` in the main package stays lean.
import Foundation
import PackageDescription

/// The main package is the folder above; SwiftPM names a path dependency after its folder.
let overturnFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "OverturnBenchmarks",
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: ["Ingestion", "Linear", "Scoring", "Trees"].map(benchmarkTarget)
)

/// One executable per suite, in `Benchmarks/<name>/`, run by ordo-one/benchmark's plugin.
func benchmarkTarget(_ name: String) -> Target {
    .executableTarget(
        name: name,
        dependencies: [
            .product(name: "Overturn", package: overturnFolder.lastPathComponent),
            .product(name: "Benchmark", package: "benchmark"),
        ],
        path: "Benchmarks/\(name)",
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}
