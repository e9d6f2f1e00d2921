/// The trees of a model laid out for scoring: every node of every tree in one contiguous array of
/// small records, categorical splits as bitsets, walked through raw pointers.
///
/// Built from a `GradientBoostedTrees` in microseconds, so `margins` builds one per call. The
/// scoring issue makes this faster still (many rows per tree pass, QuickScorer-style bitvectors);
/// this is the plain walk, without the per-tree array copies of walking `Tree` values.
struct TreeEnsembleScorer {
    /// One node. `feature < 0` marks a leaf, whose output is `value[node]`.
    struct Node {
        var feature: Int32
        var threshold: Float
        var left: Int32
        var right: Int32
        /// Categorical splits: the first word of the node's left-going levels in `bitsets`; -1
        /// otherwise. Such a node's `threshold` holds its number of words (a higher level goes right).
        var bitset: Int32
        var defaultLeft: Bool
    }

    let nodes: [Node]
    let value: [Double]
    let roots: [Int32]
    let bitsets: [UInt64]

    init(_ trees: [Tree]) {
        var nodes: [Node] = []
        var value: [Double] = []
        var roots: [Int32] = []
        var bitsets: [UInt64] = []
        for tree in trees {
            let base = Int32(nodes.count)
            roots.append(base)
            for n in 0..<tree.nodeCount {
                var bitset: Int32 = -1
                if tree.feature[n] >= 0 && tree.categorySet[n] >= 0 {
                    let levels = tree.categorySets[Int(tree.categorySet[n])]
                    let words = (Int(levels.max() ?? 0) + 64) / 64
                    bitset = Int32(bitsets.count)
                    bitsets += [UInt64](repeating: 0, count: words)
                    for l in levels { bitsets[Int(bitset) + Int(l) / 64] |= 1 << UInt64(l % 64) }
                }
                let leaf = tree.feature[n] < 0
                nodes.append(
                    Node(
                        feature: tree.feature[n],
                        threshold: bitset >= 0 ? Float(bitsets.count - Int(bitset)) : tree.threshold[n],
                        left: leaf ? -1 : base + tree.left[n], right: leaf ? -1 : base + tree.right[n],
                        bitset: bitset, defaultLeft: tree.defaultLeft[n]))
                value.append(tree.value[n])
            }
        }
        self.nodes = nodes
        self.value = value
        self.roots = roots
        self.bitsets = bitsets
    }

    /// Rows walked through a tree together: their walks are independent, so the processor overlaps
    /// their memory loads and mispredicted branches (XGBoost's predictor blocks rows the same way).
    static let block = 8

    /// The sum of the trees' outputs for each of `rows` (at most `block`) rows whose tree-feature
    /// values are `x[r * width ..< (r + 1) * width]`.
    func sums(_ x: UnsafePointer<Float>, width: Int, rows: Int, into out: inout [Double]) {
        nodes.withUnsafeBufferPointer { nodes in
            value.withUnsafeBufferPointer { value in
                bitsets.withUnsafeBufferPointer { bitsets in
                    for r in 0..<rows { out[r] = 0 }
                    // The node each row is at, on the stack: this runs once per 8 rows scored.
                    withUnsafeTemporaryAllocation(of: Int.self, capacity: Self.block) { at in
                        for root in roots {
                            for r in 0..<rows { at[r] = Int(root) }
                            var walking = true
                            while walking {
                                walking = false
                                for r in 0..<rows {
                                    let node = nodes[at[r]]
                                    if node.feature < 0 { continue }
                                    walking = true
                                    let v = x[r * width + Int(node.feature)]
                                    let goesLeft: Bool
                                    if v.isNaN {
                                        goesLeft = node.defaultLeft
                                    } else if node.bitset >= 0 {
                                        let level = Int(v)
                                        let word = level >> 6
                                        goesLeft =
                                            level >= 0 && word < Int(node.threshold)
                                            && bitsets[Int(node.bitset) + word] & (1 << UInt64(level & 63)) != 0
                                    } else {
                                        goesLeft = v <= node.threshold
                                    }
                                    at[r] = Int(goesLeft ? node.left : node.right)
                                }
                            }
                            for r in 0..<rows { out[r] += value[at[r]] }
                        }
                    }
                }
            }
        }
    }
}
