import CIntrinsics

/// The gradient statistics of one bin, or of a set of rows: (Σ gradient, Σ hessian).
typealias GradientSums = SIMD2<Double>

/// One row's gradient and hessian, stored as Float to halve the bytes the histogram loop gathers
/// (LightGBM keeps them as float too); sums are in Double.
typealias RowGradient = SIMD2<Float>

/// Builds gradient histograms over the global bins of `BinnedRows`.
///
/// A node's rows are cut into a fixed number of chunks that depends only on how many rows there
/// are; each chunk sums into its own partial histogram and the partials are added in chunk order.
/// The sums are therefore the same on any number of threads, which keeps training reproducible.
final class HistogramBuilder: @unchecked Sendable {
    let data: BinnedRows
    let threads: Int
    /// Rows per chunk below which a node is summed in one piece.
    static let chunkRows = 2048
    static let maxChunks = 8

    /// How many chunks a node of `rows` rows is cut into (by its histogram and by its partition).
    static func chunks(rows: Int) -> Int { min(maxChunks, max(1, rows / chunkRows)) }
    private let partials: UnsafeMutablePointer<GradientSums>
    /// Binary features' (absent, present) bin pairs: the absent bin is filled by subtraction.
    private let binaryBins: [Int]
    /// Binary features that are a categorical feature's level: (their present bin, that level's bin).
    private let mirroredBins: [(Int, Int)]

    init(data: BinnedRows, features: [TreeFeature], threads: Int) {
        self.data = data
        self.threads = max(1, threads)
        partials = .allocate(capacity: Self.maxChunks * data.totalBins)
        binaryBins = features.indices.filter { features[$0].kind == .binary }.map { data.binOffset[$0] }
        mirroredBins = features.indices.compactMap { f in
            data.mirror[f].map { (data.binOffset[f] + 1, data.binOffset[$0.feature] + $0.level) }
        }
    }

    deinit { partials.deallocate() }

    /// Fills `hist` (`totalBins` long) with the sums of `rows` and returns their total.
    func build(
        rows: UnsafeBufferPointer<UInt32>, gradients: UnsafePointer<RowGradient>,
        into hist: UnsafeMutablePointer<GradientSums>
    ) -> GradientSums {
        let n = rows.count
        let chunks = Self.chunks(rows: n)
        let bins = data.totalBins
        var total = GradientSums()
        if chunks == 1 {
            total = sum(rows, gradients, into: hist)
        } else {
            var totals = [GradientSums](repeating: .zero, count: chunks)
            let partials = self.partials
            totals.withUnsafeMutableBufferPointer { totals in
                parallelParts(n, parts: chunks, threads: threads) { c, part in
                    totals[c] = sum(UnsafeBufferPointer(rebasing: rows[part]), gradients, into: partials + c * bins)
                }
            }
            hist.update(from: partials, count: bins)
            for c in 1..<chunks {
                let p = partials + c * bins
                for b in 0..<bins { hist[b] += p[b] }
            }
            for c in 0..<chunks { total += totals[c] }
        }
        for (present, level) in mirroredBins { hist[present] = hist[level] }
        for b in binaryBins { hist[b] = total - hist[b + 1] }
        return total
    }

    /// One chunk: the hot loop. Each row is its entries' global bins (see `BinnedRows`). A leaf's
    /// rows are scattered, so the loop prefetches where the row 16 ahead starts and the entries
    /// and gradient of the row 8 ahead (`Benchmarks/` Trees guards it).
    private func sum(
        _ rows: UnsafeBufferPointer<UInt32>, _ gradients: UnsafePointer<RowGradient>,
        into hist: UnsafeMutablePointer<GradientSums>
    ) -> GradientSums {
        hist.update(repeating: .zero, count: data.totalBins)
        var total = GradientSums()
        let n = rows.count
        data.rowStart.withUnsafeBufferPointer { start in
            data.entries.withUnsafeBufferPointer { entries in
                let (start, entries) = (start.baseAddress!, entries.baseAddress!)
                for i in 0..<n {
                    if i + 16 < n { overturn_prefetch(start + Int(rows[i + 16])) }
                    if i + 8 < n {
                        let ahead = Int(rows[i + 8])
                        overturn_prefetch(entries + start[ahead])
                        overturn_prefetch(gradients + ahead)
                    }
                    let row = Int(rows[i])
                    let g = GradientSums(gradients[row])
                    total += g
                    var k = start[row]
                    let end = start[row + 1]
                    while k < end {
                        hist[Int(entries[k])] += g
                        k += 1
                    }
                }
            }
        }
        return total
    }
}
