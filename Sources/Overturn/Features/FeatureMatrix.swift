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

    /// The number of stored entries.
    public var nonZeroCount: Int { columns.count }

    /// Row `i`'s stored entries.
    public func row(_ i: Int) -> (columns: ArraySlice<Int32>, values: ArraySlice<Float>) {
        let range = rowOffsets[i]..<rowOffsets[i + 1]
        return (columns[range], values[range])
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

    /// Starts a new row; entries appended until `endRow()` belong to it.
    @inline(__always)
    mutating func append(column: Int, value: Float) {
        columns.append(Int32(truncatingIfNeeded: column))
        values.append(value)
    }

    /// Appends entries of value 1 at `newColumns` (a cached code list: sorted, distinct).
    @inline(__always)
    mutating func append(columns newColumns: UnsafeBufferPointer<Int32>) {
        for c in newColumns {
            columns.append(c)
            values.append(1)
        }
    }

    @inline(__always)
    mutating func endRow() {
        rowOffsets.append(columns.count)
    }

    /// Drops the entries appended since the last `endRow()` (a row that turned out to be bad).
    @inline(__always)
    mutating func discardOpenRow() {
        let keep = rowOffsets[rowOffsets.count - 1]
        columns.removeSubrange(keep...)
        values.removeSubrange(keep...)
    }

    /// Whether the open row already holds `column` among its entries from `start`.
    @inline(__always)
    func openRowContains(column: Int, from start: Int) -> Bool {
        let c = Int32(truncatingIfNeeded: column)
        return columns.withUnsafeBufferPointer { cols in
            for e in start..<cols.count where cols[e] == c { return true }
            return false
        }
    }

    /// Sorts the open row's entries from `start` by column (code lists append level by level).
    mutating func sortOpenEntries(from start: Int) {
        let end = columns.count
        guard end - start > 1 else { return }
        columns.withUnsafeMutableBufferPointer { c in
            values.withUnsafeMutableBufferPointer { v in
                for i in (start + 1)..<end {
                    let col = c[i]
                    let val = v[i]
                    var j = i
                    while j > start && c[j - 1] > col {
                        c[j] = c[j - 1]
                        v[j] = v[j - 1]
                        j -= 1
                    }
                    c[j] = col
                    v[j] = val
                }
            }
        }
    }

    mutating func reserve(rows: Int, entries: Int) {
        rowOffsets.reserveCapacity(rows + 1)
        columns.reserveCapacity(entries)
        values.reserveCapacity(entries)
    }
}
