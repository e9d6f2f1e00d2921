import CIntrinsics
import Foundation
import OverturnKernels
import OverturnKernelsPortable

#if canImport(OverturnKernelsAVX512)
    import OverturnKernelsAVX512
#endif
#if canImport(OverturnKernelsAVX2)
    import OverturnKernelsAVX2
#endif

/// The trees of a model laid out for scoring, and the loops that score many rows through them.
///
/// Two evaluators, each tree scored by one of them; a row's sum adds the trees' outputs in tree
/// order either way, so the result does not depend on which evaluator, block size or thread count.
///
/// - `QuickScorer` (Lucchese et al., SIGIR 2015) for trees of at most 64 leaves: the model is
///   visited feature by feature, not tree by tree. Per feature, every node that splits
///   on it, sorted by threshold; a row's value sends it right at exactly the nodes of a prefix of
///   that list, and each such node rules out the leaves of its left subtree, a 64-bit mask ANDed
///   into its tree's leaf set. After all features, a tree's exit leaf is the lowest leaf left. The
///   work is the number of nodes a row goes right at, whatever the depth, and a feature whose value
///   sends it right nowhere (a one-hot code the row does not hold) costs one comparison.
///   Categorical splits are looked up by level (`CategoryNodes`).
/// - A level-synchronous walk for the others (more than 64 leaves, or category levels past
///   `QuickScorer.maxLevels`): nodes in
///   16-byte records, each tree breadth first so a node's children sit side by side (the right is
///   `child + 1`), a leaf its own child; a block of rows takes exactly `depth` steps through a tree,
///   one level at a time for the whole block, without a branch per step.
///
/// The QuickScorer takes eight rows at a time, one SIMD lane each (`LaneGroup`). Rows of a sparse
/// matrix (what `score` extracts) fill the lanes of only the features they set, straight from the
/// matrix, when every tree goes through the QuickScorer without categorical splits
/// (`readsSparseRows`); a feature that one row of the eight sets updates that row's lane alone.
/// Those rows go into groups in an order that puts close values of the trees' busiest numeric
/// features together (`RowOrder`).
struct TreeEnsembleScorer: Sendable {
    let quick: QuickScorer
    let walk: LevelWalk
    /// Per tree: its index in `quick` (≥ 0), or `-1 - its index in walk`.
    let slots: [Int32]

    /// The features the QuickScorer must visit in every row scored from sparse data (`sums` with
    /// `touched`, or from a matrix): those whose absent value sends a row right somewhere.
    let alwaysVisit: [Int32]
    /// Per feature, its value in a row that does not set it (empty when not made with `absent`).
    let absent: [Float]
    /// How rows scored from sparse data are ordered into groups (`nil`: as they come; always for
    /// a scorer made without `absent`, which scores dense rows only).
    let order: RowOrder?
    let width: Int

    /// `width`: the number of tree features; `absent`: per feature, its value in a row that does
    /// not set it, for scoring rows filled from sparse data (`TreeFeatureMap.absent`).
    init(_ trees: [Tree], width: Int, absent: [Float]? = nil) {
        var quickTrees: [Tree] = []
        var walkTrees: [Tree] = []
        var slots: [Int32] = []
        for tree in trees {
            if tree.leafCount <= 64 && tree.categorySets.allSatisfy({ ($0.max() ?? 0) < QuickScorer.maxLevels }) {
                slots.append(Int32(quickTrees.count))
                quickTrees.append(tree)
            } else {
                slots.append(-1 - Int32(walkTrees.count))
                walkTrees.append(tree)
            }
        }
        let quick = QuickScorer(quickTrees, width: width)
        self.quick = quick
        walk = LevelWalk(walkTrees)
        self.slots = slots
        self.width = width
        self.absent = absent ?? []
        alwaysVisit = absent.map { quick.featuresRightWhen(absent: $0) } ?? []
        order = absent == nil ? nil : RowOrder(quick)
    }

    /// Rows scored together: the walk takes them through a tree level by level (enough independent
    /// steps to keep the processor busy), and their exit leaves wait in `block × trees` slots.
    static let block = 64

    /// Writes the sum of the trees' outputs for each of `rows` rows into `out`; row `r`'s
    /// tree-feature values are `x[r * stride ..< r * stride + width]`.
    ///
    /// `touched`: for rows filled from sparse data (the scorer was made with `absent`), the
    /// features each row set (`touched.row(r)`, rows counted from `x`); the QuickScorer then
    /// visits only those and `alwaysVisit`, not every feature.
    func sums(
        _ x: UnsafePointer<Float>, stride: Int, rows: Int, into out: UnsafeMutablePointer<Double>,
        touched: TouchedFeatures? = nil, kernel: QuickScorer.Kernel = .best
    ) {
        let block = Self.block
        let lanes = QuickScorerKernel.lanes
        let group = LaneGroup(quick, visits: alwaysVisit.count + width)
        // The features a group visits: `alwaysVisit`, then the group's own (`listed` marks them);
        // without `touched`, every feature a node splits on.
        let listed = UnsafeMutablePointer<Bool>.allocate(capacity: width)
        defer {
            group.deallocate()
            listed.deallocate()
        }
        listed.initialize(repeating: false, count: width)
        for f in alwaysVisit { listed[Int(f)] = true }
        let everyFeature = quick.features
        withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, walk.roots.count * block)) { exits in
            slots.withUnsafeBufferPointer { slots in
                var start = 0
                while start < rows {
                    let n = min(block, rows - start)
                    walk.exits(x + start * stride, stride: stride, rows: n, into: exits.baseAddress!)
                    for first in Swift.stride(from: 0, to: n, by: lanes) {
                        let count = min(lanes, n - first)
                        let rowsAt = x + (start + first) * stride
                        if quick.trees > 0 {
                            var visits = 0
                            if let touched {
                                for f in alwaysVisit {
                                    group.gather(f, rowsAt, stride: stride, count: count, at: &visits)
                                }
                                for r in (start + first)..<(start + first + count) {
                                    for f in touched.row(r) where !listed[Int(f)] {
                                        listed[Int(f)] = true
                                        group.gather(f, rowsAt, stride: stride, count: count, at: &visits)
                                    }
                                }
                                for i in alwaysVisit.count..<visits { listed[Int(group.visit[i])] = false }
                            } else {
                                for f in everyFeature {
                                    group.gather(f, rowsAt, stride: stride, count: count, at: &visits)
                                }
                            }
                            group.leafSets(visits, kernel: kernel)
                            quick.categories.apply(rowsAt, stride: stride, count: count, to: group.leaves)
                        }
                        if walk.roots.isEmpty {
                            quick.sums(group.leaves, count: count, into: out + start + first, kernel: kernel)
                            continue
                        }
                        for lane in 0..<count {
                            var sum = 0.0
                            for slot in slots {
                                sum +=
                                    slot >= 0
                                    ? quick.value(tree: Int(slot), leaves: group.leaves[Int(slot)][lane])
                                    : walk.value[Int(exits[Int(-1 - slot) * block + first + lane])]
                            }
                            out[start + first + lane] = sum
                        }
                    }
                    start += n
                }
            }
        }
    }

    /// Whether rows of a sparse matrix can be scored without laying them out densely
    /// (`sums(_:rows:map:into:kernel:)`): every tree goes through the QuickScorer and none splits
    /// on categories, and the scorer knows the features' absent values.
    var readsSparseRows: Bool {
        walk.roots.isEmpty && quick.categories.features.isEmpty && absent.count == width
    }

    /// The sums of `sums(_:stride:rows:into:touched:kernel:)` for `rows` of `matrix`, whose
    /// columns feed the tree features through `map`, without a dense copy of any row: each group
    /// of eight rows puts the values it sets straight into its lanes (`LaneGroup`), beside the
    /// absent values of `alwaysVisit`; a feature that only one row of the group sets goes to that
    /// row's lane alone (`QuickScorerKernel.laneLeafSets`). The groups take the rows in `order`.
    /// Only when `readsSparseRows`.
    func sums(
        _ matrix: FeatureMatrix, rows: Range<Int>, map: TreeFeatureMap, into out: UnsafeMutablePointer<Double>,
        kernel: QuickScorer.Kernel = .best
    ) {
        precondition(readsSparseRows, "sparse rows need a QuickScorer-only ensemble made with absent values")
        precondition(map.absent.count == width, "the map feeds \(map.absent.count) features, the trees read \(width)")
        let lanes = QuickScorerKernel.lanes
        let group = LaneGroup(quick, visits: alwaysVisit.count + width)
        // Per feature, its place in the group's visit list: `alwaysVisit` first, for good; -1 for
        // a feature the group has not met yet, `Int32.min` for one that no node splits on. Per
        // place, the lane that set it, or `lanes` once a second lane has.
        let slot = UnsafeMutablePointer<Int32>.allocate(capacity: width)
        let setBy = UnsafeMutablePointer<Int>.allocate(capacity: alwaysVisit.count + width)
        defer {
            group.deallocate()
            slot.deallocate()
            setBy.deallocate()
        }
        slot.initialize(repeating: Int32.min, count: width)
        for f in quick.features { slot[Int(f)] = -1 }
        for (i, f) in alwaysVisit.enumerated() {
            slot[Int(f)] = Int32(i)
            group.visit[i] = f
        }
        let always = alwaysVisit.count
        let absentValues = alwaysVisit.map { SIMD8<Float>(repeating: absent[Int($0)]) }
        let lane = UnsafeMutableRawPointer(group.values).assumingMemoryBound(to: Float.self)
        // Rows go through the groups in `offsets` (from `rows.lowerBound`), their sums through
        // `groupSums` to their places.
        let columns = order?.features.map { map.valueColumn[Int($0.feature)] } ?? []
        let offsets =
            if let order, !columns.contains(-1) {
                order.offsets(
                    matrix, rows: rows, columns: columns, absent: order.features.map { absent[Int($0.feature)] })
            } else {
                Array(0..<UInt32(rows.count))
            }
        var groupSums = SIMD8<Double>()
        absent.withUnsafeBufferPointer { absent in
            var at = 0
            while at < rows.count {
                // Lanes past the last row hold an empty row (absent values everywhere).
                let count = min(lanes, rows.count - at)
                group.values.update(from: absentValues, count: always)
                var visits = always
                // The next group's rows, out of order in the matrix: ask for their entries now.
                for l in min(at + lanes, rows.count)..<min(at + 2 * lanes, rows.count) {
                    matrix.prefetchRow(rows.lowerBound + Int(offsets[l]))
                }
                for l in 0..<count {
                    map.forEachTarget(ofRow: rows.lowerBound + Int(offsets[at + l]), in: matrix) { f, v in
                        var s = slot[f]
                        if s == Int32.min { return }
                        if s < 0 {
                            s = Int32(visits)
                            slot[f] = s
                            group.visit[visits] = Int32(f)
                            group.values[visits] = SIMD8(repeating: absent[f])
                            setBy[visits] = l
                            visits += 1
                        } else if setBy[Int(s)] != l {
                            setBy[Int(s)] = lanes
                        }
                        lane[Int(s) &* lanes &+ l] = v
                    }
                }
                // The features one row set leave the vector list for the lane list.
                var vectors = always
                var solos = 0
                for i in always..<visits {
                    let f = group.visit[i]
                    slot[Int(f)] = -1
                    if setBy[i] < lanes {
                        group.solo[solos] = f << 3 | Int32(setBy[i])
                        group.soloValue[solos] = lane[i &* lanes &+ setBy[i]]
                        solos += 1
                    } else {
                        group.visit[vectors] = f
                        group.values[vectors] = group.values[i]
                        vectors += 1
                    }
                }
                group.leafSets(vectors, solos: solos, kernel: kernel)
                withUnsafeMutableBytes(of: &groupSums) { sums in
                    let sums = sums.baseAddress!.assumingMemoryBound(to: Double.self)
                    quick.sums(group.leaves, count: count, into: sums, kernel: kernel)
                    for l in 0..<count { out[Int(offsets[at + l])] = sums[l] }
                }
                at += count
            }
        }
    }
}

/// What the QuickScorer kernel reads and writes for a group of eight rows: the features it
/// visits, their values lane by lane (`values[i]` for feature `visit[i]`), the features only one
/// row sets with that row's lane and value (`solo`, `soloValue`: see
/// `QuickScorerKernel.laneLeafSets`), and per tree the leaves each row can reach. One thread's;
/// the owner calls `deallocate()`.
struct LaneGroup {
    let quick: QuickScorer
    let visit: UnsafeMutablePointer<Int32>
    let values: UnsafeMutablePointer<SIMD8<Float>>
    let solo: UnsafeMutablePointer<Int32>
    let soloValue: UnsafeMutablePointer<Float>
    let leaves: UnsafeMutablePointer<SIMD8<UInt64>>

    /// Room for `visits` features.
    init(_ quick: QuickScorer, visits: Int) {
        self.quick = quick
        visit = .allocate(capacity: max(1, visits))
        values = .allocate(capacity: max(1, visits))
        solo = .allocate(capacity: max(1, visits))
        soloValue = .allocate(capacity: max(1, visits))
        leaves = .allocate(capacity: max(1, quick.trees))
    }

    func deallocate() {
        visit.deallocate()
        values.deallocate()
        solo.deallocate()
        soloValue.deallocate()
        leaves.deallocate()
    }

    /// Appends feature `f` with its values in `count` rows at `x`, `stride` apart (lanes past
    /// `count` repeat the first row).
    @inline(__always)
    func gather(_ f: Int32, _ x: UnsafePointer<Float>, stride: Int, count: Int, at visits: inout Int) {
        @inline(__always) func value(_ r: Int) -> Float { x[(r < count ? r : 0) &* stride &+ Int(f)] }
        visit[visits] = f
        values[visits] = SIMD8(value(0), value(1), value(2), value(3), value(4), value(5), value(6), value(7))
        visits += 1
    }

    /// Per tree, lane `r` of `leaves[t]` holds the leaves row `r` of the group can reach, the
    /// lowest its exit leaf (`QuickScorer.value(tree:leaves:)`), from its first `visits` features
    /// (`QuickScorerKernel.leafSets`) and first `solos` single-row features
    /// (`QuickScorerKernel.laneLeafSets`).
    @inline(__always)
    func leafSets(_ visits: Int, solos: Int = 0, kernel: QuickScorer.Kernel) {
        let tables = quick.tables
        kernel.loops.leafSets(tables, visit, values, visits, leaves)
        if solos > 0 { kernel.loops.laneLeafSets(tables, solo, soloValue, solos, leaves) }
    }
}

/// QuickScorer's layout (see `TreeEnsembleScorer`): per tree feature, its nodes sorted by
/// threshold with their tree and leaf mask; per tree, its leaves' values left to right. The tables
/// live in one allocation that the kernel (`QuickScorerKernel`) reads through pointers.
struct QuickScorer: Sendable {
    let trees: Int
    /// Tree `t`'s leaves, left to right, are `leafValue[leafStart[t]...]`.
    let leafStart: [Int]
    let leafValue: [Double]
    /// The categorical splits, looked up per row and level (`CategoryNodes`).
    let categories: CategoryNodes

    /// Trees whose category sets hold a level this high or higher are walked instead: the
    /// per-level node lists would grow with it.
    static let maxLevels: Int32 = 4096
    private let storage: Storage

    /// Which compilation of `OverturnKernels` (QuickScorer's and TreeSHAP's loops) runs.
    enum Kernel: String, Sendable, CaseIterable {
        case portable, avx2, avx512

        /// The newest this build has and the processor runs, unless the environment names one
        /// that does (`OVERTURN_KERNEL=portable|avx2|avx512`, to compare them).
        static let best: Kernel = {
            let named = ProcessInfo.processInfo.environment["OVERTURN_KERNEL"].flatMap(Kernel.init(rawValue:))
            if let named, available.contains(named) { return named }
            return available.last!
        }()

        /// The kernels this build has and this processor runs, oldest first.
        static let available: [Kernel] = {
            var kernels: [Kernel] = [.portable]
            #if canImport(OverturnKernelsAVX2)
                if overturn_has_avx2() != 0 { kernels.append(.avx2) }
            #endif
            #if canImport(OverturnKernelsAVX512)
                if overturn_has_avx512() != 0 { kernels.append(.avx512) }
            #endif
            return kernels
        }()

        /// This compilation's loops (only for an available kernel).
        var loops: KernelLoops {
            switch self {
            case .portable: return OverturnKernelsPortable.loops
            case .avx2:
                #if canImport(OverturnKernelsAVX2)
                    return OverturnKernelsAVX2.loops
                #else
                    preconditionFailure("this build has no AVX2 kernel")
                #endif
            case .avx512:
                #if canImport(OverturnKernelsAVX512)
                    return OverturnKernelsAVX512.loops
                #else
                    preconditionFailure("this build has no AVX-512 kernel")
                #endif
            }
        }
    }

    /// `width`: the number of tree features (at least one more than any feature a node splits on).
    init(_ trees: [Tree], width: Int) {
        self.trees = trees.count
        var byFeature: [Int: [(threshold: Float, tree: Int32, mask: UInt64)]] = [:]
        var missing: [Int: [(tree: Int32, mask: UInt64)]] = [:]
        var byCategory: [Int: [CategoryNodes.Node]] = [:]
        var leafStart: [Int] = []
        var leafValue: [Double] = []
        for (t, tree) in trees.enumerated() {
            // Number the leaves left to right; `first[n] ... last[n]` are the leaves under node n.
            var first = [Int](repeating: 0, count: tree.nodeCount)
            var last = [Int](repeating: 0, count: tree.nodeCount)
            leafStart.append(leafValue.count)
            var stack: [(node: Int, expanded: Bool)] = [(0, false)]
            while let (n, expanded) = stack.popLast() {
                if tree.feature[n] < 0 {
                    first[n] = leafValue.count - leafStart[t]
                    last[n] = first[n]
                    leafValue.append(tree.value[n])
                } else if expanded {
                    first[n] = first[Int(tree.left[n])]
                    last[n] = last[Int(tree.right[n])]
                } else {
                    stack += [(n, true), (Int(tree.right[n]), false), (Int(tree.left[n]), false)]
                }
            }
            for n in 0..<tree.nodeCount where tree.feature[n] >= 0 {
                let left = Int(tree.left[n])
                let width = last[left] - first[left] + 1
                let leftLeaves: UInt64 = width == 64 ? ~0 : ((1 << UInt64(width)) - 1) << UInt64(first[left])
                let f = Int(tree.feature[n])
                if tree.categorySet[n] >= 0 {
                    let levels = tree.categorySets[Int(tree.categorySet[n])]
                    byCategory[f, default: []].append((levels, !tree.defaultLeft[n], Int32(t), ~leftLeaves))
                    continue
                }
                byFeature[f, default: []].append((tree.threshold[n], Int32(t), ~leftLeaves))
                if !tree.defaultLeft[n] { missing[f, default: []].append((Int32(t), ~leftLeaves)) }
            }
        }
        categories = CategoryNodes(byCategory)
        let features = byFeature.keys.sorted()
        precondition((features.last ?? -1) < width, "a node splits on feature \(features.last!), of \(width)")
        var start = [0]
        var missingStart = [0]
        var nodes: [(threshold: Float, tree: Int32, mask: UInt64)] = []
        var missingNodes: [(tree: Int32, mask: UInt64)] = []
        // Per feature, its distinct thresholds in increasing order, each with its nodes; nodes of
        // one tree at one threshold (the same split in two branches) become one, masks ANDed.
        var thresholds: [Float] = []
        var first = [0]
        for f in 0..<width {
            for node in (byFeature[f] ?? []).sorted(by: { ($0.threshold, $0.tree) < ($1.threshold, $1.tree) }) {
                if thresholds.count > start.last! && node.threshold == thresholds.last! {
                    if node.tree == nodes.last!.tree {
                        nodes[nodes.count - 1].mask &= node.mask
                        continue
                    }
                    first[first.count - 1] += 1
                } else {
                    thresholds.append(node.threshold)
                    first.append(first.last! + 1)
                }
                nodes.append(node)
            }
            missingNodes += missing[f] ?? []
            start.append(thresholds.count)
            missingStart.append(missingNodes.count)
        }
        storage = Storage(
            trees: trees.count, features: features.map(Int32.init), start: start, thresholds: thresholds,
            first: first, nodes: nodes, missingStart: missingStart, missingNodes: missingNodes)
        self.leafStart = leafStart
        self.leafValue = leafValue
    }

    /// The kernel's tables (valid as long as the scorer lives; `LaneGroup.leafSets` reads them).
    var tables: QuickScorerKernel.Tables { storage.tables }

    /// The features at least one node splits on (numeric or missing), increasing.
    var features: UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: tables.features, count: tables.featureCount)
    }

    /// The features whose value `absent[f]` sends a row right at some node: those a row must
    /// visit even when it does not set them.
    func featuresRightWhen(absent: [Float]) -> [Int32] {
        let t = storage.tables
        return (0..<t.featureCount).map { t.features[$0] }.filter { f in
            let (lo, hi) = (t.start[Int(f)], t.start[Int(f) + 1])
            let a = absent[Int(f)]
            return a.isNaN ? t.missingStart[Int(f)] < t.missingStart[Int(f) + 1] : lo < hi && t.threshold[lo] < a
        }
    }

    /// Writes each row's sum of the trees' outputs, in tree order, given the leaf sets of
    /// `leafSets`: `out[r]` for the rows of lanes `0 ..< count` (`QuickScorerKernel.sums`).
    @inline(__always)
    func sums(
        _ leaves: UnsafePointer<SIMD8<UInt64>>, count: Int, into out: UnsafeMutablePointer<Double>, kernel: Kernel
    ) {
        guard trees > 0 else { return (0..<count).forEach { out[$0] = 0 } }
        leafStart.withUnsafeBufferPointer { leafStart in
            leafValue.withUnsafeBufferPointer { leafValue in
                kernel.loops.leafSums(leaves, trees, leafStart.baseAddress!, leafValue.baseAddress!, count, out)
            }
        }
    }

    /// The output of tree `t` for a row whose reachable leaves are `leaves`.
    @inline(__always)
    func value(tree t: Int, leaves: UInt64) -> Double {
        leafValue[leafStart[t] &+ leaves.trailingZeroBitCount]
    }

    /// The tables in memory of their own, so that the kernel's pointers stay valid as long as the
    /// scorer lives; never written after `init`.
    private final class Storage: @unchecked Sendable {
        let tables: QuickScorerKernel.Tables
        private let memory: UnsafeMutableRawPointer

        init(
            trees: Int, features: [Int32], start: [Int], thresholds: [Float], first: [Int],
            nodes: [(threshold: Float, tree: Int32, mask: UInt64)], missingStart: [Int],
            missingNodes: [(tree: Int32, mask: UInt64)]
        ) {
            // Widest elements first, so each array's start is aligned.
            var bytes = 0
            func reserve<T>(_ type: T.Type, _ count: Int) -> Int {
                defer { bytes += max(1, count) * MemoryLayout<T>.stride }
                return bytes
            }
            let at = (
                mask: reserve(UInt64.self, nodes.count), missingMask: reserve(UInt64.self, missingNodes.count),
                start: reserve(Int.self, start.count), missingStart: reserve(Int.self, missingStart.count),
                first: reserve(Int.self, first.count), threshold: reserve(Float.self, thresholds.count),
                tree: reserve(Int32.self, nodes.count),
                missingTree: reserve(Int32.self, missingNodes.count), features: reserve(Int32.self, features.count)
            )
            let memory = UnsafeMutableRawPointer.allocate(byteCount: bytes, alignment: 64)
            // The kernel finds a node's tree by the offset of its leaf sets (QuickScorerKernel.Tables).
            let stride = Int32(MemoryLayout<SIMD8<UInt64>>.stride)
            self.memory = memory
            func place<T>(_ values: [T], at offset: Int) -> UnsafePointer<T> {
                let p = (memory + offset).bindMemory(to: T.self, capacity: max(1, values.count))
                p.initialize(from: values, count: values.count)
                return UnsafePointer(p)
            }
            tables = QuickScorerKernel.Tables(
                trees: trees, features: place(features, at: at.features), featureCount: features.count,
                start: place(start, at: at.start), threshold: place(thresholds, at: at.threshold),
                first: place(first, at: at.first), tree: place(nodes.map { $0.tree * stride }, at: at.tree),
                mask: place(nodes.map(\.mask), at: at.mask),
                missingStart: place(missingStart, at: at.missingStart),
                missingTree: place(missingNodes.map { $0.tree * stride }, at: at.missingTree),
                missingMask: place(missingNodes.map(\.mask), at: at.missingMask))
        }

        deinit { memory.deallocate() }
    }
}

/// The level-synchronous walk's layout (see `TreeEnsembleScorer`).
struct LevelWalk: Sendable {
    /// One node: `feature` and `threshold` decide, `child` is the left child (the right is
    /// `child + 1`; a leaf's is itself). `flags`: bit 0, a missing value goes right; bit 1, the
    /// split is categorical, its left-going levels a bitset of `threshold` words starting at word
    /// `flags >> 2` of `bitsets`.
    struct Node {
        var feature: Int32
        var threshold: Float
        var child: Int32
        var flags: Int32
    }

    let nodes: [Node]
    /// Per node: a leaf's output (0 for inner nodes).
    let value: [Double]
    let roots: [Int32]
    let depths: [Int32]
    let categorical: [Bool]
    let bitsets: [UInt64]

    init(_ trees: [Tree]) {
        var nodes: [Node] = []
        var value: [Double] = []
        var roots: [Int32] = []
        var depths: [Int32] = []
        var categorical: [Bool] = []
        var bitsets: [UInt64] = []
        for tree in trees {
            let base = nodes.count
            roots.append(Int32(base))
            // Breadth first: `order[k]` is the tree's node placed at `base + k`, with its depth.
            var order: [(node: Int, depth: Int32)] = [(0, 0)]
            var k = 0
            var hasCategories = false
            while k < order.count {
                let (n, depth) = order[k]
                let at = base + k
                if tree.feature[n] < 0 {
                    nodes.append(Node(feature: 0, threshold: .infinity, child: Int32(at), flags: 0))
                    value.append(tree.value[n])
                } else {
                    var node = Node(
                        feature: tree.feature[n], threshold: tree.threshold[n], child: Int32(base + order.count),
                        flags: tree.defaultLeft[n] ? 0 : 1)
                    if tree.categorySet[n] >= 0 {
                        hasCategories = true
                        let levels = tree.categorySets[Int(tree.categorySet[n])]
                        let words = (Int(levels.max() ?? 0) + 64) / 64
                        node.flags |= 2 | Int32(bitsets.count) << 2
                        node.threshold = Float(words)
                        var set = [UInt64](repeating: 0, count: words)
                        for l in levels { set[Int(l) / 64] |= 1 << UInt64(l % 64) }
                        bitsets += set
                    }
                    nodes.append(node)
                    value.append(0)
                    order.append((Int(tree.left[n]), depth + 1))
                    order.append((Int(tree.right[n]), depth + 1))
                }
                k += 1
            }
            depths.append(order.map(\.depth).max() ?? 0)
            categorical.append(hasCategories)
        }
        self.nodes = nodes
        self.value = value
        self.roots = roots
        self.depths = depths
        self.categorical = categorical
        self.bitsets = bitsets
    }

    /// The exit node of each of `rows` rows in each tree: `exits[t * TreeEnsembleScorer.block + r]`.
    func exits(_ x: UnsafePointer<Float>, stride: Int, rows: Int, into exits: UnsafeMutablePointer<Int32>) {
        guard !roots.isEmpty else { return }
        nodes.withUnsafeBufferPointer { nodes in
            bitsets.withUnsafeBufferPointer { bitsets in
                for t in roots.indices {
                    let at = exits + t * TreeEnsembleScorer.block
                    for r in 0..<rows { at[r] = roots[t] }
                    if categorical[t] {
                        Self.walkCategorical(
                            nodes.baseAddress!, bitsets.baseAddress, x, stride: stride, rows: rows, at: at,
                            depth: Int(depths[t]))
                    } else {
                        Self.walk(nodes.baseAddress!, x, stride: stride, rows: rows, at: at, depth: Int(depths[t]))
                    }
                }
            }
        }
    }

    /// `depth` steps of every row through a tree of numeric splits.
    @inline(__always)
    private static func walk(
        _ nodes: UnsafePointer<Node>, _ x: UnsafePointer<Float>, stride: Int, rows: Int,
        at: UnsafeMutablePointer<Int32>, depth: Int
    ) {
        for _ in 0..<depth {
            for r in 0..<rows {
                let node = nodes[Int(at[r])]
                let v = x[r &* stride &+ Int(node.feature)]
                at[r] = node.child &+ goesRight(v, node)
            }
        }
    }

    /// 1 when `v` goes right at a numeric split: above the threshold, or missing where missing
    /// values go right. No branch: a comparison and two bit operations.
    @inline(__always)
    private static func goesRight(_ v: Float, _ node: Node) -> Int32 {
        let above: Int32 = v > node.threshold ? 1 : 0
        let missing: Int32 = v.isNaN ? 1 : 0
        return above | (missing & node.flags)
    }

    /// `walk` for a tree with categorical splits: a row whose level is in the node's set goes left.
    private static func walkCategorical(
        _ nodes: UnsafePointer<Node>, _ bitsets: UnsafePointer<UInt64>?, _ x: UnsafePointer<Float>,
        stride: Int, rows: Int, at: UnsafeMutablePointer<Int32>, depth: Int
    ) {
        for _ in 0..<depth {
            for r in 0..<rows {
                let node = nodes[Int(at[r])]
                let v = x[r &* stride &+ Int(node.feature)]
                var right = goesRight(v, node)
                if node.flags & 2 != 0 && !v.isNaN {
                    // A level outside the set's words (or not a level at all) goes right.
                    var inSet = false
                    if v >= 0 && v < node.threshold * 64 && v == v.rounded(.down) {
                        let level = Int(v)
                        inSet = bitsets![Int(node.flags >> 2) + level >> 6] & (1 << UInt64(level & 63)) != 0
                    }
                    right = inSet ? 0 : 1
                }
                at[r] = node.child &+ right
            }
        }
    }
}

/// QuickScorer's categorical splits. A row goes right at such a node when its level is not in the
/// node's set (a value that is no level at all goes right everywhere; a missing one where missing
/// values go right), so per feature and level the nodes a row goes right at are known in advance:
/// a list of (tree, mask) for each level, one for "no level" and one for "missing". Each row of a
/// group then ANDs its level's list into its own lane.
struct CategoryNodes: Sendable {
    typealias Node = (levels: [Int32], missingRight: Bool, tree: Int32, mask: UInt64)

    /// Features with categorical nodes, and per feature the number of levels its sets mention.
    let features: [Int32]
    let levels: [Int]
    /// Feature `features[i]`'s list for level `l` is `entries[start[i][l] ..< start[i][l + 1]]`;
    /// `l = levels[i]` is "no level", `levels[i] + 1` "missing".
    let start: [[Int]]
    let tree: [Int32]
    let mask: [UInt64]

    init(_ byFeature: [Int: [Node]]) {
        var features: [Int32] = []
        var levels: [Int] = []
        var start: [[Int]] = []
        var tree: [Int32] = []
        var mask: [UInt64] = []
        for f in byFeature.keys.sorted() {
            let nodes = byFeature[f]!
            let count = Int(nodes.map { $0.levels.max() ?? 0 }.max() ?? 0) + 1
            let sets = nodes.map { Set($0.levels) }
            var offsets = [tree.count]
            for level in 0..<(count + 2) {
                for (node, set) in zip(nodes, sets) {
                    let right = level < count ? !set.contains(Int32(level)) : level == count || node.missingRight
                    if right {
                        tree.append(node.tree)
                        mask.append(node.mask)
                    }
                }
                offsets.append(tree.count)
            }
            features.append(Int32(f))
            levels.append(count)
            start.append(offsets)
        }
        self.features = features
        self.levels = levels
        self.start = start
        self.tree = tree
        self.mask = mask
    }

    /// ANDs each of `count` rows' lists into its lane of `leaves` (after `QuickScorer.leafSets`).
    @inline(__always)
    func apply(
        _ x: UnsafePointer<Float>, stride: Int, count: Int, to leaves: UnsafeMutablePointer<SIMD8<UInt64>>
    ) {
        guard !features.isEmpty else { return }
        let lanes = UnsafeMutableRawPointer(leaves).assumingMemoryBound(to: UInt64.self)
        for (i, f) in features.enumerated() {
            let levelCount = levels[i]
            for r in 0..<count {
                let v = x[r * stride + Int(f)]
                let list: Int
                if v.isNaN {
                    list = levelCount + 1
                } else if v >= 0 && v < Float(levelCount) && v == v.rounded(.down) {
                    list = Int(v)
                } else {
                    list = levelCount
                }
                for k in start[i][list]..<start[i][list + 1] {
                    lanes[Int(tree[k]) &* 8 &+ r] &= mask[k]
                }
            }
        }
    }
}
