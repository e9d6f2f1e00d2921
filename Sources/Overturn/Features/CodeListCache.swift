import CIntrinsics

#if canImport(Glibc)
    import Glibc
#endif

/// The columns of code lists already extracted, by the list's raw bytes.
///
/// Claims repeat the same code lists (`96365;96366;J3490`) over and over: in 1M synthetic claims,
/// the 65,536 most common lists of each code column cover 91% of CPT lists and all but 0.01% of
/// ICD-10 lists. Extraction looks a list up once instead of normalizing and looking up each code at
/// each level; a list not yet seen is extracted the long way and remembered while there is room.
///
/// A table of this size lives in L3 or memory, not L1, so a lookup is laid out to touch two cache
/// lines: its slot, which holds the key's hash tag beside the entry's place (a different list
/// rarely gets past the tag), and the entry, whose length, bytes and columns lie side by side.
///
/// One cache serves one thread at a time (no locking): an `ExtractionWorkspace` owns it and frees it
/// with `deallocate()`. Storage is raw buffers: a lookup runs for every code column of every row,
/// and arrays or a class would add reference counting and exclusivity checks to it.
struct CodeListCache {
    /// The most lists a cache remembers unless told otherwise; past it, new lists are extracted the
    /// long way every time.
    static let defaultCapacity = 1 << 16

    /// The most lists this cache remembers.
    let capacity: Int

    /// 0 = empty; else the key hash's upper 32 bits (the tag) over 1 + the entry's first word.
    private var slots: GrowingBuffer<UInt64>
    private var mask: Int
    /// Entries back to back, each: key length, column count, the key's bytes in words (zero padded),
    /// the columns.
    private var arena = GrowingBuffer<Int32>(capacity: 4096)
    /// Each entry's hash and first word, in insertion order: only for growing the slots.
    private var entryHash = GrowingBuffer<UInt64>()
    private var entryStart = GrowingBuffer<Int>()

    init(capacity: Int = CodeListCache.defaultCapacity) {
        self.capacity = capacity
        slots = GrowingBuffer(repeating: 0, count: 1024)
        mask = 1023
    }

    func deallocate() {
        slots.base.deallocate()
        arena.base.deallocate()
        entryHash.base.deallocate()
        entryStart.base.deallocate()
    }

    var isFull: Bool { entryHash.count >= capacity }

    /// The hash a lookup of `list` starts from.
    @inline(__always)
    static func hash(_ list: UnsafeBufferPointer<UInt8>) -> UInt64 { hashBytes(list, seed: 0) }

    /// Asks the processor to fetch the slot a lookup of the list with hash `h` reads first, so that
    /// a row's lookups wait for memory side by side rather than one after another.
    @inline(__always)
    func prefetchSlot(_ h: UInt64) {
        overturn_prefetch(slots.base + (Int(truncatingIfNeeded: h) & mask))
    }

    /// The second step of `prefetchSlot`: reads the slot and asks for the entry it points to.
    @inline(__always)
    func prefetchEntry(_ h: UInt64) {
        let s = slots[Int(truncatingIfNeeded: h) & mask]
        if s != 0 && s >> 32 == h >> 32 {
            overturn_prefetch(arena.base + Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: s) &- 1))
        }
    }

    /// The cached columns of `list`, or `nil` when the list is not cached.
    @inline(__always)
    func columns(of list: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<Int32>? {
        columns(of: list, hash: Self.hash(list))
    }

    /// The cached columns of `list` (whose hash is `h`), or `nil` when the list is not cached.
    @inline(__always)
    func columns(of list: UnsafeBufferPointer<UInt8>, hash h: UInt64) -> UnsafeBufferPointer<Int32>? {
        let tag = h >> 32
        var slot = Int(truncatingIfNeeded: h) & mask
        while true {
            let s = slots[slot]
            if s == 0 { return nil }
            if s >> 32 == tag {
                let entry = arena.base + Int(truncatingIfNeeded: UInt32(truncatingIfNeeded: s) &- 1)
                let n = Int(entry[0])
                if n == list.count
                    && (n == 0
                        || bytesEqual(
                            UnsafeRawPointer(entry + 2).assumingMemoryBound(to: UInt8.self), list.baseAddress!, n))
                {
                    return UnsafeBufferPointer(start: entry + 2 + (n + 3) / 4, count: Int(entry[1]))
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// Remembers `list`'s columns (the caller checks `isFull` first).
    mutating func insert(_ list: UnsafeBufferPointer<UInt8>, columns listColumns: UnsafeBufferPointer<Int32>) {
        let h = Self.hash(list)
        let start = arena.count
        arena.append(Int32(list.count))
        arena.append(Int32(listColumns.count))
        var word: UInt32 = 0
        for (i, b) in list.enumerated() {
            word |= UInt32(b) << (8 * UInt32(i & 3))
            if i & 3 == 3 {
                arena.append(Int32(bitPattern: word.littleEndian))
                word = 0
            }
        }
        if list.count & 3 != 0 { arena.append(Int32(bitPattern: word.littleEndian)) }
        for c in listColumns { arena.append(c) }
        entryHash.append(h)
        entryStart.append(start)
        place(h, start)
        if entryHash.count * 2 > slots.count {
            slots.base.deallocate()
            slots = GrowingBuffer(repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for e in 0..<entryHash.count { place(entryHash[e], entryStart[e]) }
        }
    }

    private func place(_ h: UInt64, _ start: Int) {
        var slot = Int(truncatingIfNeeded: h) & mask
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = (h >> 32) << 32 | UInt64(start + 1)
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
        base = allocateLarge(T.self, capacity: count)
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
            let grown = allocateLarge(T.self, capacity: capacity * 2)
            grown.moveInitialize(from: base, count: count)
            base.deallocate()
            base = grown
            capacity *= 2
        }
        (base + count).initialize(to: value)
        count += 1
    }

    /// Forgets the values, keeping the room (for plain values such as numbers, which need no
    /// deinitializing).
    mutating func removeAll() {
        count = 0
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

/// Room for `capacity` values; from 1 MiB on, aligned to 2 MiB and offered to the kernel for huge
/// pages, so that random lookups into a big table do not miss the TLB on every other access. Freed
/// with `deallocate()` like any allocation.
func allocateLarge<T>(_: T.Type, capacity: Int) -> UnsafeMutablePointer<T> {
    let bytes = capacity * MemoryLayout<T>.stride
    #if os(Linux)
        if bytes >= 1 << 20 {
            var raw: UnsafeMutableRawPointer? = nil
            let huge = 2 << 20
            if posix_memalign(&raw, huge, (bytes + huge - 1) / huge * huge) == 0, let raw {
                _ = madvise(raw, (bytes + huge - 1) / huge * huge, MADV_HUGEPAGE)
                return raw.bindMemory(to: T.self, capacity: capacity)
            }
        }
    #endif
    return .allocate(capacity: capacity)
}
