// swift-tools-version: 6.1
// libFuzzer targets for Overturn's parsers: a package of its own, built only with
// `swift build -c release --sanitize=fuzzer` (see README.md), so the main package's build and tests
// never need it.
import Foundation
import PackageDescription

/// The main package is two folders up; SwiftPM names a path dependency after its folder.
let overturnFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

let package = Package(
    name: "OverturnFuzz",
    dependencies: [.package(path: "../..")],
    targets: ["FuzzModelFile", "FuzzCSV", "FuzzSchema"].map { name in
        .executableTarget(
            name: name,
            dependencies: [.product(name: "Overturn", package: overturnFolder.lastPathComponent)],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])])
    }
)
