import Foundation
import Testing

@testable import Overturn

@Suite struct NPYFileTests {
    let folder: TemporaryFolder

    init() throws { folder = try TemporaryFolder() }

    @Test func readsWhatItWrites() throws {
        let values: [Float] = [1.5, -2, .infinity, 0]
        try NPYFile.write(values, to: folder.path("a.npy"))
        let (read, shape) = try NPYFile.read(Float.self, from: folder.path("a.npy"))
        #expect(read == values)
        #expect(shape == [4])
    }

    @Test func readsATwoDimensionalHeader() throws {
        // What numpy.save writes for a 2 x 3 float64 matrix.
        var dict = "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"
        dict += String(repeating: " ", count: 128 - 10 - dict.utf8.count - 1) + "\n"
        var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(dict.utf8.count), 0] + Array(dict.utf8)
        for v in [1.0, 2, 3, 4, 5, 6] { withUnsafeBytes(of: v) { bytes += $0 } }
        let (read, shape) = try NPYFile.read(Double.self, from: folder.write("m.npy", bytes))
        #expect(shape == [2, 3])
        #expect(read == [1, 2, 3, 4, 5, 6])
    }

    @Test func refusesWhatItCannotRead() throws {
        let ints = folder.path("i.npy")
        try NPYFile.write([1, 2] as [Int32], to: ints)
        #expect(throws: NPYFile.ReadError.self) { try NPYFile.read(Float.self, from: ints) }
        let whole = try [UInt8](Data(contentsOf: URL(fileURLWithPath: ints)))
        let cutShort = try folder.write("cut.npy", Array(whole.dropLast(3)))
        let cut = #expect(throws: NPYFile.ReadError.self) { try NPYFile.read(Int32.self, from: cutShort) }
        #expect(cut?.problem.contains("needs 8 bytes of data; the file has 5") == true)
        let text = try folder.write("text.npy", "hello, world")
        #expect(throws: NPYFile.ReadError.self) { try NPYFile.read(Float.self, from: text) }
    }
}
