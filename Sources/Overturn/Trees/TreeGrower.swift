import CIntrinsics

/// Grows one tree on binned rows: leaf-wise (the leaf whose best split gains most goes next, as
/// LightGBM grows) or depth-wise (the shallowest leaf next), up to `maxLeaves` leaves and
/// `maxDepth` levels.
///
/// The rows of every leaf are a contiguous range of `order`, kept ascending by a stable partition
/// at each split, so a split never rescans its parent's siblings. Only the smaller child's histogram
/// is built; the larger one is its parent's minus the smaller (histogram subtraction).
final class TreeGrower {
    let data: BinnedRows
    let features: [TreeFeature]
    let options: GradientBoostedTrees.Options
    let finder: SplitFinder
    let builder: HistogramBuilder
    /// Row indices; the first `count` passed to `grow` are the rows of this tree.
    let order: UnsafeMutablePointer<UInt32>
    private let scratch: UnsafeMutablePointer<UInt32>
    private let spill: UnsafeMutablePointer<UInt32>
    let threads: Int
    private var pool: [UnsafeMutablePointer<GradientSums>] = []

    /// A leaf of the tree being grown.
    struct Leaf {
        var node: Int
        var begin: Int
        var end: Int
        var depth: Int
        var sums: GradientSums
        var hist: UnsafeMutablePointer<GradientSums>?
        var split = SplitCandidate()
    }

    /// What `grow` gives: the tree, each inner node's split as binned rows take it (nil for leaves),
    /// and the final leaves with their row ranges in `order`.
    struct Grown {
        var tree: Tree
        var rules: [SplitRule?]
        var leaves: [Leaf]
    }

    init(data: BinnedRows, features: [TreeFeature], options: GradientBoostedTrees.Options, threads: Int) {
        self.data = data
        self.features = features
        self.options = options
        finder = SplitFinder(data: data, features: features, options: options)
        builder = HistogramBuilder(data: data, features: features, threads: threads)
        order = .allocate(capacity: max(1, data.rowCount))
        scratch = .allocate(capacity: max(1, data.rowCount))
        spill = .allocate(capacity: max(1, data.rowCount))
        self.threads = max(1, threads)
    }

    deinit {
        order.deallocate()
        scratch.deallocate()
        spill.deallocate()
        for h in pool { h.deallocate() }
    }

    private func takeHistogram() -> UnsafeMutablePointer<GradientSums> {
        pool.popLast() ?? .allocate(capacity: data.totalBins)
    }

    private func leafValue(_ s: GradientSums) -> Double {
        -s[0] / (s[1] + options.l2) * options.learningRate
    }

    private func canSplit(_ leaf: Leaf) -> Bool {
        (options.maxDepth <= 0 || leaf.depth < options.maxDepth) && leaf.end - leaf.begin >= 2 * options.minSamplesLeaf
    }

    /// Grows a tree on rows `order[0..<count]` with per-row gradient sums `gradients`, splitting only
    /// on features where `usable` is true.
    func grow(count: Int, gradients: UnsafePointer<RowGradient>, usable: [Bool]) -> Grown {
        var tree = Tree()
        var rules: [SplitRule?] = []
        let rootHist = takeHistogram()
        let total = builder.build(
            rows: UnsafeBufferPointer(start: order, count: count), gradients: gradients, into: rootHist)
        tree.addLeaf(value: leafValue(total), cover: total[1])
        rules.append(nil)
        var root = Leaf(node: 0, begin: 0, end: count, depth: 0, sums: total, hist: rootHist)
        if canSplit(root) { root.split = finder.best(rootHist, total: total, rows: count, usable: usable) }
        var leaves = [root]

        while leaves.count < options.maxLeaves {
            guard let i = nextLeaf(leaves) else { break }
            let leaf = leaves[i]
            let s = leaf.split
            let rule = SplitRule(s, feature: features[s.feature], data: data)
            let mid = partition(leaf, rule)
            let node = leaf.node
            let l = tree.addLeaf(value: leafValue(s.left), cover: s.left[1])
            let r = tree.addLeaf(value: leafValue(s.right), cover: s.right[1])
            rules[node] = rule
            rules += [nil, nil]
            tree.feature[node] = Int32(s.feature)
            tree.gain[node] = s.gain
            tree.defaultLeft[node] = s.defaultLeft
            tree.left[node] = Int32(l)
            tree.right[node] = Int32(r)
            switch features[s.feature].kind {
            case .numeric:
                tree.threshold[node] = data.bins[s.feature].threshold(afterBin: s.bin)
            case .binary:
                tree.threshold[node] = 0.5
                tree.defaultLeft[node] = true
            case .categorical:
                tree.categorySet[node] = Int32(tree.categorySets.count)
                tree.categorySets.append(s.leftLevels)
            }
            var left = Leaf(node: l, begin: leaf.begin, end: mid, depth: leaf.depth + 1, sums: s.left, hist: nil)
            var right = Leaf(node: r, begin: mid, end: leaf.end, depth: leaf.depth + 1, sums: s.right, hist: nil)
            let parentHist = leaf.hist!
            let splitLeft = canSplit(left)
            let splitRight = canSplit(right)
            if leaves.count + 1 < options.maxLeaves && (splitLeft || splitRight) {
                let smallerIsLeft = mid - leaf.begin <= leaf.end - mid
                let small = smallerIsLeft ? left : right
                let smallHist = takeHistogram()
                _ = builder.build(
                    rows: UnsafeBufferPointer(start: order + small.begin, count: small.end - small.begin),
                    gradients: gradients, into: smallHist)
                for b in 0..<data.totalBins { parentHist[b] -= smallHist[b] }
                left.hist = smallerIsLeft ? smallHist : parentHist
                right.hist = smallerIsLeft ? parentHist : smallHist
                // The two children's best splits, side by side.
                var found = [SplitCandidate(), SplitCandidate()]
                let children = [(left, splitLeft), (right, splitRight)]
                found.withUnsafeMutableBufferPointer { found in
                    parallelChunks(2, threads: threads, minimum: 1) { range in
                        for c in range where children[c].1 {
                            let child = children[c].0
                            found[c] = finder.best(
                                child.hist!, total: child.sums, rows: child.end - child.begin, usable: usable)
                        }
                    }
                }
                left.split = found[0]
                right.split = found[1]
            } else {
                pool.append(parentHist)
            }
            leaves[i] = left
            leaves.append(right)
        }
        for leaf in leaves { if let h = leaf.hist { pool.append(h) } }
        return Grown(tree: tree, rules: rules, leaves: leaves)
    }

    /// The next leaf to split, or nil when no leaf has a split worth making.
    private func nextLeaf(_ leaves: [Leaf]) -> Int? {
        var pick: Int?
        for (i, leaf) in leaves.enumerated() where leaf.split.isValid {
            guard let p = pick else {
                pick = i
                continue
            }
            switch options.growth {
            case .leafWise: if leaf.split.gain > leaves[p].split.gain { pick = i }
            case .depthWise: if leaf.depth < leaves[p].depth { pick = i }
            }
        }
        return pick
    }

    /// Reorders the leaf's rows so the ones going left come first, each side in its old order;
    /// returns where the right side starts.
    ///
    /// Large leaves are cut into chunks partitioned in parallel (each chunk's sides into the two
    /// scratch arrays) and then laid back in chunk order, which is the same stable order.
    private func partition(_ leaf: Leaf, _ rule: SplitRule) -> Int {
        let n = leaf.end - leaf.begin
        let chunks = HistogramBuilder.chunks(rows: n)
        var lefts = [Int](repeating: 0, count: chunks)
        var rights = [Int](repeating: 0, count: chunks)
        let (order, scratch, spill) = (self.order + leaf.begin, self.scratch, self.spill)
        let presentRange = rule.slot < 0 ? data.presentStart[rule.feature]..<data.presentStart[rule.feature + 1] : 0..<0
        let rowCount = data.rowCount
        data.columns.withUnsafeBufferPointer { columns in
            data.presentRows.withUnsafeBufferPointer { presentRows in
                lefts.withUnsafeMutableBufferPointer { lefts in
                    rights.withUnsafeMutableBufferPointer { rights in
                        parallelParts(n, parts: chunks, threads: threads) { c, part in
                            let (lo, hi) = (part.lowerBound, part.upperBound)
                            var l = lo
                            var r = lo
                            // Branch-free: write the row to both sides, advance the one it belongs to.
                            @inline(__always) func put(_ row: UInt32, left: Bool) {
                                scratch[l] = row
                                spill[r] = row
                                let step = left ? 1 : 0
                                l += step
                                r += 1 - step
                            }
                            if rule.slot >= 0, let base = columns.baseAddress {
                                let column = base + rule.slot * rowCount
                                for k in lo..<hi {
                                    if k + 16 < hi { overturn_prefetch(column + Int(order[k + 16])) }
                                    let row = order[k]
                                    put(row, left: rule.goesLeft(bin: Int(column[Int(row)])))
                                }
                            } else if lo < hi, let present = presentRows.baseAddress {
                                // The chunk's rows ascend, and so do the rows holding the code: merge.
                                var p = lowerBound(present, presentRange, order[lo])
                                for k in lo..<hi {
                                    let row = order[k]
                                    var steps = 0
                                    while p < presentRange.upperBound && present[p] < row {
                                        p += 1
                                        steps += 1
                                        if steps == 8 {  // a sparse leaf in a long list: jump
                                            p = lowerBound(present, p..<presentRange.upperBound, row)
                                            break
                                        }
                                    }
                                    put(row, left: !(p < presentRange.upperBound && present[p] == row))
                                }
                            } else {
                                for k in lo..<hi { put(order[k], left: true) }  // no row holds the code
                            }
                            lefts[c] = l - lo
                            rights[c] = r - lo
                        }
                    }
                }
            }
        }
        var write = 0
        for c in 0..<chunks {
            (order + write).update(from: scratch + n * c / chunks, count: lefts[c])
            write += lefts[c]
        }
        var right = write
        for c in 0..<chunks {
            (order + right).update(from: spill + n * c / chunks, count: rights[c])
            right += rights[c]
        }
        return leaf.begin + write
    }
}

/// The first index in `range` of sorted `values` whose value is at least `x`.
func lowerBound(_ values: UnsafePointer<UInt32>, _ range: Range<Int>, _ x: UInt32) -> Int {
    var lo = range.lowerBound
    var hi = range.upperBound
    while lo < hi {
        let mid = (lo + hi) >> 1
        if values[mid] < x { lo = mid + 1 } else { hi = mid }
    }
    return lo
}

/// A split as the partition loop tests it on binned rows (see `BinnedRows` for the layout).
struct SplitRule {
    /// The tree feature split on.
    let feature: Int
    let kind: TreeFeature.Kind
    /// Dense features: the entry's position in the row; binary: -1.
    let slot: Int
    let offset: Int
    let lastLeftBin: Int
    let defaultLeft: Bool
    /// Categorical: per level, whether it goes left.
    let leftLevels: [Bool]

    init(_ s: SplitCandidate, feature: TreeFeature, data: BinnedRows) {
        self.feature = s.feature
        lastLeftBin = s.bin
        defaultLeft = s.defaultLeft
        if let (c, level) = data.mirror[s.feature] {
            // One level of a categorical feature: every other level goes left.
            kind = .categorical
            slot = data.denseSlot[c]
            offset = data.binOffset[c]
            leftLevels = (0..<data.bins[c].count).map { $0 != level }
            return
        }
        kind = feature.kind
        slot = data.denseSlot[s.feature]
        offset = data.binOffset[s.feature]
        var left = [Bool](repeating: false, count: kind == .categorical ? data.bins[s.feature].count : 0)
        for l in s.leftLevels { left[Int(l)] = true }
        leftLevels = left
    }

    /// Whether row `r` of `data` goes left: a dense feature by its bin, a stored code by whether
    /// the row holds it (absent goes left).
    @inline(__always)
    func goesLeft(row r: Int, in data: BinnedRows) -> Bool {
        slot >= 0 ? goesLeft(bin: Int(data.entries[data.rowStart[r] + slot])) : !data.holds(row: r, code: feature)
    }

    /// Whether a dense feature's global bin `b` goes left (binary features merge instead).
    @inline(__always)
    func goesLeft(bin b: Int) -> Bool {
        let level = b - offset
        if kind == .categorical { return leftLevels[level] }
        return level == 0 ? defaultLeft : level <= lastLeftBin
    }
}

extension TreeGrower.Grown {
    /// The leaf a binned row reaches.
    func leaf(row r: Int, in data: BinnedRows) -> Int {
        var n = 0
        while let rule = rules[n] { n = Int(rule.goesLeft(row: r, in: data) ? tree.left[n] : tree.right[n]) }
        return n
    }
}
