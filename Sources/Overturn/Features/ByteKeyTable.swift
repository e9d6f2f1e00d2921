/// An open-addressing hash table from byte strings to dense indices 0, 1, 2, …, that grows.
///
/// Fitting counts every category and code of every row, so an insert takes a byte view of the CSV
/// buffer and allocates only for a new key. Storage is raw growing buffers (no reference counting
/// in the loop); the owner calls `deallocate()`.
struct ByteKeyTable {
    private var keys = GrowingBuffer<UInt8>()
    private var keyStart = GrowingBuffer<Int>()  // key i is keys[keyStart[i] ..< keyStart[i + 1]]
    private var keyHash = GrowingBuffer<UInt64>()
    private var slots: GrowingBuffer<Int32>  // -1 = empty, else key index
    private var mask: Int

    init(capacity: Int = 16) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = GrowingBuffer(repeating: -1, count: size)
        mask = size - 1
        keyStart.append(0)
    }

    func deallocate() {
        keys.base.deallocate()
        keyStart.base.deallocate()
        keyHash.base.deallocate()
        slots.base.deallocate()
    }

    /// The number of keys.
    var count: Int { keyHash.count }

    /// Key `i`'s bytes.
    func key(_ i: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: keys.base + keyStart[i], count: keyStart[i + 1] - keyStart[i]))
    }

    /// The index of `bytes`, inserting it if new.
    @inline(__always)
    mutating func insert(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        let h = hashBytes(bytes, seed: 1)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let k = Int(slots[slot])
            if k < 0 { break }
            if keyHash[k] == h && keyStart[k + 1] - keyStart[k] == bytes.count
                && bytesEqual(keys.base + keyStart[k], bytes.baseAddress!, bytes.count)
            {
                return k
            }
            slot = (slot + 1) & mask
        }
        let index = keyHash.count
        for b in bytes { keys.append(b) }
        keyStart.append(keys.count)
        keyHash.append(h)
        slots[slot] = Int32(index)
        if keyHash.count * 2 > slots.count { grow() }
        return index
    }

    private mutating func grow() {
        slots.base.deallocate()
        (slots, mask) = rehash(keyHash, slots: slots.count * 2)
    }
}
