/// Writes NumPy `.npy` files (format 1.0), the way Overturn hands matrices to Python tools.
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
