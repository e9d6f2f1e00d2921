#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An output file that appears whole or not at all.
///
/// Bytes go to a temporary file beside the target; `commit()` renames it into place. If the work
/// fails first, `discard()` (or deinit) removes the temporary file, so a failed run never leaves a
/// partial output that looks complete. `-` writes to standard output, unbuffered by this type.
///
/// ```swift
/// let out = try OutputFile(path: "scores.csv")
/// try out.write(Array("claim_id,probability\n".utf8))
/// try out.commit()
/// ```
public final class OutputFile {
    /// The final path (`<stdout>` for `-`).
    public let path: String
    private let temporaryPath: String?
    private var fd: Int32
    private var finished = false
    private var pending: [UInt8] = []

    public init(path: String) throws {
        if path == "-" {
            self.path = "<stdout>"
            temporaryPath = nil
            fd = STDOUT_FILENO
            return
        }
        self.path = path
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let temporary = "\(folder)/.\(name).\(getpid()).tmp"
        fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw OutputError(path: path, reason: String(cString: strerror(errno)))
        }
        temporaryPath = temporary
        pending.reserveCapacity(1 << 20)
    }

    deinit {
        if !finished { discard() }
    }

    /// Appends bytes (buffered; flushed in 1 MiB writes).
    public func write<C: Collection>(_ bytes: C) throws where C.Element == UInt8 {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 20 { try flush() }
    }

    /// Appends a string's UTF-8.
    public func write(_ text: String) throws {
        try write(text.utf8)
    }

    /// Writes out the buffered bytes.
    public func flush() throws {
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw OutputError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += n
        }
        pending.removeAll(keepingCapacity: true)
    }

    /// Flushes, closes and moves the file into place.
    public func commit() throws {
        try flush()
        finished = true
        guard let temporaryPath else { return }
        let closed = close(fd)
        fd = -1
        if closed != 0 || rename(temporaryPath, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporaryPath)
            throw OutputError(path: path, reason: reason)
        }
    }

    /// Abandons the output: the temporary file is removed and the target left as it was.
    public func discard() {
        finished = true
        guard let temporaryPath else { return }
        if fd >= 0 { close(fd) }
        fd = -1
        unlink(temporaryPath)
    }
}

/// Writing an output file failed.
public struct OutputError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): cannot write: \(reason)" }
}
