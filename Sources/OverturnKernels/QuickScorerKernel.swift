/// QuickScorer's inner loop (Lucchese et al., SIGIR 2015), eight rows at a time in SIMD lanes (the
/// vectorized form of Lucchese et al., SIGIR 2016): compiled here for any x86-64 or ARM processor,
/// and again in `OverturnKernelsAVX2` and `OverturnKernelsAVX512` for processors with those (with
/// AVX-512 a step is a compare into a mask register and a masked AND; see `TreeEnsembleScorer`).
///
/// No dependency on the rest of Overturn: the tables are plain pointers, made and owned by
/// `QuickScorer` in the Overturn module.
///
/// `leafSets` is `@inlinable`: its body is compiled into the modules that call it. After editing
/// it, build from clean (`rm -rf .build`): an incremental build was seen to keep the old copy in
/// the Overturn module.
public enum QuickScorerKernel {
    /// Rows per call.
    public static let lanes = 8

    /// The model's nodes by feature (see `QuickScorer`), as pointers that live as long as the model.
    public struct Tables: @unchecked Sendable {
        public var trees: Int
        /// Features with at least one node, and their count.
        public var features: UnsafePointer<Int32>
        public var featureCount: Int
        /// Feature `f`'s thresholds (`f` below the model's feature count), each once and increasing,
        /// are `threshold[start[f] ..< start[f + 1]]`; the nodes that split at threshold `g` are
        /// `first[g] ..< first[g + 1]`, with their tree and mask. A node's tree is given as where
        /// its leaf sets start among a group's (`64 × tree`, in bytes), so that the kernel adds
        /// it to an address without a shift.
        public var start: UnsafePointer<Int>
        public var threshold: UnsafePointer<Float>
        public var first: UnsafePointer<Int>
        public var tree: UnsafePointer<Int32>
        /// The leaves a row can still reach after going right at the node.
        public var mask: UnsafePointer<UInt64>
        /// The nodes that send a missing value right, feature by feature (trees as in `tree`).
        public var missingStart: UnsafePointer<Int>
        public var missingTree: UnsafePointer<Int32>
        public var missingMask: UnsafePointer<UInt64>

        public init(
            trees: Int, features: UnsafePointer<Int32>, featureCount: Int, start: UnsafePointer<Int>,
            threshold: UnsafePointer<Float>, first: UnsafePointer<Int>, tree: UnsafePointer<Int32>,
            mask: UnsafePointer<UInt64>,
            missingStart: UnsafePointer<Int>, missingTree: UnsafePointer<Int32>, missingMask: UnsafePointer<UInt64>
        ) {
            self.trees = trees
            self.features = features
            self.featureCount = featureCount
            self.start = start
            self.threshold = threshold
            self.first = first
            self.tree = tree
            self.mask = mask
            self.missingStart = missingStart
            self.missingTree = missingTree
            self.missingMask = missingMask
        }
    }

    /// For eight rows: per tree `t`, lane `r` of `leaves[t]` is the set of leaves row `r` can reach
    /// (bit i for leaf i from the left); its lowest bit is the row's exit leaf.
    ///
    /// Only the features `visit[0 ..< visits]` are looked at (in any order), feature `visit[i]`'s
    /// values in the eight rows being `values[i]`: the caller may leave out features whose value
    /// sends no row right at any node (a code none of the rows holds).
    @inlinable @inline(__always)
    public static func leafSets(
        _ tables: Tables, visiting visit: UnsafePointer<Int32>, values: UnsafePointer<SIMD8<Float>>, _ visits: Int,
        into leaves: UnsafeMutablePointer<SIMD8<UInt64>>
    ) {
        let everything = SIMD8<UInt64>(repeating: ~0)
        for t in 0..<tables.trees { leaves[t] = everything }
        // In locals, so the compiler need not reload them after each store to `leaves`.
        let (start, threshold, first) = (tables.start, tables.threshold, tables.first)
        let (tree, mask) = (tables.tree, tables.mask)
        let base = UnsafeMutableRawPointer(leaves)
        for i in 0..<visits {
            let f = Int(visit[i])
            let v = values[i]
            var g = start[f]
            let end = start[f &+ 1]
            // The thresholds below a row's value send it right at their nodes: a prefix of the
            // sorted thresholds, per lane. Stop at the first that sends no lane right. One compare
            // serves every node at that threshold (trees often split a feature at the same bin).
            while g < end {
                let right = v .> SIMD8<Float>(repeating: threshold[g])
                if !any(right) { break }
                let keep = ~lanes(right)
                var k = first[g]
                let last = first[g &+ 1]
                while k < last {
                    let at = (base + Int(tree[k])).assumingMemoryBound(to: SIMD8<UInt64>.self)
                    at.pointee &= SIMD8<UInt64>(repeating: mask[k]) | keep
                    k &+= 1
                }
                g &+= 1
            }
            let missing = v .!= v
            if any(missing) {
                for m in tables.missingStart[f]..<tables.missingStart[f &+ 1] {
                    let at = (base + Int(tables.missingTree[m])).assumingMemoryBound(to: SIMD8<UInt64>.self)
                    at.pointee &= SIMD8<UInt64>(repeating: tables.missingMask[m]) | ~lanes(missing)
                }
            }
        }
    }

    /// After `leafSets`, for features that one row of the group sets (every other row's value
    /// sending it right nowhere): feature `solo[i] >> 3`, with value `values[i]` in lane
    /// `solo[i] & 7`, ANDs its right-going nodes' masks into that lane alone, a 64-bit word per
    /// node instead of eight.
    @inlinable @inline(__always)
    public static func laneLeafSets(
        _ tables: Tables, solo: UnsafePointer<Int32>, values: UnsafePointer<Float>, _ count: Int,
        into leaves: UnsafeMutablePointer<SIMD8<UInt64>>
    ) {
        let words = UnsafeMutableRawPointer(leaves).assumingMemoryBound(to: UInt64.self)
        let (start, threshold, first) = (tables.start, tables.threshold, tables.first)
        let (tree, mask) = (tables.tree, tables.mask)
        for i in 0..<count {
            let f = Int(solo[i] >> 3)
            let lane = words + Int(solo[i] & 7)
            let v = values[i]
            var g = start[f]
            let end = start[f &+ 1]
            while g < end && v > threshold[g] {
                var k = first[g]
                let last = first[g &+ 1]
                while k < last {
                    lane[Int(tree[k]) &>> 3] &= mask[k]
                    k &+= 1
                }
                g &+= 1
            }
            if v.isNaN {
                var m = tables.missingStart[f]
                while m < tables.missingStart[f &+ 1] {
                    lane[Int(tables.missingTree[m]) &>> 3] &= tables.missingMask[m]
                    m &+= 1
                }
            }
        }
    }

    /// Each of the eight rows' sum of the trees' outputs, in tree order, from the leaf sets of
    /// `leafSets`: tree `t`'s leaves, left to right, are `leafValue[leafStart[t]...]`, and a row's
    /// exit leaf is the lowest in its lane. Writes `out[r]` for the lanes `0 ..< count`.
    @inlinable @inline(__always)
    public static func sums(
        _ leaves: UnsafePointer<SIMD8<UInt64>>, trees: Int, leafStart: UnsafePointer<Int>,
        leafValue: UnsafePointer<Double>, count: Int, into out: UnsafeMutablePointer<Double>
    ) {
        var sum = SIMD8<Double>(repeating: 0)
        for t in 0..<trees {
            let sets = leaves[t]
            let v = leafValue + leafStart[t]
            sum += SIMD8(
                v[sets[0].trailingZeroBitCount], v[sets[1].trailingZeroBitCount],
                v[sets[2].trailingZeroBitCount], v[sets[3].trailingZeroBitCount],
                v[sets[4].trailingZeroBitCount], v[sets[5].trailingZeroBitCount],
                v[sets[6].trailingZeroBitCount], v[sets[7].trailingZeroBitCount])
        }
        for lane in 0..<count { out[lane] = sum[lane] }
    }

    /// All ones in the lanes of `mask`, zero elsewhere.
    @inlinable @inline(__always)
    static func lanes(_ mask: SIMDMask<SIMD8<Int32>>) -> SIMD8<UInt64> {
        SIMD8<UInt64>(truncatingIfNeeded: SIMD8<Int32>(repeating: 0).replacing(with: -1, where: mask))
    }
}
