import CIntrinsics

/// Rows of features in compressed sparse row (CSR) form: Int32 column indices, Float32 values.
///
/// Row `i` holds the entries `rowOffsets[i] ..< rowOffsets[i + 1]` of `columns` and `values`,
/// columns ascending. Columns not listed are zero; a missing number is stored as NaN (its missing
/// indicator column is 1). `dense()` gives the row-major Float32 view the BLAS paths use.
///
/// ```swift
/// let m = batch.matrix
/// for k in m.rowOffsets[0]..<m.rowOffsets[1] { print(names[Int(m.columns[k])], m.values[k]) }
/// ```
public struct FeatureMatrix: Sendable, Equatable {
    /// The number of columns.
    public let width: Int
    /// `rowCount + 1` offsets into `columns` and `values`.
    public internal(set) var rowOffsets: [Int] = [0]
    public internal(set) var columns: [Int32] = []
    public internal(set) var values: [Float] = []

    public init(width: Int) {
        self.width = width
    }

    /// Builds a matrix from its parts; checks that offsets and columns are in range and ordered.
    public init(width: Int, rowOffsets: [Int], columns: [Int32], values: [Float]) {
        precondition(rowOffsets.first == 0 && rowOffsets.last == columns.count && columns.count == values.count)
        precondition(zip(rowOffsets, rowOffsets.dropFirst()).allSatisfy { $0 <= $1 })
        precondition(columns.allSatisfy { $0 >= 0 && Int($0) < width })
        self.width = width
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
    }

    public var rowCount: Int { rowOffsets.count - 1 }

    /// Asks the processor for the start of row `i`'s entries, to be read soon.
    @inline(__always)
    func prefetchRow(_ i: Int) {
        let k = rowOffsets[i]
        columns.withUnsafeBufferPointer { $0.baseAddress.map { overturn_prefetch($0 + k) } }
        values.withUnsafeBufferPointer { $0.baseAddress.map { overturn_prefetch($0 + k) } }
    }

    /// The number of stored entries.
    public var nonZeroCount: Int { columns.count }

    /// Row `i`'s stored entries.
    public func row(_ i: Int) -> (columns: ArraySlice<Int32>, values: ArraySlice<Float>) {
        let range = rowOffsets[i]..<rowOffsets[i + 1]
        return (columns[range], values[range])
    }

    /// The given rows of `matrix`, in the order given.
    public init(rows: [Int], of matrix: FeatureMatrix) {
        width = matrix.width
        rowOffsets.reserveCapacity(rows.count + 1)
        for i in rows {
            let range = matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1]
            columns.append(contentsOf: matrix.columns[range])
            values.append(contentsOf: matrix.values[range])
            rowOffsets.append(columns.count)
        }
    }

    /// Row `i` as a dense vector of `width` values.
    public func denseRow(_ i: Int) -> [Float] {
        var out = [Float](repeating: 0, count: width)
        for k in rowOffsets[i]..<rowOffsets[i + 1] { out[Int(columns[k])] = values[k] }
        return out
    }

    /// All rows as one row-major `rowCount × width` array.
    public func dense() -> [Float] {
        var out = [Float](repeating: 0, count: rowCount * width)
        out.withUnsafeMutableBufferPointer { o in
            for i in 0..<rowCount {
                let base = i * width
                for k in rowOffsets[i]..<rowOffsets[i + 1] { o[base + Int(columns[k])] = values[k] }
            }
        }
        return out
    }

    // MARK: - Building

    /// Appends a finished row.
    @inline(__always)
    mutating func append(_ row: RowBuffer) {
        columns.append(contentsOf: UnsafeBufferPointer(start: row.columns, count: row.count))
        values.append(contentsOf: UnsafeBufferPointer(start: row.values, count: row.count))
        rowOffsets.append(columns.count)
    }

    mutating func reserve(rows: Int, entries: Int) {
        rowOffsets.reserveCapacity(rows + 1)
        columns.reserveCapacity(entries)
        values.reserveCapacity(entries)
    }
}

/// The entries of the row being extracted, in raw buffers: extraction appends an entry per value,
/// and array appends (a uniqueness check each) showed in its profile. Freed by `deallocate()`.
struct RowBuffer {
    private(set) var columns: UnsafeMutablePointer<Int32>
    private(set) var values: UnsafeMutablePointer<Float>
    private(set) var count = 0
    private var capacity = 256

    init() {
        columns = .allocate(capacity: capacity)
        values = .allocate(capacity: capacity)
    }

    func deallocate() {
        columns.deallocate()
        values.deallocate()
    }

    /// Starts the next row.
    @inline(__always)
    mutating func clear() { count = 0 }

    /// Drops the entries from `start` on (a row, or part of one, that turned out to be bad).
    @inline(__always)
    mutating func truncate(to start: Int) { count = start }

    @inline(__always)
    mutating func append(column: Int, value: Float) {
        if count == capacity { grow() }
        columns[count] = Int32(truncatingIfNeeded: column)
        values[count] = value
        count += 1
    }

    /// Appends entries of value 1 at `newColumns`.
    @inline(__always)
    mutating func append(columns newColumns: UnsafeBufferPointer<Int32>) {
        for c in newColumns { append(column: Int(c), value: 1) }
    }

    /// The columns from `start` on.
    func columns(from start: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: columns + start, count: count - start)
    }

    /// Whether the entries from `start` hold `column`.
    @inline(__always)
    func contains(column: Int, from start: Int) -> Bool {
        let c = Int32(truncatingIfNeeded: column)
        for e in start..<count where columns[e] == c { return true }
        return false
    }

    /// Sorts the entries from `start` by column (code lists append level by level).
    mutating func sort(from start: Int) {
        guard count - start > 1 else { return }
        for i in (start + 1)..<count {
            let col = columns[i]
            let val = values[i]
            var j = i
            while j > start && columns[j - 1] > col {
                columns[j] = columns[j - 1]
                values[j] = values[j - 1]
                j -= 1
            }
            columns[j] = col
            values[j] = val
        }
    }

    private mutating func grow() {
        let c = UnsafeMutablePointer<Int32>.allocate(capacity: capacity * 2)
        let v = UnsafeMutablePointer<Float>.allocate(capacity: capacity * 2)
        c.update(from: columns, count: count)
        v.update(from: values, count: count)
        columns.deallocate()
        values.deallocate()
        columns = c
        values = v
        capacity *= 2
    }
}
