import Foundation
import OverturnKernels

/// Exact path-dependent TreeSHAP (Lundberg et al. 2020): how much each tree feature moved a row's
/// margin away from the model's expected margin. For every row, `expectedValue` plus the row's
/// contributions equals the sum of its leaf values.
///
/// A tree's SHAP values are the sum, over its leaves, of the Shapley values of each leaf's path.
/// Along the path to a leaf of value `v` the distinct features `P` (`d` of them) each have a *zero
/// fraction* `z` (the product of the cover ratios at the path's splits on that feature: the share of
/// training rows that went the path's way there) and a *one fraction* `o`, 1 when the row goes the
/// path's way at every split on the feature and 0 otherwise. With `O` the features the row follows,
/// `Q(t) = Π_{P∖O} z · Π_{j∈O} (z_j + t)` with coefficients `q_m`, and `w(m) = m!(d−1−m)!/d!`:
///
/// - a feature the row does not follow gets `−v · Σ_m w(m)·q_m` (the same for all of them);
/// - a feature `i` it follows gets `v·(1 − z_i) · Σ_m w(m)·r_m`, `r` the coefficients of
///   `Q(t) / (z_i + t)`.
///
/// That is `O(d²)` per leaf, as in the paper; but a leaf's values depend on the row only through
/// the directions the row takes at the splits on its path. So the leaves are gathered into groups,
/// subtrees whose splits together with their ancestors number at most `groupBits`, and for every
/// group all `2^bits` combinations of directions are worked out when the explainer is made, summed
/// over the group's leaves. Explaining a row is then, per tree, one comparison per split (fewer:
/// trees that split alike share their comparisons, `SplitRun`) and per group one table row added
/// to the contributions (FastTreeSHAP's "v2" idea, Yang 2021, taken from leaves to subtrees).
/// Leaves deeper than `groupBits` are worked out per row.
///
/// Contributions go to output columns: feature `f`'s to `output[f]` (by default `f` itself), so
/// that features summed into one column (an input's one-hot levels) cost one addition per group.
/// With at most 16 output columns (`TreeSHAPKernel.width`), a group's table rows hold all 16 and a
/// row adds its table row with a few vector additions (`TreeSHAPKernel`, compiled for AVX2 and
/// AVX-512 where the processor has them).
public struct TreeSHAP: Sendable {
    /// The number of tree features a row has.
    public let width: Int
    /// The number of output columns (`width` unless an output map was given).
    public let outputs: Int
    /// The sum over trees of their cover-weighted mean leaf value: the margin expected before
    /// anything is known about a row, without the model's base score.
    public let expectedValue: Double
    let trees: [PathTree]
    /// The trees in runs whose splits are compared once per block for all of the run's trees.
    let runs: [SplitRun]
    /// Table rows of `TreeSHAPKernel.width` numbers, for every output column.
    let dense: Bool
    let kernel: QuickScorer.Kernel

    /// A group of leaves is tabled over at most this many splits (`2^groupBits` rows per group).
    public static let groupBits = 8

    /// - Parameters:
    ///   - trees: validated trees (depth at most 64) whose covers are the training rows' weights.
    ///   - width: the number of tree features the trees split on.
    ///   - output: per tree feature, the output column of its contributions (default: its own).
    ///   - outputs: the number of output columns (default: one past the largest in `output`).
    ///   - threads: how many threads build the tables (tree by tree).
    public init(
        trees: [Tree], width: Int, output: [Int]? = nil, outputs: Int? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        self.init(trees: trees, width: width, output: output, outputs: outputs, threads: threads, kernel: .best)
    }

    /// `kernel`: which compilation of `TreeSHAPKernel` runs (tests run both); `maxSplits`: the
    /// most splits of a `SplitRun` (tests make many runs).
    init(
        trees: [Tree], width: Int, output: [Int]?, outputs: Int? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount, kernel: QuickScorer.Kernel,
        maxSplits: Int = SplitRun.maxSplits
    ) {
        self.width = width
        let output = output ?? Array(0..<width)
        precondition(output.count == width, "one output column per tree feature")
        let needed = (output.max() ?? -1) + 1
        precondition((outputs ?? needed) >= needed, "an output column beyond the outputs")
        self.outputs = outputs ?? needed
        dense = self.outputs <= TreeSHAPKernel.width
        self.kernel = kernel
        let dense = dense
        let (runs, splitOf) = SplitRun.runs(of: trees, maxSplits: maxSplits)
        self.runs = runs
        // Tree by tree on `threads` threads: tabling is most of the time `explain` takes for a few rows.
        var paths = [PathTree?](repeating: nil, count: trees.count)
        paths.withUnsafeMutableBufferPointer { paths in
            let out = SharedBuffer(paths)
            parallelBlocks(trees.count, threads: threads, block: 4) { range in
                for t in range { out.base[t] = PathTree(trees[t], split: splitOf[t], output: output, dense: dense) }
            }
        }
        self.trees = paths.map { $0! }
        expectedValue = self.trees.reduce(0) { $0 + $1.expectedValue }
    }

    /// Adds the contributions of `rows` rows to `phi`.
    ///
    /// - Parameters:
    ///   - x: row `r`'s value of tree feature `f` at `x[r * stride + f]` (NaN for missing).
    ///   - phi: row `r`'s contribution to output column `c` goes to `phi[r * phiStride + c]`.
    public func contributions(
        _ x: UnsafePointer<Float>, stride: Int, rows: Int, into phi: UnsafeMutablePointer<Double>,
        phiStride: Int
    ) {
        let block = Self.block
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: width * block)
        columns.initialize(repeating: 0, count: width * block)  // a short last block compares zeros
        defer { columns.deallocate() }
        var start = 0
        while start < rows {
            let count = Swift.min(block, rows - start)
            for r in 0..<count {
                let row = x + (start + r) * stride
                for f in 0..<width { columns[f &* block &+ r] = row[f] }
            }
            contributions(columns: columns, rows: count, into: phi + start * phiStride, phiStride: phiStride)
            start += count
        }
    }

    /// Rows are explained `block` at a time: the width of the comparisons made for all rows at
    /// once, and of a group's row indices (one byte each: `groupBits` is 8). A block goes through
    /// the trees one after another, so a tree's tables (256 KB for depth 6) come into cache once per
    /// block: 1,024 rows explained 200k claims in three quarters of the time 256 did (2,048 no
    /// faster).
    public static let block = 1024

    /// Adds the contributions of `rows` rows (at most `block`) given feature by feature: row `r`'s
    /// value of feature `f` at `columns[f * block + r]` (every one of the `block` places
    /// initialized).
    public func contributions(
        columns: UnsafePointer<Float>, rows: Int, into phi: UnsafeMutablePointer<Double>, phiStride: Int
    ) {
        precondition(rows <= Self.block, "at most \(Self.block) rows at a time")
        let splits = Swift.max(runs.map(\.count).max() ?? 0, 1)
        let left = UnsafeMutablePointer<UInt8>.allocate(capacity: splits * Self.block)
        defer { left.deallocate() }
        // Dense tables add into rows of 16, copied out at the end.
        let width = dense ? TreeSHAPKernel.width : phiStride
        let sums = dense ? UnsafeMutablePointer<Double>.allocate(capacity: rows * width) : phi
        if dense { sums.initialize(repeating: 0, count: rows * width) }
        defer { if dense { sums.deallocate() } }
        withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * 66) { scratch in
            PathTree.weightTable.withUnsafeBufferPointer { weights in
                for run in runs {
                    run.directions(columns: columns, trees: trees, left: left, kernel: kernel)
                    // Tree by tree over the block, so that a tree's tables stay in cache.
                    for tree in trees[run.trees] {
                        tree.add(
                            rows: rows, left: left, scratch: scratch.baseAddress!, weights: weights.baseAddress!,
                            into: sums, phiStride: width, kernel: kernel)
                    }
                }
            }
        }
        if dense {
            for r in 0..<rows {
                for c in 0..<outputs { phi[r * phiStride + c] += sums[r * width + c] }
            }
        }
    }
}

/// Consecutive trees whose splits a block of rows is compared at once. Boosted trees split the same
/// feature at the same threshold over and over (the default claims model's 9,637 inner nodes make
/// 1,093 different splits; `days_to_appeal` alone has 1,298 nodes at 220 thresholds), so a split
/// is compared once per run, not once per node. A run holds at most `maxSplits` splits, so that its
/// directions (a byte per split and row) stay in cache.
struct SplitRun: Sendable {
    let trees: Range<Int>
    /// Split `s`'s feature, threshold and missing direction (1: left), for its numeric splits;
    /// the numeric splits are `numeric`.
    let feature: [Int32]
    let threshold: [Float]
    let defaultLeft: [UInt8]
    let numeric: [Int32]
    /// The splits on categories: each node is its own split (`Tree.goesLeft` decides).
    let categorical: [(split: Int32, tree: Int, node: Int)]
    var count: Int { feature.count }

    static let maxSplits = 2048

    /// The runs of `trees`, and per tree and node its split in its run (-1 for a leaf). A tree
    /// with more nodes than `maxSplits` has a run of its own.
    static func runs(of trees: [Tree], maxSplits: Int) -> (runs: [SplitRun], splitOf: [[Int32]]) {
        struct Key: Hashable {
            var feature: Int32
            var threshold: UInt32
            var defaultLeft: Bool
        }
        var runs: [SplitRun] = []
        var splitOf: [[Int32]] = []
        var first = 0
        var ids: [Key: Int32] = [:]
        var feature: [Int32] = []
        var threshold: [Float] = []
        var defaultLeft: [UInt8] = []
        var numeric: [Int32] = []
        var categorical: [(split: Int32, tree: Int, node: Int)] = []
        func close(before t: Int) {
            runs.append(
                SplitRun(
                    trees: first..<t, feature: feature, threshold: threshold, defaultLeft: defaultLeft,
                    numeric: numeric, categorical: categorical))
            first = t
            ids = [:]
            (feature, threshold, defaultLeft, numeric, categorical) = ([], [], [], [], [])
        }
        for (t, tree) in trees.enumerated() {
            if t > first && feature.count + tree.nodeCount > maxSplits { close(before: t) }
            var split = [Int32](repeating: -1, count: tree.nodeCount)
            for n in 0..<tree.nodeCount where tree.feature[n] >= 0 {
                let id = Int32(feature.count)
                if tree.categorySet[n] >= 0 {
                    categorical.append((id, t, n))
                } else {
                    let key = Key(
                        feature: tree.feature[n], threshold: tree.threshold[n].bitPattern,
                        defaultLeft: tree.defaultLeft[n])
                    if let known = ids[key] {
                        split[n] = known
                        continue
                    }
                    ids[key] = id
                    numeric.append(id)
                }
                split[n] = id
                feature.append(tree.feature[n])
                threshold.append(tree.threshold[n])
                defaultLeft.append(tree.defaultLeft[n] ? 1 : 0)
            }
            splitOf.append(split)
        }
        close(before: trees.count)
        return (runs, splitOf)
    }

    /// Every row's direction at every split of the run: `left[s * block + r]`, 1 for left.
    func directions(
        columns: UnsafePointer<Float>, trees: [PathTree], left: UnsafeMutablePointer<UInt8>,
        kernel: QuickScorer.Kernel
    ) {
        let block = TreeSHAP.block
        numeric.withUnsafeBufferPointer { numeric in
            feature.withUnsafeBufferPointer { feature in
                threshold.withUnsafeBufferPointer { threshold in
                    defaultLeft.withUnsafeBufferPointer { defaultLeft in
                        guard let splits = numeric.baseAddress else { return }
                        kernel.loops.treeSHAPDirections(
                            block, columns, splits, numeric.count, feature.baseAddress!, threshold.baseAddress!,
                            defaultLeft.baseAddress!, left)
                    }
                }
            }
        }
        for (split, t, n) in categorical {
            let tree = trees[t].tree
            let values = columns + Int(tree.feature[n]) * block
            let out = left + Int(split) * block
            for r in 0..<block { out[r] = tree.goesLeft(n, values[r]) ? 1 : 0 }
        }
    }
}

/// One tree prepared for TreeSHAP: its groups of leaves with their tables, and the leaves too deep
/// for a group with their paths. Its splits are named by their place in the tree's `SplitRun`.
struct PathTree: Sendable {
    let tree: Tree
    let expectedValue: Double

    // Group `g`: bit `b` of a row's index is 1 when the row goes left at split
    // `nodes[nodeStart[g] + b]`, flipped where bit `b` of `flip[g]` is set (the likelier way
    // left); table row `index` adds its numbers to the output columns
    // `columns[columnStart[g] ..< columnStart[g + 1]]`, from `tableStart[g]`.
    let nodeStart: [Int]
    let nodes: [Int32]
    let flip: [UInt8]
    let columnStart: [Int]
    let columns: [Int32]
    let tableStart: [Int]
    /// Cache-line aligned, as each group's table is (a dense table row is two whole lines).
    let table: CacheLineArray
    /// Every table row holds `TreeSHAPKernel.width` numbers, one per output column (`phiStride`
    /// must then be that width).
    let dense: Bool

    // Leaf `l` of those too deep for a group: its value, its path features' output columns
    // `leafColumns[featureStart[l] ..< featureStart[l + 1]]` with their zero fractions, and its
    // splits `splits[splitStart[l] ..< splitStart[l + 1]]`.
    let value: [Double]
    let featureStart: [Int]
    let leafColumns: [Int32]
    let zero: [Double]
    let splitStart: [Int]
    /// A split on the path: its split in the run, whether the path goes left, the position of its
    /// feature.
    let splits: [(split: Int32, left: Bool, position: UInt8)]

    /// A leaf's path from the root.
    struct LeafPath {
        var value: Double
        /// (node, went left, position of the node's feature among `features`).
        var splits: [(node: Int, left: Bool, position: Int)]
        var features: [Int]
        var zero: [Double]
    }

    /// - Parameters:
    ///   - split: per node, its split in the tree's `SplitRun`.
    ///   - dense: table rows of `TreeSHAPKernel.width` numbers, one per output column (all columns
    ///     below that width), instead of one per column the group feeds.
    init(_ tree: Tree, split: [Int32], output: [Int], dense: Bool) {
        self.dense = dense
        precondition(tree.depth <= 64, "TreeSHAP takes trees of at most 64 levels")
        self.tree = tree
        let count = tree.nodeCount

        // Every leaf's path, and every node's number of inner nodes below it (itself included).
        var paths = [LeafPath?](repeating: nil, count: count)
        var innerBelow = [Int](repeating: 0, count: count)
        var path: [(node: Int, left: Bool)] = []
        func visit(_ n: Int) -> Int {
            if tree.feature[n] >= 0 {
                path.append((n, true))
                var below = visit(Int(tree.left[n]))
                path[path.count - 1].left = false
                below += visit(Int(tree.right[n]))
                path.removeLast()
                innerBelow[n] = below + 1
                return below + 1
            }
            var leaf = LeafPath(value: tree.value[n], splits: [], features: [], zero: [])
            for (node, left) in path {
                let f = Int(tree.feature[node])
                let child = Int(left ? tree.left[node] : tree.right[node])
                let ratio = tree.cover[node] > 0 ? tree.cover[child] / tree.cover[node] : 0
                if let k = leaf.features.firstIndex(of: f) {
                    leaf.zero[k] *= ratio
                    leaf.splits.append((node, left, k))
                } else {
                    leaf.splits.append((node, left, leaf.features.count))
                    leaf.features.append(f)
                    leaf.zero.append(ratio)
                }
            }
            paths[n] = leaf
            return 0
        }
        _ = visit(0)
        expectedValue = paths.reduce(0) { $0 + ($1.map { $0.value * $0.zero.reduce(1, *) } ?? 0) }

        var nodeStart = [0]
        var nodes: [Int32] = []
        var flip: [UInt8] = []
        var columnStart = [0]
        var columns: [Int32] = []
        var tableStart: [Int] = []
        var table: [Double] = []
        var value: [Double] = []
        var featureStart = [0]
        var leafColumns: [Int32] = []
        var zero: [Double] = []
        var splitStart = [0]
        var splits: [(split: Int32, left: Bool, position: UInt8)] = []

        /// Tables the subtree at `root`, whose ancestors are `above`.
        func group(_ root: Int, above: [Int]) {
            var relevant = above
            var leaves: [LeafPath] = []
            var stack = [root]
            while let n = stack.popLast() {
                if let leaf = paths[n] {
                    leaves.append(leaf)
                } else {
                    relevant.append(n)
                    stack.append(Int(tree.right[n]))
                    stack.append(Int(tree.left[n]))
                }
            }
            // The likely combinations of directions first in the table, so that the rows a block
            // reads most share pages and cache: the splits whose way is least certain (by the
            // training rows' covers) take the low bits, and a bit is flipped where left is the
            // likelier way. A row's table row is then its combination XOR `flip`.
            func leftShare(_ n: Int) -> Double {
                tree.cover[n] > 0 ? tree.cover[Int(tree.left[n])] / tree.cover[n] : 0.5
            }
            relevant = relevant.enumerated().sorted {
                let (a, b) = (abs(leftShare($0.element) - 0.5), abs(leftShare($1.element) - 0.5))
                return a != b ? a < b : $0.offset < $1.offset
            }.map(\.element)
            var bit = [Int: Int]()
            var flipped = 0
            for (b, n) in relevant.enumerated() {
                bit[n] = b
                if leftShare(n) > 0.5 { flipped |= 1 << b }
            }
            var slot = [Int: Int]()
            var outs: [Int] = []
            for leaf in leaves {
                for f in leaf.features where slot[output[f]] == nil {
                    slot[output[f]] = outs.count
                    outs.append(output[f])
                }
            }
            guard !outs.isEmpty else { return }  // a tree of one leaf
            if dense {
                outs = Array(0..<TreeSHAPKernel.width)
                slot = [:]
                for c in outs { slot[c] = c }
            }
            nodes += relevant.map { split[$0] }
            nodeStart.append(nodes.count)
            flip.append(UInt8(flipped))
            columns += outs.map(Int32.init)
            columnStart.append(columns.count)
            tableStart.append(table.count)
            let width = outs.count
            let start = table.count
            table += [Double](repeating: 0, count: (1 << relevant.count) * width)
            table.withUnsafeMutableBufferPointer { table in
                let table = table.baseAddress! + start
                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * 66) { scratch in
                    Self.weightTable.withUnsafeBufferPointer { w in
                        for leaf in leaves {
                            let d = leaf.features.count  // at most `groupBits`
                            let slots = leaf.features.map { slot[output[$0]]! }
                            let splits = leaf.splits.map {
                                (bit: bit[$0.node]!, left: $0.left, position: UInt64($0.position))
                            }
                            // The leaf's values depend on which of its features the row leaves the
                            // path at, not on the whole combination: each set worked out once.
                            var values = [Double](repeating: 0, count: (1 << d) * d)
                            var known = [Bool](repeating: false, count: 1 << d)
                            leaf.zero.withUnsafeBufferPointer { z in
                                for index in 0..<(1 << relevant.count) {
                                    var leaving: UInt64 = 0
                                    for split in splits where (index >> split.bit & 1 == 1) != split.left {
                                        leaving |= 1 << split.position
                                    }
                                    let set = Int(leaving)
                                    if !known[set] {
                                        known[set] = true
                                        Self.pathShapley(
                                            value: leaf.value, zero: z.baseAddress!, count: d,
                                            follows: Self.allFeatures(d) & ~leaving, weights: w.baseAddress! + d * 64,
                                            scratch: scratch.baseAddress!
                                        ) { k, phi in values[set * d + k] = phi }
                                    }
                                    // Added in `pathShapley`'s order: the features left, then the others.
                                    let row = table + (index ^ flipped) * width
                                    for k in 0..<d where leaving >> UInt64(k) & 1 == 1 {
                                        row[slots[k]] += values[set * d + k]
                                    }
                                    for k in 0..<d where leaving >> UInt64(k) & 1 == 0 {
                                        row[slots[k]] += values[set * d + k]
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        /// Assigns the subtree at `n` (below the ancestors `above`) to groups or deep leaves.
        func assign(_ n: Int, above: [Int]) {
            if above.count + innerBelow[n] <= TreeSHAP.groupBits {
                group(n, above: above)
            } else if let leaf = paths[n] {
                value.append(leaf.value)
                leafColumns += leaf.features.map { Int32(output[$0]) }
                zero += leaf.zero
                featureStart.append(leafColumns.count)
                splits += leaf.splits.map { (split[$0.node], $0.left, UInt8($0.position)) }
                splitStart.append(splits.count)
            } else {
                assign(Int(tree.left[n]), above: above + [n])
                assign(Int(tree.right[n]), above: above + [n])
            }
        }
        assign(0, above: [])

        self.nodeStart = nodeStart
        self.nodes = nodes
        self.flip = flip
        self.columnStart = columnStart
        self.columns = columns
        self.tableStart = tableStart
        self.table = CacheLineArray(table)
        self.value = value
        self.featureStart = featureStart
        self.leafColumns = leafColumns
        self.zero = zero
        self.splitStart = splitStart
        self.splits = splits
    }

    /// Adds the contributions of this tree for `rows` rows (at most `block`) to `phi`.
    ///
    /// - Parameters:
    ///   - left: every row's direction at every split of the tree's run (`SplitRun.directions`).
    ///   - scratch: room for 132 numbers; `weights` is `weightTable`'s.
    ///
    /// The groups' table rows (`addGroups`), then the leaves too deep for a group, worked out per row.
    @inline(__always)
    func add(
        rows: Int, left: UnsafePointer<UInt8>, scratch: UnsafeMutablePointer<Double>, weights: UnsafePointer<Double>,
        into phi: UnsafeMutablePointer<Double>, phiStride: Int, kernel: QuickScorer.Kernel
    ) {
        guard tree.nodeCount > 1 else { return }  // a tree of one leaf adds nothing
        if !tableStart.isEmpty { addGroups(rows: rows, left: left, into: phi, phiStride: phiStride, kernel: kernel) }
        guard !value.isEmpty else { return }
        let block = TreeSHAP.block
        value.withUnsafeBufferPointer { value in
            leafColumns.withUnsafeBufferPointer { leafColumns in
                zero.withUnsafeBufferPointer { zero in
                    splits.withUnsafeBufferPointer { splits in
                        for r in 0..<rows {
                            let phi = phi + r &* phiStride
                            for l in 0..<value.count {
                                let first = featureStart[l]
                                let d = featureStart[l + 1] - first
                                var leaves: UInt64 = 0
                                for s in splitStart[l]..<splitStart[l + 1] {
                                    let split = splits[s]
                                    if (left[Int(split.split) &* block &+ r] == 1) != split.left {
                                        leaves |= 1 << UInt64(split.position)
                                    }
                                }
                                Self.pathShapley(
                                    value: value[l], zero: zero.baseAddress! + first, count: d,
                                    follows: Self.allFeatures(d) & ~leaves,
                                    weights: weights + d * 64, scratch: scratch
                                ) { k, c in phi[Int(leafColumns[first + k])] += c }
                            }
                        }
                    }
                }
            }
        }
    }

    /// `add`'s groups, for a tree with at least one (each has a split, so none of the group arrays
    /// is empty): first per group every row's table row index, a split at a time; then, group by
    /// group, each row's table row added to its contributions (consecutive additions go to
    /// different rows, not one long chain through one number).
    @inline(__always)
    func addGroups(
        rows: Int, left: UnsafePointer<UInt8>, into phi: UnsafeMutablePointer<Double>, phiStride: Int,
        kernel: QuickScorer.Kernel
    ) {
        let block = TreeSHAP.block
        let groups = tableStart.count
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: groups * block) { index in
            let index = index.baseAddress!
            nodeStart.withUnsafeBufferPointer { nodeStart in
                nodes.withUnsafeBufferPointer { nodes in
                    flip.withUnsafeBufferPointer { flip in
                        kernel.loops.treeSHAPIndices(
                            block, left, groups, nodeStart.baseAddress!, nodes.baseAddress!, flip.baseAddress!, index)
                    }
                    columnStart.withUnsafeBufferPointer { columnStart in
                        self.columns.withUnsafeBufferPointer { outputs in
                            tableStart.withUnsafeBufferPointer { tableStart in
                                let table = table.base
                                if dense {
                                    withUnsafeTemporaryAllocation(
                                        of: UnsafePointer<Double>.self, capacity: groups
                                    ) { tables in
                                        for g in 0..<groups { tables[g] = table + tableStart[g] }
                                        kernel.loops.treeSHAPAddRows(
                                            tables.baseAddress!, groups, index, block, rows, phi)
                                    }
                                    return
                                }
                                for g in 0..<groups {
                                    let index = index + g &* block
                                    let first = columnStart[g]
                                    let width = columnStart[g + 1] &- first
                                    let rowsTable = table + tableStart[g]
                                    for r in 0..<rows {
                                        let row = rowsTable + Int(index[r]) &* width
                                        let phi = phi + r &* phiStride
                                        for k in 0..<width { phi[Int(outputs[first &+ k])] += row[k] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The follow pattern of a path of `d` distinct features where the row follows them all.
    @inline(__always)
    static func allFeatures(_ d: Int) -> UInt64 { d == 64 ? ~0 : (1 << UInt64(d)) - 1 }

    /// `w(m, d) = m!(d−1−m)!/d!` at `d·64 + m` for `d` up to 64 and `m < d`: the Shapley weight of
    /// a coalition of `m` of the other `d − 1` features.
    static let weightTable: [Double] = {
        var table = [Double](repeating: 0, count: 65 * 64)
        for d in 1...64 {
            // 1 / (d · C(d−1, m)), the binomials built up in Double (exact to 2^53, then rounded).
            var binomial = 1.0
            for m in 0..<d {
                table[d * 64 + m] = 1 / (Double(d) * binomial)
                binomial = binomial * Double(d - 1 - m) / Double(m + 1)
            }
        }
        return table
    }()

    /// The Shapley values of one path's game (see `TreeSHAP`), passed to `body(position, value)`.
    ///
    /// - Parameters:
    ///   - follows: bit `k` set when the row follows feature `k`'s splits.
    ///   - weights: `w(m, count)` for `m` in `0..<count` (from `weightTable`).
    ///   - scratch: room for `2·(count + 2)` numbers.
    @inline(__always)
    static func pathShapley(
        value v: Double, zero z: UnsafePointer<Double>, count d: Int, follows: UInt64, weights w: UnsafePointer<Double>,
        scratch: UnsafeMutablePointer<Double>, _ body: (Int, Double) -> Void
    ) {
        // Q(t) = Π_{not followed} z · Π_{followed} (z_j + t), lowest coefficient first.
        let q = scratch
        let r = scratch + d + 2
        q[0] = 1
        var degree = 0
        for k in 0..<d {
            let zk = z[k]
            if follows & (1 << UInt64(k)) != 0 {
                q[degree + 1] = q[degree]
                var m = degree
                while m > 0 {
                    q[m] = q[m] * zk + q[m - 1]
                    m -= 1
                }
                q[0] *= zk
                degree += 1
            } else {
                for m in 0...degree { q[m] *= zk }
            }
        }
        if degree < d {
            var sum = 0.0
            for m in 0...degree { sum += w[m] * q[m] }
            let phi = -v * sum
            for k in 0..<d where follows & (1 << UInt64(k)) == 0 { body(k, phi) }
        }
        guard degree > 0 else { return }
        for k in 0..<d where follows & (1 << UInt64(k)) != 0 {
            // R(t) = Q(t) / (z_k + t), from the top coefficient down.
            let zk = z[k]
            r[degree - 1] = q[degree]
            var m = degree - 1
            while m > 0 {
                r[m - 1] = q[m] - zk * r[m]
                m -= 1
            }
            var sum = 0.0
            for m in 0..<degree { sum += w[m] * r[m] }
            body(k, v * (1 - zk) * sum)
        }
    }
}

extension Tree {
    /// Whether a row whose value of inner node `n`'s feature is `v` goes left there: the rule of
    /// the type's documentation (a missing value by `defaultLeft`; a category by its level set, a
    /// value that is no level going right).
    @inline(__always)
    public func goesLeft(_ n: Int, _ v: Float) -> Bool {
        if v.isNaN { return defaultLeft[n] }
        let set = Int(categorySet[n])
        if set < 0 { return v <= threshold[n] }
        guard v >= 0, v < 2_147_483_648, v == v.rounded(.down) else { return false }
        let levels = categorySets[set]
        let level = Int32(v)
        var low = 0
        var high = levels.count
        while low < high {
            let mid = (low + high) / 2
            if levels[mid] < level { low = mid + 1 } else { high = mid }
        }
        return low < levels.count && levels[low] == level
    }
}
