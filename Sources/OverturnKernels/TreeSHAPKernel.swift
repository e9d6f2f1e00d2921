/// TreeSHAP's inner loop when contributions go to at most 16 columns (an explanation's input
/// columns): each row sums the 16-number table rows its directions pick in a tree's groups, two
/// vector additions each with AVX-512 (four with AVX2), and adds the sum to its contributions.
/// Compiled here for any processor and again in `OverturnKernelsAVX2` and `OverturnKernelsAVX512`;
/// the tables are made by `TreeSHAP` in the Overturn module.
///
/// `@inlinable`: after editing, build from clean (see `QuickScorerKernel`).
public enum TreeSHAPKernel {
    /// Numbers per table row and per row of contributions.
    public static let width = 16

    /// A block's directions at numeric splits: for each split `s = splits[i]`, `left[s·block + r]`
    /// = 1 when row `r` goes left there (its value `columns[feature[s]·block + r]` at most
    /// `threshold[s]`, or missing and `defaultLeft[s]`), 0 when it goes right.
    @inlinable @inline(__always)
    public static func directions(
        block: Int, columns: UnsafePointer<Float>, splits: UnsafePointer<Int32>, count: Int,
        feature: UnsafePointer<Int32>, threshold: UnsafePointer<Float>, defaultLeft: UnsafePointer<UInt8>,
        left: UnsafeMutablePointer<UInt8>
    ) {
        for i in 0..<count {
            let s = Int(splits[i])
            let values = columns + Int(feature[s]) &* block
            let out = left + s &* block
            let t = threshold[s]
            let missing = defaultLeft[s]
            for r in 0..<block {
                let v = values[r]
                out[r] = (v <= t ? 1 : 0) | (v != v ? missing : 0)
            }
        }
    }

    /// A block's row indices in a tree's groups, from the directions in `left`: `index[g·block + r]`
    /// = `flip[g]` XOR Σ_b `left[nodes[nodeStart[g] + b]·block + r]` << b for each group `g`.
    @inlinable @inline(__always)
    public static func indices(
        block: Int, left: UnsafePointer<UInt8>, groups: Int, nodeStart: UnsafePointer<Int>, nodes: UnsafePointer<Int32>,
        flip: UnsafePointer<UInt8>, index: UnsafeMutablePointer<UInt8>
    ) {
        for g in 0..<groups {
            let index = index + g &* block
            let f = flip[g]
            for r in 0..<block { index[r] = f }
            var b: UInt8 = 0
            for s in nodeStart[g]..<nodeStart[g &+ 1] {
                let l = left + Int(nodes[s]) &* block
                for r in 0..<block { index[r] ^= l[r] &<< b }
                b &+= 1
            }
        }
    }

    /// For `r` in `0..<rows`: `phi[16r ..< 16r + 16] += Σ_g tables[g][16·i ..< 16·i + 16]` with
    /// `i = index[g·indexStride + r]`: a tree's groups summed in registers, then added once.
    @inlinable @inline(__always)
    public static func addRows(
        _ tables: UnsafePointer<UnsafePointer<Double>>, groups: Int, index: UnsafePointer<UInt8>, indexStride: Int,
        rows: Int, into phi: UnsafeMutablePointer<Double>
    ) {
        let phi = UnsafeMutableRawPointer(phi)
        @inline(__always) func row(_ g: Int, _ r: Int) -> SIMD16<Double> {
            let i = Int(index[g &* indexStride &+ r])
            return UnsafeRawPointer(tables[g]).loadUnaligned(fromByteOffset: i &* 128, as: SIMD16<Double>.self)
        }
        for r in 0..<rows {
            // Two sums, so that additions do not wait on one another (a table row comes from L2).
            var even = phi.loadUnaligned(fromByteOffset: r &* 128, as: SIMD16<Double>.self)
            var odd = SIMD16<Double>(repeating: 0)
            var g = 0
            while g &+ 1 < groups {
                even += row(g, r)
                odd += row(g &+ 1, r)
                g &+= 2
            }
            if g < groups { even += row(g, r) }
            phi.storeBytes(of: even + odd, toByteOffset: r &* 128, as: SIMD16<Double>.self)
        }
    }
}
