/// An open-addressing hash table from byte strings to dense indices 0, 1, 2, …
///
/// Feature extraction looks up every category and code of every row, so a lookup takes a byte
/// view of the CSV buffer and allocates nothing. Keys live in one contiguous arena; slots hold
/// indices into it. Linear probing over a power-of-two table kept at most half full.
struct ByteKeyTable {
    private var arena: [UInt8] = []
    private var keyStart: [Int] = [0]        // key i is arena[keyStart[i] ..< keyStart[i + 1]]
    private var keyHash: [UInt64] = []
    private var slots: [Int32]               // -1 = empty, else key index
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        mask = size - 1
    }

    init<S: Sequence>(keys: S) where S.Element == String {
        self.init()
        for var key in keys { _ = key.withUTF8 { insert($0) } }
    }

    /// The number of keys.
    var count: Int { keyHash.count }

    /// Key `i` as a string.
    func key(_ i: Int) -> String {
        arena.withUnsafeBufferPointer { a in
            String(decoding: UnsafeBufferPointer(rebasing: a[keyStart[i]..<keyStart[i + 1]]), as: UTF8.self)
        }
    }

    /// The index of `bytes`, or -1.
    @inline(__always)
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        return slots.withUnsafeBufferPointer { s in
            var slot = Int(truncatingIfNeeded: h) & mask
            while true {
                let k = s[slot]
                if k < 0 { return -1 }
                if keyHash[Int(k)] == h && equals(Int(k), bytes) { return k }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The index of `bytes`, inserting it if new.
    @discardableResult
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        let h = Self.hash(bytes)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = slots[slot]
            if k < 0 { break }
            if keyHash[Int(k)] == h && equals(Int(k), bytes) { return k }
            slot = (slot + 1) & mask
        }
        let index = Int32(keyHash.count)
        arena.append(contentsOf: bytes)
        keyStart.append(arena.count)
        keyHash.append(h)
        slots[slot] = index
        if keyHash.count * 2 > slots.count { grow() }
        return index
    }

    @inline(__always)
    private func equals(_ k: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = keyStart[k]
        let n = keyStart[k + 1] - lo
        guard n == bytes.count else { return false }
        return arena.withUnsafeBufferPointer { a in
            n == 0 || memcmpBytes(a.baseAddress! + lo, bytes.baseAddress!, n)
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (k, h) in keyHash.enumerated() {
            var slot = Int(truncatingIfNeeded: h) & mask
            while slots[slot] >= 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(k)
        }
    }

    /// FNV-1a over the bytes, then a final mix so the low bits (the slot) depend on every byte.
    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        h ^= h >> 33
        h = h &* 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

@inline(__always)
private func memcmpBytes(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}
