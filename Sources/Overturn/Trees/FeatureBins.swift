/// How one tree feature's values become bins, the small integers histograms count.
///
/// | kind | bins |
/// |---|---|
/// | numeric | 0 for missing (NaN), then 1…B by value: bin k holds values in `(upper[k-2], upper[k-1]]` |
/// | binary | 0 absent, 1 present |
/// | categorical | the level index |
///
/// Numeric bins are quantiles of the training values (each distinct value its own bin when there are
/// at most `maxBins`); a split after bin k becomes the threshold `upper[k-1]` (go left when
/// `x <= threshold`), which sits between two training values, so binned and raw comparisons agree.
struct FeatureBins: Sendable, Equatable {
    var kind: TreeFeature.Kind
    /// Numeric: the upper bound of value bin 1…B (the last is the largest finite Float).
    var upper: [Float]
    /// The number of bins, missing included.
    var count: Int

    /// Bins for a binary or categorical feature.
    init(kind: TreeFeature.Kind, levels: Int) {
        precondition(kind != .numeric)
        self.kind = kind
        upper = []
        count = kind == .binary ? 2 : levels
    }

    /// Quantile bins of `values` (NaN ignored), at most `maxBins` of them besides the missing bin.
    init(numeric values: [Float], maxBins: Int) {
        kind = .numeric
        var sorted = values.filter { !$0.isNaN }
        sorted.sort()
        var distinct: [(value: Float, count: Int)] = []
        for v in sorted {
            if let last = distinct.last, last.value == v {
                distinct[distinct.count - 1].count += 1
            } else {
                distinct.append((v, 1))
            }
        }
        var cuts: [Float] = []
        if distinct.count <= maxBins {
            for i in distinct.indices.dropLast() { cuts.append(Self.between(distinct[i].value, distinct[i + 1].value)) }
        } else {
            // Greedy equal-count bins: a value never splits, and a heavy value gets a bin of its own.
            var remaining = sorted.count
            var inBin = 0
            for i in distinct.indices.dropLast() {
                inBin += distinct[i].count
                remaining -= distinct[i].count
                let binsLeft = maxBins - cuts.count
                let target = Double(inBin + remaining) / Double(binsLeft)
                let next = distinct[i + 1].count
                if binsLeft > 1 && (Double(inBin) >= target || Double(next) >= target) {
                    cuts.append(Self.between(distinct[i].value, distinct[i + 1].value))
                    inBin = 0
                }
            }
        }
        upper = cuts + [.greatestFiniteMagnitude]
        count = upper.count + 1
    }

    /// A Float strictly below `b` and at least `a`: the midpoint when it rounds between them.
    static func between(_ a: Float, _ b: Float) -> Float {
        let mid = Float((Double(a) + Double(b)) / 2)
        return mid >= a && mid < b ? mid : a
    }

    /// The bin of a raw value.
    @inline(__always)
    func bin(_ x: Float) -> Int {
        switch kind {
        case .numeric:
            if x.isNaN { return 0 }
            var lo = 0
            var hi = upper.count - 1
            while lo < hi {
                let mid = (lo + hi) >> 1
                if x <= upper[mid] { hi = mid } else { lo = mid + 1 }
            }
            return lo + 1
        case .binary:
            return x == 0 || x.isNaN ? 0 : 1
        case .categorical:
            return x.isNaN ? 0 : min(max(Int(x), 0), count - 1)
        }
    }

    /// The raw threshold of a numeric split that sends bins `1...bin` left.
    func threshold(afterBin bin: Int) -> Float { upper[bin - 1] }
}
