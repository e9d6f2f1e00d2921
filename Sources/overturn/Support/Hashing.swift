import Crypto
import Foundation

/// The SHA-256 of a file's bytes as lowercase hex, read in 1 MB pieces.
func sha256(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw CommandFailure("\(path): cannot be read again to record its SHA-256")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while let piece = try handle.read(upToCount: 1 << 20), !piece.isEmpty { hasher.update(data: piece) }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
