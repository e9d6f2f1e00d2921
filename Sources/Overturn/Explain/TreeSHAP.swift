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
/// That is `O(d²)` per leaf, as in the paper, but the values depend on the row only through `O`.
/// So for every path of at most `tableFeatures` distinct features all `2^d` patterns are worked out
/// when the explainer is made, and explaining a row costs per leaf one comparison per split on its
/// path and one table read per feature (FastTreeSHAP's "v2" idea, Yang 2021, in this form). Longer
/// paths are worked out per row.
public struct TreeSHAP: Sendable {
    /// The number of tree features: a row's values, and its contributions.
    public let width: Int
    /// The sum over trees of their cover-weighted mean leaf value: the margin expected before
    /// anything is known about a row, without the model's base score.
    public let expectedValue: Double
    let trees: [PathTree]

    /// Paths with at most this many distinct features are tabled (`d·2^d` numbers each).
    public static let tableFeatures = 6

    /// - Parameters:
    ///   - trees: validated trees (depth at most 64) whose covers are the training rows' weights.
    ///   - width: the number of tree features the trees split on.
    public init(trees: [Tree], width: Int) {
        self.width = width
        self.trees = trees.map { PathTree($0) }
        expectedValue = self.trees.reduce(0) { $0 + $1.expectedValue }
    }

    /// Adds the contributions of `rows` rows to `phi`.
    ///
    /// - Parameters:
    ///   - x: row `r`'s value of tree feature `f` at `x[r * stride + f]` (NaN for missing).
    ///   - phi: row `r`'s contribution of feature `f` goes to `phi[r * phiStride + f]`.
    public func contributions(
        _ x: UnsafePointer<Float>, stride: Int, rows: Int, into phi: UnsafeMutablePointer<Double>,
        phiStride: Int
    ) {
        let maxNodes = trees.map(\.tree.nodeCount).max() ?? 0
        withUnsafeTemporaryAllocation(of: Bool.self, capacity: Swift.max(maxNodes, 1)) { left in
            withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * 66) { scratch in
                PathTree.weightTable.withUnsafeBufferPointer { weights in
                    // Tree by tree over the rows, so that a tree's tables stay in cache.
                    for tree in trees {
                        for r in 0..<rows {
                            tree.add(
                                row: x + r * stride, left: left.baseAddress!, scratch: scratch.baseAddress!,
                                weights: weights.baseAddress!, into: phi + r * phiStride)
                        }
                    }
                }
            }
        }
    }
}

/// One tree as its leaves' paths: the splits on each path, the distinct features and their zero
/// fractions, and the tables of the short paths.
struct PathTree: Sendable {
    let tree: Tree
    let inner: [Int32]
    let expectedValue: Double

    // Leaf `l`: its value, its path features `features[featureStart[l] ..< featureStart[l + 1]]`
    // with their zero fractions, its splits `splits[splitStart[l] ..< splitStart[l + 1]]`, and its
    // table at `tableStart[l]` (-1: worked out per row).
    let value: [Double]
    let featureStart: [Int]
    let features: [Int32]
    let zero: [Double]
    let splitStart: [Int]
    /// A split on the path: the node, whether the path goes left, the position of its feature.
    let splits: [(node: Int32, left: Bool, position: UInt8)]
    let tableStart: [Int]
    /// For a tabled leaf with `d` features: for every pattern `O` (bit `k` = the row follows feature
    /// `k`), the `d` contributions at `tableStart + O·d`.
    let table: [Double]

    init(_ tree: Tree) {
        precondition(tree.depth <= 64, "TreeSHAP takes trees of at most 64 levels")
        self.tree = tree
        inner = (0..<tree.nodeCount).filter { tree.feature[$0] >= 0 }.map(Int32.init)
        var value: [Double] = []
        var featureStart = [0]
        var features: [Int32] = []
        var zero: [Double] = []
        var splitStart = [0]
        var splits: [(node: Int32, left: Bool, position: UInt8)] = []
        var tableStart: [Int] = []
        var table: [Double] = []
        var expected = 0.0

        // Depth first; the path is the list of (node, went left) from the root.
        var path: [(node: Int, left: Bool)] = []
        func visit(_ n: Int) {
            if tree.feature[n] >= 0 {
                path.append((n, true))
                visit(Int(tree.left[n]))
                path[path.count - 1].left = false
                visit(Int(tree.right[n]))
                path.removeLast()
                return
            }
            var own: [Int32] = []
            var z: [Double] = []
            for (node, left) in path {
                let f = tree.feature[node]
                let child = Int(left ? tree.left[node] : tree.right[node])
                let ratio = tree.cover[node] > 0 ? tree.cover[child] / tree.cover[node] : 0
                let k: Int
                if let at = own.firstIndex(of: f) {
                    k = at
                    z[k] *= ratio
                } else {
                    k = own.count
                    own.append(f)
                    z.append(ratio)
                }
                splits.append((Int32(node), left, UInt8(k)))
            }
            let v = tree.value[n]
            expected += v * z.reduce(1, *)
            value.append(v)
            features += own
            zero += z
            featureStart.append(features.count)
            splitStart.append(splits.count)
            let d = own.count
            if d > 0 && d <= TreeSHAP.tableFeatures {
                tableStart.append(table.count)
                var out = [Double](repeating: 0, count: d)
                for pattern in 0..<(1 << d) {
                    for k in 0..<d { out[k] = 0 }
                    z.withUnsafeBufferPointer { z in
                        out.withUnsafeMutableBufferPointer { out in
                            Self.weightTable.withUnsafeBufferPointer { w in
                                withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 * (d + 2)) { scratch in
                                    Self.pathShapley(
                                        value: v, zero: z.baseAddress!, count: d, follows: UInt64(pattern),
                                        weights: w.baseAddress! + d * 64, scratch: scratch.baseAddress!
                                    ) { k, phi in out[k] += phi }
                                }
                            }
                        }
                    }
                    table += out
                }
            } else {
                tableStart.append(-1)
            }
        }
        visit(0)
        self.value = value
        self.featureStart = featureStart
        self.features = features
        self.zero = zero
        self.splitStart = splitStart
        self.splits = splits
        self.tableStart = tableStart
        self.table = table
        expectedValue = expected
    }

    /// Adds one row's contributions of this tree to `phi`. `left` holds a flag per node,
    /// `scratch` at least 132 numbers, `weights` is `weightTable`'s.
    @inline(__always)
    func add(
        row x: UnsafePointer<Float>, left: UnsafeMutablePointer<Bool>, scratch: UnsafeMutablePointer<Double>,
        weights: UnsafePointer<Double>, into phi: UnsafeMutablePointer<Double>
    ) {
        for n in inner {
            let n = Int(n)
            left[n] = tree.goesLeft(n, x[Int(tree.feature[n])])
        }
        value.withUnsafeBufferPointer { value in
            features.withUnsafeBufferPointer { features in
                zero.withUnsafeBufferPointer { zero in
                    splits.withUnsafeBufferPointer { splits in
                        table.withUnsafeBufferPointer { table in
                            for l in 0..<value.count {
                                let first = featureStart[l]
                                let d = featureStart[l + 1] - first
                                if d == 0 { continue }
                                // The features at whose splits the row leaves the path.
                                var leaves: UInt64 = 0
                                for s in splitStart[l]..<splitStart[l + 1] {
                                    let split = splits[s]
                                    if left[Int(split.node)] != split.left { leaves |= 1 << UInt64(split.position) }
                                }
                                let all: UInt64 = d == 64 ? ~0 : (1 << UInt64(d)) - 1
                                let follows = all & ~leaves
                                let start = tableStart[l]
                                if start >= 0 {
                                    let row = table.baseAddress! + start + Int(follows) * d
                                    for k in 0..<d { phi[Int(features[first + k])] += row[k] }
                                } else {
                                    Self.pathShapley(
                                        value: value[l], zero: zero.baseAddress! + first, count: d, follows: follows,
                                        weights: weights + d * 64, scratch: scratch
                                    ) { k, c in phi[Int(features[first + k])] += c }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

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
