extension LogisticRegression {
    /// The margin at the training means of the design columns: where contributions start from.
    public var contributionBase: Double {
        zip(weights, columnMeans).reduce(intercept) { $0 + $1.0 * $1.1 }
    }

    /// Exact contributions of every column to the log-odds of the rows `rows` of `matrix`:
    /// `wⱼ·(x̃ⱼ − meanⱼ)` in the design space (numbers standardized, a missing number at its mean),
    /// row `r`'s column `j` at `[r * weights.count + j]`. `contributionBase` plus a row's
    /// contributions is its margin.
    public func contributions(_ matrix: FeatureMatrix, rows: Range<Int>? = nil) -> [Double] {
        let rows = rows ?? 0..<matrix.rowCount
        let width = weights.count
        // A column a row does not store holds a raw 0: standardized, -mean/scale.
        var scalingOf = [Int](repeating: -1, count: width)
        var absent = [Double](repeating: 0, count: width)
        for (k, s) in scaling.enumerated() {
            scalingOf[s.column] = k
            absent[s.column] = -s.mean / s.scale
        }
        let atAbsent = (0..<width).map { weights[$0] * (absent[$0] - columnMeans[$0]) }
        var out = [Double](repeating: 0, count: rows.count * width)
        for (r, i) in rows.enumerated() {
            let row = r * width
            out.replaceSubrange(row..<(row + width), with: atAbsent)
            for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
                let j = Int(matrix.columns[k])
                var x = Double(matrix.values[k])
                if scalingOf[j] >= 0 {
                    let s = scaling[scalingOf[j]]
                    x = x.isNaN ? 0 : (x - s.mean) / s.scale
                }
                out[row + j] = weights[j] * (x - columnMeans[j])
            }
        }
        return out
    }
}
