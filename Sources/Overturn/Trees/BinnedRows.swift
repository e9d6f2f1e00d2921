/// The training rows as bins, laid out for histogram building.
///
/// Every feature owns a range of *global* bins (`binOffset[f] ..< binOffset[f] + bins[f].count`);
/// a row is the list of its global bins: one per dense feature (numeric and categorical, in
/// `dense` order), then one per binary feature the row holds, ascending. A histogram is then a
/// single loop, `hist[entry] += (g, h, 1)` over a row's entries, whatever mix of features the schema
/// has; the absent bin of a binary feature is the leaf's total minus its present bin.
///
/// A binary feature that is one level of a categorical feature (categories split both ways) is not
/// stored: its present bin is the categorical feature's bin of that level (`mirror`).
///
/// Claims rows hold about 25 entries (50 bytes), so a million rows take about 50 MB.
struct BinnedRows: Sendable {
    let bins: [FeatureBins]
    let binOffset: [Int]
    let totalBins: Int
    /// The dense features, in the order of their entries at the start of every row.
    let dense: [Int]
    /// Per feature: its position among `dense`, or -1 for binary features.
    let denseSlot: [Int]
    let rowStart: [Int]
    let entries: [UInt16]
    /// The dense entries again, column by column (`columns[slot * rowCount + row]`): a split's
    /// partition reads one small array instead of every row's entries.
    let columns: [UInt16]
    /// Per binary feature, the rows that hold it, ascending (`presentRows[presentStart[f] ..<
    /// presentStart[f + 1]]`; empty for other features): a split on a code partitions by merging.
    let presentStart: [Int]
    let presentRows: [UInt32]
    /// Per feature: for a binary feature that is one level of a categorical feature, that
    /// categorical feature and the level; nil otherwise.
    let mirror: [(feature: Int, level: Int)?]

    var rowCount: Int { rowStart.count - 1 }

    /// The most global bins a model can have: entries are 16-bit.
    static let maxTotalBins = Int(UInt16.max)

    /// Bins `rows` of `matrix` (all rows when nil) with the given per-feature bins.
    ///
    /// `overrides` gives, per feature, a value for every row of `matrix` that replaces what the
    /// matrix says (ordered target statistics of training rows).
    init(
        _ matrix: FeatureMatrix, rows: [Int]? = nil, features: [TreeFeature], bins: [FeatureBins],
        overrides: [Int: [Float]] = [:], threads: Int = 1
    ) {
        self.bins = bins
        var offset: [Int] = []
        var total = 0
        for b in bins {
            offset.append(total)
            total += b.count
        }
        precondition(total <= Self.maxTotalBins)
        binOffset = offset
        totalBins = total
        var dense: [Int] = []
        var slot = [Int](repeating: -1, count: features.count)
        for (f, spec) in features.enumerated() where spec.kind != .binary {
            slot[f] = dense.count
            dense.append(f)
        }
        self.dense = dense
        denseSlot = slot
        var categoricalOfColumn = [Int](repeating: -1, count: matrix.width)
        for (f, spec) in features.enumerated() where spec.kind == .categorical {
            for c in spec.column..<(spec.column + spec.levels) { categoricalOfColumn[c] = f }
        }
        let mirror = features.map { spec -> (feature: Int, level: Int)? in
            guard spec.kind == .binary, case let f = categoricalOfColumn[spec.column], f >= 0 else { return nil }
            return (f, spec.column - features[f].column)
        }
        self.mirror = mirror
        let map = TreeFeatureMap(features: features, width: matrix.width)

        let count = rows?.count ?? matrix.rowCount
        // Per dense feature, its entry's value when the row stores no column of it.
        let absentEntry = dense.map { UInt16(offset[$0] + bins[$0].bin(map.absent[$0])) }
        /// The entries of rows `range`, and where each row ends within them.
        func binRows(_ range: Range<Int>) -> (entries: [UInt16], ends: [Int]) {
            var entries: [UInt16] = []
            entries.reserveCapacity(range.count * (dense.count + 16))
            var ends: [Int] = []
            ends.reserveCapacity(range.count)
            var sparse: [UInt16] = []
            for r in range {
                let i = rows?[r] ?? r
                let base = entries.count
                entries.append(contentsOf: absentEntry)
                sparse.removeAll(keepingCapacity: true)
                map.forEachTarget(ofRow: i, in: matrix) { f, value in
                    let b = bins[f].bin(value)
                    if slot[f] >= 0 {
                        entries[base + slot[f]] = UInt16(offset[f] + b)
                    } else if b == 1 && mirror[f] == nil {
                        sparse.append(UInt16(offset[f] + 1))
                    }
                }
                for (f, values) in overrides { entries[base + slot[f]] = UInt16(offset[f] + bins[f].bin(values[i])) }
                sparse.sort()
                entries.append(contentsOf: sparse)
                ends.append(entries.count)
            }
            return (entries, ends)
        }
        // Parts binned in parallel, then laid end to end.
        let parts = max(1, min(16, count / 16_384))
        var pieces = [(entries: [UInt16], ends: [Int])](repeating: ([], []), count: parts)
        pieces.withUnsafeMutableBufferPointer { pieces in
            parallelParts(count, parts: parts, threads: threads) { p, rows in pieces[p] = binRows(rows) }
        }
        var rowStart = [0]
        rowStart.reserveCapacity(count + 1)
        var entries: [UInt16] = []
        entries.reserveCapacity(pieces.reduce(0) { $0 + $1.entries.count })
        for piece in pieces {
            let base = entries.count
            entries.append(contentsOf: piece.entries)
            rowStart.append(contentsOf: piece.ends.lazy.map { $0 + base })
        }
        self.rowStart = rowStart
        self.entries = entries
        var columns = [UInt16](repeating: 0, count: dense.count * count)
        for r in 0..<count {
            for s in 0..<dense.count { columns[s * count + r] = entries[rowStart[r] + s] }
        }
        self.columns = columns
        var counts = [Int](repeating: 0, count: features.count + 1)
        var featureOfBin = [Int](repeating: -1, count: total)
        for f in features.indices where slot[f] < 0 { featureOfBin[offset[f] + 1] = f }
        for r in 0..<count {
            for k in (rowStart[r] + dense.count)..<rowStart[r + 1] { counts[featureOfBin[Int(entries[k])] + 1] += 1 }
        }
        for f in 0..<features.count { counts[f + 1] += counts[f] }
        var fill = counts
        var present = [UInt32](repeating: 0, count: counts[features.count])
        for r in 0..<count {
            for k in (rowStart[r] + dense.count)..<rowStart[r + 1] {
                let f = featureOfBin[Int(entries[k])]
                present[fill[f]] = UInt32(r)
                fill[f] += 1
            }
        }
        presentStart = counts
        presentRows = present
    }

    /// Whether row `r` holds the stored binary feature `f` (a code; not one that mirrors a category).
    @inline(__always)
    func holds(row r: Int, code f: Int) -> Bool {
        let present = UInt16(binOffset[f] + 1)
        var k = rowStart[r] + dense.count
        let end = rowStart[r + 1]
        while k < end {
            let e = entries[k]
            if e >= present { return e == present }
            k += 1
        }
        return false
    }
}

extension FeatureBins {
    /// Bins for every feature, numeric ones from the values of `sampleRows` of `matrix`.
    static func fit(
        _ matrix: FeatureMatrix, sampleRows: [Int], features: [TreeFeature], maxBins: Int,
        overrides: [Int: [Float]] = [:]
    ) -> [FeatureBins] {
        let map = TreeFeatureMap(features: features, width: matrix.width)
        let numeric = features.indices.filter { features[$0].kind == .numeric }
        var slot = [Int](repeating: -1, count: features.count)
        for (s, f) in numeric.enumerated() { slot[f] = s }
        var values = [[Float]](repeating: [Float](repeating: 0, count: sampleRows.count), count: numeric.count)
        for (r, i) in sampleRows.enumerated() {
            map.forEachTarget(ofRow: i, in: matrix) { f, value in
                if slot[f] >= 0 { values[slot[f]][r] = value }
            }
            for (f, override) in overrides { values[slot[f]][r] = override[i] }
        }
        return features.enumerated().map { f, spec in
            switch spec.kind {
            case .numeric: FeatureBins(numeric: values[slot[f]], maxBins: maxBins)
            case .binary, .categorical: FeatureBins(kind: spec.kind, levels: spec.levels)
            }
        }
    }
}
