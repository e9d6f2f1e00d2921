/// The matrix logistic regression is fitted on: value columns (numbers and flags) standardized in a
/// dense row-major block for BLAS, everything else (one-hot and multi-hot, missing indicators) left
/// sparse in CSR form, never densified.
///
/// Standardization follows scikit-learn's `StandardScaler`: mean and population standard deviation
/// over the training rows where the value is present (a scale of 1 for a constant column); a missing
/// value becomes the mean, that is 0 after standardizing, and its missing-indicator column carries
/// the signal.
struct LinearDesign {
    let rows: Int
    let width: Int
    /// Feature columns in the dense block, in block order.
    let denseColumns: [Int]
    /// rows × denseColumns.count, row-major.
    let dense: [Double]
    /// The sparse part: CSR over the other columns (original column indices).
    let rowOffsets: [Int]
    let columns: [Int32]
    let values: [Double]
    let scaling: [ColumnScaling]

    init(_ matrix: FeatureMatrix, valueColumns: [Int]) {
        self.rows = matrix.rowCount
        width = matrix.width
        denseColumns = valueColumns
        let d = valueColumns.count
        var slot = [Int](repeating: -1, count: width)
        for (j, column) in valueColumns.enumerated() { slot[column] = j }

        // Means and scales over present values (CSR omits zeros: they count as present zeros).
        var sum = [Double](repeating: 0, count: d)
        var sumSquares = [Double](repeating: 0, count: d)
        var missing = [Int](repeating: 0, count: d)
        for k in 0..<matrix.nonZeroCount {
            let j = slot[Int(matrix.columns[k])]
            guard j >= 0 else { continue }
            let v = Double(matrix.values[k])
            if v.isNaN {
                missing[j] += 1
            } else {
                sum[j] += v
                sumSquares[j] += v * v
            }
        }
        let rows = matrix.rowCount
        let scaling = (0..<d).map { j in
            let present = Double(max(rows - missing[j], 1))
            let mean = sum[j] / present
            let variance = max(sumSquares[j] / present - mean * mean, 0)
            let scale = variance > 1e-24 ? variance.squareRoot() : 1
            return ColumnScaling(column: valueColumns[j], mean: mean, scale: scale)
        }

        var dense = [Double](repeating: 0, count: rows * d)
        var rowOffsets = [0]
        var columns: [Int32] = []
        var values: [Double] = []
        rowOffsets.reserveCapacity(rows + 1)
        columns.reserveCapacity(matrix.nonZeroCount)
        values.reserveCapacity(matrix.nonZeroCount)
        for i in 0..<rows {
            let base = i * d
            for j in 0..<d { dense[base + j] = -scaling[j].mean / scaling[j].scale }  // an absent entry is 0
            for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
                let column = Int(matrix.columns[k])
                let v = Double(matrix.values[k])
                if slot[column] >= 0 {
                    let s = scaling[slot[column]]
                    dense[base + slot[column]] = v.isNaN ? 0 : (v - s.mean) / s.scale
                } else {
                    columns.append(Int32(column))
                    values.append(v)
                }
            }
            rowOffsets.append(columns.count)
        }
        self.scaling = scaling
        self.dense = dense
        self.rowOffsets = rowOffsets
        self.columns = columns
        self.values = values
    }

    /// The mean of every column of the design (0 for standardized columns), for contributions.
    func columnMeans() -> [Double] {
        var means = [Double](repeating: 0, count: width)
        for k in 0..<columns.count { means[Int(columns[k])] += values[k] }
        for j in 0..<width { means[j] /= Double(max(rows, 1)) }
        let d = denseColumns.count
        for j in 0..<d {
            var sum = 0.0
            for i in 0..<rows { sum += dense[i * d + j] }
            means[denseColumns[j]] = sum / Double(max(rows, 1))
        }
        return means
    }
}

/// How one value column is standardized: (x − mean) / scale, a missing value becoming 0.
public struct ColumnScaling: Sendable, Equatable, Codable {
    public var column: Int
    public var mean: Double
    public var scale: Double
}
