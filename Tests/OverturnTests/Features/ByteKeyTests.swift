import Testing

@testable import Overturn

/// The byte-key helpers under extraction: the short-key compare and the code-list cache.
@Suite struct ByteKeyTests {
    @Test func bytesEqualAtEveryLengthAndPosition() {
        for n in 0...40 {
            let a = (0..<n).map { UInt8(truncatingIfNeeded: 65 + $0 * 7) }
            a.withUnsafeBufferPointer { pa in
                var b = a
                b.withUnsafeMutableBufferPointer { pb in
                    let p = pa.baseAddress ?? UnsafePointer(bitPattern: 1)!
                    let q = UnsafePointer(pb.baseAddress ?? UnsafeMutablePointer(bitPattern: 1)!)
                    #expect(bytesEqual(p, q, n), "length \(n)")
                    for i in 0..<n {
                        pb[i] ^= 0x20
                        #expect(!bytesEqual(p, q, n), "length \(n), byte \(i) differs")
                        pb[i] ^= 0x20
                    }
                }
            }
        }
    }

    @Test func codeListCacheFindsEveryListItHoldsAndNoOther() {
        var cache = CodeListCache()
        defer { cache.deallocate() }
        // Enough lists to grow the slots several times; lengths 0 to 19, lists sharing prefixes.
        let lists = (0..<5000).map { i -> [UInt8] in
            Array("F33.\(i % 10);J\(i)".utf8.prefix(i % 20))
        }
        var seen: [[UInt8]: [Int32]] = [:]
        for (i, list) in lists.enumerated() where seen[list] == nil {
            let columns = (0..<(i % 7)).map { Int32(i * 10 + $0) }
            seen[list] = columns
            list.withUnsafeBufferPointer { l in
                #expect(cache.columns(of: l) == nil)
                columns.withUnsafeBufferPointer { cache.insert(l, columns: $0) }
            }
        }
        for (list, columns) in seen {
            list.withUnsafeBufferPointer { l in
                #expect(cache.columns(of: l).map(Array.init) == columns, "\(String(decoding: list, as: UTF8.self))")
            }
        }
        for absent in ["F33.0;J1x", "Z99.9", "F33.1;J1234567890123"] {
            Array(absent.utf8).withUnsafeBufferPointer { #expect(cache.columns(of: $0) == nil) }
        }
    }

    @Test func largeAllocationsHoldWhatIsWrittenAndFree() {
        for capacity in [1_000, 1 << 17, 3 << 18] {  // below 1 MiB, then 1 MiB and 6 MiB of UInt64
            let p = allocateLarge(UInt64.self, capacity: capacity)
            for i in 0..<capacity { (p + i).initialize(to: UInt64(i) &* 0x9E37_79B9) }
            #expect((0..<capacity).allSatisfy { p[$0] == UInt64($0) &* 0x9E37_79B9 })
            p.deallocate()
        }
    }
}
