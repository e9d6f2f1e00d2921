import COpenBLAS
import Foundation

/// Newton's method (iteratively reweighted least squares) for penalized logistic regression, for
/// designs narrow enough that the Hessian fits in memory: a handful of iterations, each assembling
/// `H = P + C·Xᵀ·D·X` (P the penalty: 1 on the weights, 0 on the intercept) and solving `H·Δ = −g`
/// with LAPACK's Cholesky `dposv`. The dense block's part of H is one `dsyrk`; the sparse part is
/// summed from each row's few entries.
///
/// Both run on one OpenBLAS thread: OpenBLAS splits `dsyrk` and the Cholesky factorization
/// differently for different thread counts, and the rounding with them, and a model must not depend
/// on the machine's cores. They cost little here (the dense block is the few number and flag
/// columns; the factorization is of at most 3,001 × 3,001), so nothing is lost.
struct NewtonSolver {
    var tolerance: Double
    var maxIterations: Int

    /// The widest design Newton takes: its Hessian is (width + 1)² doubles.
    static let maxWidth = 3_000

    /// Minimizes the objective from `x` (weights, then the intercept).
    func minimize(
        _ x: inout [Double], objective: LogisticObjective, progress: (Int, Double, Double) -> Void
    ) -> LBFGS.Result {
        let threads = BLASThreads.count
        BLASThreads.set(1)
        defer { BLASThreads.set(threads) }
        let design = objective.design
        let n = design.rows
        let p = design.width
        let m = p + 1
        let d = design.denseColumns.count
        let scale = objective.c * objective.s.reduce(0, +)
        var g = [Double](repeating: 0, count: m)
        var f = objective.evaluate(x, gradient: &g)
        var hessian = [Double](repeating: 0, count: m * m)  // column-major, lower triangle used
        var scaledDense = [Double](repeating: 0, count: n * d)
        var newX = x
        var newG = g
        func norm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } / scale }

        for iteration in 1...max(1, maxIterations) {
            let gnorm = norm(g)
            if gnorm <= tolerance {
                return LBFGS.Result(value: f, iterations: iteration - 1, gradientNorm: gnorm, converged: true)
            }
            // Row weights C·sᵢ·σᵢ(1 − σᵢ) at the current point.
            let z = objective.margins(x)
            let weights = (0..<n).map { i -> Double in
                let sigma = sigmoid(z[i])
                return objective.c * objective.s[i] * sigma * (1 - sigma)
            }
            // H = P + Xᵀ·D·X over the columns [dense block, sparse columns, intercept].
            for k in 0..<(m * m) { hessian[k] = 0 }
            for j in 0..<p { hessian[j * m + j] = 1 }
            if d > 0 {
                for i in 0..<n {
                    let root = weights[i].squareRoot()
                    for j in 0..<d { scaledDense[i * d + j] = root * design.dense[i * d + j] }
                }
                var block = [Double](repeating: 0, count: d * d)
                // The row-major n × d buffer is the column-major d × n matrix B = (√D·X)ᵀ: B·Bᵀ.
                cblas_dsyrk(
                    CblasColMajor, CblasLower, CblasNoTrans, Int32(d), Int32(n), 1, scaledDense, Int32(d), 0, &block,
                    Int32(d))
                for a in 0..<d {
                    for b in 0...a {  // column-major lower triangle: (a, b) at b·d + a
                        let (ca, cb) = (design.denseColumns[a], design.denseColumns[b])
                        let (row, column) = ca >= cb ? (ca, cb) : (cb, ca)
                        hessian[column * m + row] += block[b * d + a]
                    }
                }
            }
            hessian.withUnsafeMutableBufferPointer { h in
                var entries: [(Int, Double)] = []
                for i in 0..<n {
                    let w = weights[i]
                    entries.removeAll(keepingCapacity: true)
                    for k in design.rowOffsets[i]..<design.rowOffsets[i + 1] {
                        entries.append((Int(design.columns[k]), design.values[k]))
                    }
                    let sparseCount = entries.count
                    for j in 0..<d { entries.append((design.denseColumns[j], design.dense[i * d + j])) }
                    entries.append((p, 1))
                    // Every pair of the row's entries but dense × dense (that came from dsyrk).
                    let denseEnd = sparseCount + d
                    for a in 0..<entries.count {
                        let (ca, va) = entries[a]
                        for b in 0...a {
                            if a >= sparseCount && a < denseEnd && b >= sparseCount { continue }
                            let (cb, vb) = entries[b]
                            let (row, column) = ca >= cb ? (ca, cb) : (cb, ca)
                            h[column * m + row] += w * va * vb
                        }
                    }
                }
            }
            // Solve H·Δ = −g (Cholesky); a tiny ridge if H is numerically singular.
            var step = g.map { -$0 }
            var factor = hessian
            var info = overturn_dposv_lower(Int32(m), 1, &factor, Int32(m), &step, Int32(m))
            if info != 0 {
                factor = hessian
                for j in 0..<m { factor[j * m + j] += 1e-8 }
                step = g.map { -$0 }
                info = overturn_dposv_lower(Int32(m), 1, &factor, Int32(m), &step, Int32(m))
                if info != 0 {
                    return LBFGS.Result(
                        value: f, iterations: iteration, gradientNorm: gnorm, converged: false,
                        stopReason: "the Hessian is not positive definite (LAPACK dposv info \(info))")
                }
            }
            // Damped step: halve until the objective decreases enough.
            let slope = zip(g, step).reduce(0) { $0 + $1.0 * $1.1 }
            var t = 1.0
            var accepted = false
            var newF = f
            for _ in 0..<40 {
                for j in 0..<m { newX[j] = x[j] + t * step[j] }
                newF = objective.evaluate(newX, gradient: &newG)
                if newF.isFinite && newF <= f + 1e-4 * t * slope {
                    accepted = true
                    break
                }
                t *= 0.5
            }
            if !accepted {
                return LBFGS.Result(
                    value: f, iterations: iteration, gradientNorm: gnorm, converged: false,
                    stopReason: "the line search found no decrease (the objective is flat to machine precision)")
            }
            swap(&x, &newX)
            swap(&g, &newG)
            f = newF
            progress(iteration, f, norm(g))
        }
        let gnorm = norm(g)
        return LBFGS.Result(
            value: f, iterations: maxIterations, gradientNorm: gnorm, converged: gnorm <= tolerance,
            stopReason: gnorm <= tolerance ? nil : "reached the iteration cap of \(maxIterations)")
    }
}
