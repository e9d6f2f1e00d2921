import Foundation

/// Writes NumPy `.npy` files (format 1.0), the way Overturn hands matrices to Python tools, and reads
/// the plain ones back (C order, little-endian, one element type).
///
/// Used by `overturn features` to export a feature matrix that scikit-learn, XGBoost and LightGBM load
/// directly (`scipy.sparse.csr_matrix((data, indices, indptr))`), so that peers train on the very same
/// features:
///
/// ```swift
/// try NPYFile.write([1.5, 2] as [Float], to: "data.npy")
/// ```
public enum NPYFile {
    /// Element types `.npy` can hold here.
    public protocol Element {
        /// NumPy's type string, little-endian (`<f4`).
        static var descriptor: String { get }
    }

    /// Writes a one-dimensional array atomically.
    public static func write<T: Element>(_ values: [T], to path: String) throws {
        let out = try OutputFile(path: path)
        try out.write(header(descriptor: T.descriptor, count: values.count))
        try values.withUnsafeBytes { try out.write($0) }
        try out.commit()
    }

    /// A `.npy` file that `read` cannot use.
    public struct ReadError: Error, CustomStringConvertible, Equatable {
        public let path: String
        public let problem: String
        public var description: String { "\(path): \(problem)" }
    }

    /// Reads a file of `T`s in C order and returns its values and its shape.
    public static func read<T: Element>(_ type: T.Type = T.self, from path: String) throws -> (
        values: [T], shape: [Int]
    ) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(path: path, problem: "cannot read the file")
        }
        let bytes = [UInt8](data)
        func fail(_ problem: String) -> ReadError { ReadError(path: path, problem: problem) }
        guard bytes.count >= 10, bytes[0] == 0x93, Array(bytes[1..<6]) == Array("NUMPY".utf8) else {
            throw fail("not a NumPy .npy file (no \\x93NUMPY magic)")
        }
        let (lengthBytes, start) = bytes[6] == 1 ? (2, 10) : (4, 12)
        guard bytes[6] == 1 || bytes[6] == 2 || bytes[6] == 3, bytes.count >= start else {
            throw fail("unknown .npy format version \(bytes[6])")
        }
        let headerLength = (0..<lengthBytes).reduce(0) { $0 | Int(bytes[8 + $1]) << (8 * $1) }
        guard bytes.count >= start + headerLength else { throw fail("the header is cut short") }
        let dict = String(decoding: bytes[start..<(start + headerLength)], as: UTF8.self)
        guard dict.contains("'descr': '\(T.descriptor)'") else {
            throw fail(
                "expected elements of type \(T.descriptor); the header says \(dict.trimmingCharacters(in: .whitespacesAndNewlines))"
            )
        }
        guard dict.contains("'fortran_order': False") else { throw fail("Fortran-ordered arrays are not supported") }
        guard let open = dict.range(of: "'shape': ("), let close = dict[open.upperBound...].firstIndex(of: ")") else {
            throw fail("the header has no shape")
        }
        let parts = dict[open.upperBound..<close].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let shape = try parts.filter { !$0.isEmpty }.map { part -> Int in
            guard let n = Int(part), n >= 0 else { throw fail("the shape holds \(part), not a size") }
            return n
        }
        let count = shape.reduce(1, *)
        let dataStart = start + headerLength
        guard bytes.count - dataStart == count * MemoryLayout<T>.stride else {
            throw fail(
                "shape \(shape) needs \(count * MemoryLayout<T>.stride) bytes of data; the file has \(bytes.count - dataStart)"
            )
        }
        let values = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { raw in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(
                    from: UnsafeRawBufferPointer(rebasing: raw[dataStart...]))
            }
            initialized = count
        }
        return (values, shape)
    }

    /// The magic string, version, and a header dict padded so the data starts on a 64-byte boundary.
    static func header(descriptor: String, count: Int) -> [UInt8] {
        var dict = "{'descr': '\(descriptor)', 'fortran_order': False, 'shape': (\(count),), }"
        let unpadded = 10 + dict.utf8.count + 1
        dict += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        let length = UInt16(dict.utf8.count)
        return [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(length & 0xFF), UInt8(length >> 8)] + Array(dict.utf8)
    }
}

extension Float: NPYFile.Element { public static var descriptor: String { "<f4" } }
extension Double: NPYFile.Element { public static var descriptor: String { "<f8" } }
extension Int32: NPYFile.Element { public static var descriptor: String { "<i4" } }
extension Int64: NPYFile.Element { public static var descriptor: String { "<i8" } }
