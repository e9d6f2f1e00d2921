/// A way to split one leaf, and what it gains.
struct SplitCandidate {
    /// `score(left) + score(right) − score(parent)`, `score(G, H) = G² / (H + λ)`; -∞ when none.
    var gain = -Double.infinity
    var feature = -1
    /// Numeric: the last value bin that goes left (1…B). Binary: 0 (present goes right).
    var bin = 0
    var defaultLeft = false
    /// Categorical: the levels that go left, ascending.
    var leftLevels: [Int32] = []
    var left = GradientSums()
    var right = GradientSums()

    var isValid: Bool { feature >= 0 }
}

/// Finds the best split of a leaf from its histogram, as LightGBM does: every threshold of every
/// numeric feature with missing values tried on both sides, binary features as present / absent,
/// and categorical features by sorting their levels by gradient statistics.
struct SplitFinder {
    let data: BinnedRows
    let features: [TreeFeature]
    let options: GradientBoostedTrees.Options

    /// The best split of a leaf of `rows` rows with histogram `hist` and totals `total`, among
    /// `usable` features.
    func best(_ hist: UnsafePointer<GradientSums>, total: GradientSums, rows: Int, usable: [Bool]) -> SplitCandidate {
        guard rows >= 2 * options.minSamplesLeaf && total[1] > 0 else { return SplitCandidate() }
        var scan = LeafScan(options: options, total: total, rows: rows)
        for f in features.indices where usable[f] {
            let h = hist + data.binOffset[f]
            let count = data.bins[f].count
            switch features[f].kind {
            case .numeric: scan.numeric(f, h, count)
            case .binary: scan.consider(f, bin: 0, defaultLeft: true, left: h[0], right: h[1])
            case .categorical: scan.categorical(f, h, count)
            }
        }
        return scan.best.gain > options.minSplitGain ? scan.best : SplitCandidate()
    }
}

/// One leaf's search: its totals, how many rows a unit of hessian stands for, and the best split
/// found so far.
private struct LeafScan {
    let options: GradientBoostedTrees.Options
    let total: GradientSums
    /// Histograms hold gradient and hessian sums only; a side's row count is estimated from its
    /// hessian, as LightGBM estimates it.
    let rowsPerHessian: Double
    /// `score(total)` with the plain L2 and with the extra L2 of grouped category splits.
    let parentScore: Double
    let parentScoreCategorical: Double
    var best = SplitCandidate()

    init(options: GradientBoostedTrees.Options, total: GradientSums, rows: Int) {
        self.options = options
        self.total = total
        rowsPerHessian = Double(rows) / total[1]
        parentScore = Self.score(total, l2: options.l2)
        parentScoreCategorical = Self.score(total, l2: options.l2 + options.categoryL2)
    }

    /// `G² / (H + λ)`: what a leaf with sums `s` contributes to the objective's reduction.
    @inline(__always)
    static func score(_ s: GradientSums, l2: Double) -> Double { s[0] * s[0] / (s[1] + l2) }

    /// The estimated number of rows behind sums `s`.
    @inline(__always)
    func rows(_ s: GradientSums) -> Double { (s[1] * rowsPerHessian).rounded() }

    @inline(__always)
    func allowed(_ s: GradientSums) -> Bool {
        s[1] >= options.minChildWeight && rows(s) >= Double(options.minSamplesLeaf)
    }

    /// Keeps the split into `left` and `right` when both sides are allowed and it gains more than
    /// the best so far; says whether it did. `grouped` marks a categorical split of several levels,
    /// whose gain carries the extra `categoryL2`.
    @inline(__always)
    @discardableResult
    mutating func consider(
        _ f: Int, bin: Int, defaultLeft: Bool, left: GradientSums, right: GradientSums, leftLevels: [Int32] = [],
        grouped: Bool = false
    ) -> Bool {
        guard allowed(left) && allowed(right) else { return false }
        let l2 = grouped ? options.l2 + options.categoryL2 : options.l2
        let gain =
            Self.score(left, l2: l2) + Self.score(right, l2: l2) - (grouped ? parentScoreCategorical : parentScore)
        guard gain > best.gain else { return false }
        best = SplitCandidate(
            gain: gain, feature: f, bin: bin, defaultLeft: defaultLeft, leftLevels: leftLevels, left: left, right: right
        )
        return true
    }

    /// Thresholds after value bins 1…B−1, missing rows (bin 0) sent right and left; plus "values
    /// left, missing right" when there are missing rows.
    mutating func numeric(_ f: Int, _ h: UnsafePointer<GradientSums>, _ count: Int) {
        let missing = h[0]
        let hasMissing = missing[1] > 0
        var left = GradientSums()
        for b in 1..<count {
            left += h[b]
            if b == count - 1 {
                if hasMissing { consider(f, bin: b, defaultLeft: false, left: left, right: missing) }
                break
            }
            let right = total - left - missing
            if hasMissing {
                consider(f, bin: b, defaultLeft: false, left: left, right: right + missing)
                consider(f, bin: b, defaultLeft: true, left: left + missing, right: right)
            } else {
                // No missing values seen: at scoring time they follow the larger side.
                consider(f, bin: b, defaultLeft: left[1] >= right[1], left: left, right: right)
            }
        }
    }

    /// LightGBM's categorical split: with few levels, one level against the rest; otherwise levels
    /// with enough rows sorted by `G / (H + catSmooth)`, and the best prefix of that order, from
    /// either end and at most `maxCategoryThreshold` long, goes left (rare levels go right).
    mutating func categorical(_ f: Int, _ h: UnsafePointer<GradientSums>, _ count: Int) {
        if count <= options.maxCategoriesOneHot {
            for level in 0..<count where h[level][1] > 0 {
                consider(
                    f, bin: 0, defaultLeft: false, left: h[level], right: total - h[level], leftLevels: [Int32(level)])
            }
            return
        }
        var levels = (0..<count).filter { rows(h[$0]) >= Double(options.minRowsPerCategory) }
        guard levels.count >= 2 else { return }
        let smooth = options.categorySmoothing
        levels.sort { a, b in
            let ka = h[a][0] / (h[a][1] + smooth)
            let kb = h[b][0] / (h[b][1] + smooth)
            return ka != kb ? ka < kb : a < b
        }
        let longest = min(options.maxCategoryThreshold, (levels.count + 1) / 2)
        for fromEnd in [false, true] {
            var left = GradientSums()
            for i in 0..<longest {
                left += h[levels[fromEnd ? levels.count - 1 - i : i]]
                if consider(f, bin: 0, defaultLeft: false, left: left, right: total - left, grouped: true) {
                    let prefix = fromEnd ? levels.suffix(i + 1) : levels.prefix(i + 1)
                    best.leftLevels = prefix.map { Int32($0) }.sorted()
                }
            }
        }
    }
}
