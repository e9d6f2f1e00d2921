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

    @inline(__always)
    func score(_ s: GradientSums, l2: Double) -> Double { s[0] * s[0] / (s[1] + l2) }

    /// Rows per unit of hessian in the leaf being split: histograms hold gradient and hessian sums
    /// only, and a side's row count is estimated from its hessian, as LightGBM estimates it.
    private(set) var rowsPerHessian = 1.0
    /// `score(total)` of the leaf being split.
    private(set) var parentScore = 0.0

    /// The estimated number of rows behind sums `s`.
    @inline(__always)
    func rows(_ s: GradientSums) -> Double { (s[1] * rowsPerHessian).rounded() }

    @inline(__always)
    func allowed(_ s: GradientSums) -> Bool {
        s[1] >= options.minChildWeight && rows(s) >= Double(options.minSamplesLeaf)
    }

    /// The best split of a leaf of `rows` rows with histogram `hist` and totals `total`, among
    /// `usable` features.
    mutating func best(
        _ hist: UnsafePointer<GradientSums>, total: GradientSums, rows: Int, usable: [Bool]
    ) -> SplitCandidate {
        var best = SplitCandidate()
        guard rows >= 2 * options.minSamplesLeaf && total[1] > 0 else { return best }
        rowsPerHessian = Double(rows) / total[1]
        parentScore = score(total, l2: options.l2)
        for f in features.indices where usable[f] {
            let h = hist + data.binOffset[f]
            let count = data.bins[f].count
            switch features[f].kind {
            case .numeric: numeric(f, h, count, total, &best)
            case .binary: consider(f, bin: 0, defaultLeft: true, left: h[0], right: h[1], total, l2: options.l2, &best)
            case .categorical: categorical(f, h, count, total, &best)
            }
        }
        if best.gain <= options.minSplitGain { best = SplitCandidate() }
        return best
    }

    @inline(__always)
    private func consider(
        _ f: Int, bin: Int, defaultLeft: Bool, left: GradientSums, right: GradientSums, _ total: GradientSums,
        l2: Double, _ best: inout SplitCandidate
    ) {
        guard allowed(left) && allowed(right) else { return }
        let gain = score(left, l2: l2) + score(right, l2: l2) - parentScore
        if gain > best.gain {
            best = SplitCandidate(
                gain: gain, feature: f, bin: bin, defaultLeft: defaultLeft, leftLevels: [], left: left, right: right)
        }
    }

    /// Thresholds after value bins 1…B−1, missing rows (bin 0) sent right and left; plus "values
    /// left, missing right" when there are missing rows.
    private func numeric(
        _ f: Int, _ h: UnsafePointer<GradientSums>, _ count: Int, _ total: GradientSums, _ best: inout SplitCandidate
    ) {
        let missing = h[0]
        let hasMissing = missing[1] > 0
        var left = GradientSums()
        for b in 1..<count {
            left += h[b]
            if b == count - 1 {
                if hasMissing {
                    consider(f, bin: b, defaultLeft: false, left: left, right: missing, total, l2: options.l2, &best)
                }
                break
            }
            let right = total - left - missing
            if hasMissing {
                consider(
                    f, bin: b, defaultLeft: false, left: left, right: right + missing, total, l2: options.l2, &best)
                consider(f, bin: b, defaultLeft: true, left: left + missing, right: right, total, l2: options.l2, &best)
            } else {
                // No missing values seen: at scoring time they follow the larger side.
                consider(
                    f, bin: b, defaultLeft: left[1] >= right[1], left: left, right: right, total, l2: options.l2, &best)
            }
        }
    }

    /// LightGBM's categorical split: with few levels, one level against the rest; otherwise levels
    /// with enough rows sorted by `G / (H + catSmooth)`, and the best prefix of that order, from
    /// either end and at most `maxCategoryThreshold` long, goes left (rare levels go right).
    private func categorical(
        _ f: Int, _ h: UnsafePointer<GradientSums>, _ count: Int, _ total: GradientSums, _ best: inout SplitCandidate
    ) {
        let parent = score(total, l2: options.l2)
        if count <= options.maxCategoriesOneHot {
            for level in 0..<count where h[level][1] > 0 {
                let left = h[level]
                let right = total - left
                guard allowed(left) && allowed(right) else { continue }
                let gain = score(left, l2: options.l2) + score(right, l2: options.l2) - parent
                if gain > best.gain {
                    best = SplitCandidate(
                        gain: gain, feature: f, bin: 0, defaultLeft: false, leftLevels: [Int32(level)], left: left,
                        right: right)
                }
            }
            return
        }
        let l2 = options.l2 + options.categoryL2
        var levels = (0..<count).filter { rows(h[$0]) >= Double(options.minRowsPerCategory) }
        guard levels.count >= 2 else { return }
        let smooth = options.categorySmoothing
        levels.sort { a, b in
            let ka = h[a][0] / (h[a][1] + smooth)
            let kb = h[b][0] / (h[b][1] + smooth)
            return ka != kb ? ka < kb : a < b
        }
        let longest = min(options.maxCategoryThreshold, (levels.count + 1) / 2)
        let parentCategorical = score(total, l2: l2)
        for fromEnd in [false, true] {
            var left = GradientSums()
            for i in 0..<longest {
                left += h[levels[fromEnd ? levels.count - 1 - i : i]]
                let right = total - left
                guard allowed(left) && allowed(right) else { continue }
                let gain = score(left, l2: l2) + score(right, l2: l2) - parentCategorical
                if gain > best.gain {
                    let prefix = fromEnd ? levels.suffix(i + 1) : levels.prefix(i + 1)
                    best = SplitCandidate(
                        gain: gain, feature: f, bin: 0, defaultLeft: false,
                        leftLevels: prefix.map { Int32($0) }.sorted(), left: left, right: right)
                }
            }
        }
    }
}
