#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The frozen vocabularies of an extractor as one hash table: (level, bytes) → column.
///
/// Every category value and every code level of every feature is one key, so extracting a row makes
/// one probe per value and allocates nothing. The storage is a few flat buffers, immutable after
/// construction (hence safe to share between threads).
final class ColumnIndex: @unchecked Sendable {
    private let arena: UnsafeMutablePointer<UInt8>
    private let keyStart: UnsafeMutablePointer<Int>  // key i is arena[keyStart[i] ..< keyStart[i + 1]]
    private let keyLevel: UnsafeMutablePointer<Int32>
    private let keyColumn: UnsafeMutablePointer<Int32>
    private let keyHash: UnsafeMutablePointer<UInt64>
    private let slots: UnsafeMutablePointer<Int32>  // -1 = empty, else key index
    private let mask: Int

    /// Builds the index from (level, value, column) triples; each (level, value) once.
    init(_ entries: [(level: Int, value: String, column: Int)]) {
        let bytes = entries.reduce(0) { $0 + $1.value.utf8.count }
        arena = .allocate(capacity: max(bytes, 1))
        keyStart = .allocate(capacity: entries.count + 1)
        keyLevel = .allocate(capacity: max(entries.count, 1))
        keyColumn = .allocate(capacity: max(entries.count, 1))
        keyHash = .allocate(capacity: max(entries.count, 1))
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: -1, count: size)
        mask = size - 1
        var at = 0
        keyStart[0] = 0
        for (i, entry) in entries.enumerated() {
            for b in entry.value.utf8 {
                arena[at] = b
                at += 1
            }
            keyStart[i + 1] = at
            keyLevel[i] = Int32(entry.level)
            keyColumn[i] = Int32(entry.column)
            let h = Self.hash(
                level: Int32(entry.level), UnsafeBufferPointer(start: arena + keyStart[i], count: at - keyStart[i]))
            keyHash[i] = h
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(i)
        }
    }

    deinit {
        arena.deallocate()
        keyStart.deallocate()
        keyLevel.deallocate()
        keyColumn.deallocate()
        keyHash.deallocate()
        slots.deallocate()
    }

    /// The column of `bytes` at `level`, or -1 when it has none.
    @inline(__always)
    func column(level: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(level: level, bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { return -1 }
            if keyHash[k] == h && keyLevel[k] == level && keyStart[k + 1] - keyStart[k] == bytes.count {
                if bytesEqual(arena + keyStart[k], bytes.baseAddress!, bytes.count) { return Int(keyColumn[k]) }
            }
            slot = (slot + 1) & mask
        }
    }

    @inline(__always)
    private static func hash(level: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        hashBytes(bytes, seed: UInt64(UInt32(bitPattern: level)))
    }
}

/// A hash of a short byte string and a seed (keys are codes, payers, code lists): eight bytes at a
/// time, the last word overlapping, and short keys read as two overlapping halves, so that the
/// loop count, not the key's length, decides the work.
@inline(__always)
func hashBytes(_ bytes: UnsafeBufferPointer<UInt8>, seed: UInt64) -> UInt64 {
    let k: UInt64 = 0x9E37_79B9_7F4A_7C15
    let n = bytes.count
    var h = (seed << 32 | UInt64(n)) &* k
    guard let base = bytes.baseAddress, n > 0 else { return h }
    let raw = UnsafeRawPointer(base)
    var word: UInt64
    if n >= 8 {
        var i = 0
        while i &+ 8 < n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* k
            h ^= h >> 29
            i &+= 8
        }
        word = raw.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    } else if n >= 4 {
        word =
            UInt64(raw.loadUnaligned(as: UInt32.self)) << 32
            | UInt64(raw.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self))
    } else {
        word = UInt64(base[0]) << 16 | UInt64(base[n >> 1]) << 8 | UInt64(base[n &- 1])
    }
    h = (h ^ word) &* 0xff51_afd7_ed55_8ccd
    h ^= h >> 32
    return h
}

/// Whether `n` bytes at `a` and `b` are equal (libc's memcmp: vectorized for longer keys).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    n == 0 || memcmp(a, b, n) == 0
}
