/// The frozen vocabularies of an extractor as one hash table: (level, bytes) → column.
///
/// Every category value and every code level of every feature is one key, so extracting a row makes
/// one probe per value and allocates nothing. The storage is a few flat buffers, immutable after
/// construction (hence safe to share between threads).
final class ColumnIndex: @unchecked Sendable {
    /// One key: where its bytes lie in `arena`, its level and its column.
    private struct Key {
        var start: Int32
        var count: Int32
        var level: Int32
        var column: Int32
    }

    private let arena: UnsafeMutablePointer<UInt8>
    private let keys: UnsafeMutablePointer<Key>
    /// 0 = empty; else the key hash's upper 32 bits (the tag) over 1 + the key's index, so that a
    /// probe reads its slot, one key and the key's bytes, and a different key rarely gets past the tag.
    private let slots: UnsafeMutablePointer<UInt64>
    private let mask: Int

    /// Builds the index from (level, value, column) triples; each (level, value) once.
    init(_ entries: [(level: Int, value: String, column: Int)]) {
        let bytes = entries.reduce(0) { $0 + $1.value.utf8.count }
        arena = .allocate(capacity: max(bytes, 1))
        keys = .allocate(capacity: max(entries.count, 1))
        var size = 16
        while size < entries.count * 2 { size <<= 1 }
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        mask = size - 1
        var at = 0
        for (i, entry) in entries.enumerated() {
            let start = at
            for b in entry.value.utf8 {
                arena[at] = b
                at += 1
            }
            (keys + i).initialize(
                to: Key(
                    start: Int32(start), count: Int32(at - start), level: Int32(entry.level),
                    column: Int32(entry.column)))
            let h = Self.hash(level: Int32(entry.level), UnsafeBufferPointer(start: arena + start, count: at - start))
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = (h >> 32) << 32 | UInt64(i + 1)
        }
    }

    deinit {
        arena.deallocate()
        keys.deallocate()
        slots.deallocate()
    }

    /// The column of `bytes` at `level`, or -1 when it has none.
    @inline(__always)
    func column(level: Int32, _ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let h = Self.hash(level: level, bytes)
        let tag = h >> 32
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s == 0 { return -1 }
            if s >> 32 == tag {
                let key = keys[Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: s) &- 1)]
                if key.level == level && Int(key.count) == bytes.count
                    && (bytes.isEmpty || bytesEqual(arena + Int(key.start), bytes.baseAddress!, bytes.count))
                {
                    return Int(key.column)
                }
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

/// Whether `n` bytes at `a` and `b` are equal.
///
/// Keys here are a few to a few dozen bytes, where a call to `memcmp` costs more than the compare:
/// eight bytes at a time with the last word overlapping, and short keys as two overlapping halves
/// (never reading outside either key).
@inline(__always)
func bytesEqual(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let ra = UnsafeRawPointer(a)
    let rb = UnsafeRawPointer(b)
    if n >= 8 {
        var i = 0
        while i &+ 8 < n {
            if ra.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                != rb.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            {
                return false
            }
            i &+= 8
        }
        return ra.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
            == rb.loadUnaligned(fromByteOffset: n &- 8, as: UInt64.self)
    }
    if n >= 4 {
        return ra.loadUnaligned(as: UInt32.self) == rb.loadUnaligned(as: UInt32.self)
            && ra.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
                == rb.loadUnaligned(fromByteOffset: n &- 4, as: UInt32.self)
    }
    var i = 0
    while i < n {
        if a[i] != b[i] { return false }
        i &+= 1
    }
    return true
}
