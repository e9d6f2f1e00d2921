/// Numbers that start on a cache line (64 bytes) and are never written after `init`. A Swift
/// array's elements start 32 bytes into its heap block, so a table whose rows are 128 bytes reads
/// each row from three cache lines there and from two here.
final class CacheLineArray: @unchecked Sendable, Equatable {
    let base: UnsafePointer<Double>
    let count: Int

    init(_ values: [Double]) {
        count = values.count
        let memory = UnsafeMutableRawPointer.allocate(byteCount: max(values.count, 1) * 8, alignment: 64)
        let numbers = memory.bindMemory(to: Double.self, capacity: max(values.count, 1))
        numbers.initialize(from: values, count: values.count)
        base = UnsafePointer(numbers)
    }

    deinit { base.deallocate() }

    static func == (a: CacheLineArray, b: CacheLineArray) -> Bool {
        a.count == b.count && (0..<a.count).allSatisfy { a.base[$0].bitPattern == b.base[$0].bitPattern }
    }
}
