/// The columns of code lists already extracted, by the list's raw bytes.
///
/// Claims repeat the same code lists (`96365;96366;J3490`) over and over: in 1M synthetic claims,
/// the 65,536 most common lists of each code column cover 91% of CPT lists and all but 0.01% of
/// ICD-10 lists. Extraction looks a list up once instead of normalizing and looking up each code at
/// each level; a list not yet seen is extracted the long way and remembered while there is room.
///
/// One cache serves one transform call (no locking), which frees it with `deallocate()`. Storage is
/// raw buffers: a lookup runs for every code column of every row, and arrays or a class would add
/// reference counting and exclusivity checks to it.
struct CodeListCache {
    /// The most lists remembered; past it, new lists are extracted the long way every time.
    static let capacity = 1 << 16

    private var slots: GrowingBuffer<Int32>  // -1 = empty, else entry index
    private var mask: Int
    private var keyHash = GrowingBuffer<UInt64>()
    private var keyStart = GrowingBuffer<Int>()  // entry e's raw bytes are keys[keyStart[e] ..< keyStart[e + 1]]
    private var keys = GrowingBuffer<UInt8>()
    private var columnStart = GrowingBuffer<Int>()
    private var columns = GrowingBuffer<Int32>()

    init() {
        slots = GrowingBuffer(repeating: -1, count: 1024)
        mask = 1023
        keyStart.append(0)
        columnStart.append(0)
    }

    func deallocate() {
        slots.base.deallocate()
        keyHash.base.deallocate()
        keyStart.base.deallocate()
        keys.base.deallocate()
        columnStart.base.deallocate()
        columns.base.deallocate()
    }

    var isFull: Bool { keyHash.count >= Self.capacity }

    /// The cached columns of `list`, or `nil` when the list is not cached.
    @inline(__always)
    func columns(of list: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<Int32>? {
        let h = hashBytes(list, seed: 0)
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[slot])
            if e < 0 { return nil }
            if keyHash[e] == h && matches(e, list) {
                let lo = columnStart[e]
                return UnsafeBufferPointer(start: columns.base + lo, count: columnStart[e + 1] - lo)
            }
            slot = (slot + 1) & mask
        }
    }

    /// Remembers `list`'s columns (the caller checks `isFull` first).
    mutating func insert(_ list: UnsafeBufferPointer<UInt8>, columns listColumns: UnsafeBufferPointer<Int32>) {
        let h = hashBytes(list, seed: 0)
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(keyHash.count)
        keyHash.append(h)
        for b in list { keys.append(b) }
        keyStart.append(keys.count)
        for c in listColumns { columns.append(c) }
        columnStart.append(columns.count)
        if keyHash.count * 2 > slots.count { grow() }
    }

    private mutating func grow() {
        slots.base.deallocate()
        (slots, mask) = rehash(keyHash, slots: slots.count * 2)
    }

    @inline(__always)
    private func matches(_ e: Int, _ list: UnsafeBufferPointer<UInt8>) -> Bool {
        let lo = keyStart[e]
        guard keyStart[e + 1] - lo == list.count else { return false }
        return list.isEmpty || bytesEqual(keys.base + lo, list.baseAddress!, list.count)
    }
}

/// A raw buffer that doubles when full; the owner frees `base`.
struct GrowingBuffer<T> {
    private(set) var base: UnsafeMutablePointer<T>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int = 256) {
        base = .allocate(capacity: capacity)
        self.capacity = capacity
    }

    init(repeating value: T, count: Int) {
        base = .allocate(capacity: count)
        base.initialize(repeating: value, count: count)
        self.count = count
        capacity = count
    }

    @inline(__always)
    subscript(i: Int) -> T {
        get { base[i] }
        nonmutating set { base[i] = newValue }
    }

    @inline(__always)
    mutating func append(_ value: T) {
        if count == capacity {
            let grown = UnsafeMutablePointer<T>.allocate(capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: value)
        count += 1
    }
}

/// Open-addressing slots of size `size` (a power of two) for the keys with these hashes, in order:
/// what a table that doubles builds anew.
func rehash(_ hashes: GrowingBuffer<UInt64>, slots size: Int) -> (GrowingBuffer<Int32>, mask: Int) {
    let slots = GrowingBuffer<Int32>(repeating: -1, count: size)
    let mask = size - 1
    for k in 0..<hashes.count {
        var slot = Int(truncatingIfNeeded: hashes[k]) & mask
        while slots[slot] >= 0 { slot = (slot + 1) & mask }
        slots[slot] = Int32(k)
    }
    return (slots, mask)
}
