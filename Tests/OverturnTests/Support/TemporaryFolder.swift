import Foundation

@testable import Overturn

/// A fresh folder under the system's temporary folder, removed when the value is released.
final class TemporaryFolder {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("overturn-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` inside the folder and returns its path.
    @discardableResult
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String { try write(name, Array(text.utf8)) }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// Writes `rows` synthetic claims of `seed` to `name` and returns its path.
    func claims(_ name: String = "c.csv", rows: Int, seed: UInt64) throws -> String {
        let out = try OutputFile(path: path(name))
        _ = try ClaimsGenerator(seed: seed).write(rows: rows, to: out)
        try out.commit()
        return path(name)
    }
}
