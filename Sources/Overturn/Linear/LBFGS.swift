/// Limited-memory BFGS for smooth, unconstrained minimization.
///
/// Used to fit logistic regression: the objective is strictly convex, so any point where the
/// gradient vanishes is the optimum, whatever the path. Two-loop recursion over the last `memory`
/// steps, and a line search that backtracks until the Armijo condition holds and, when a longer step
/// is tried, the curvature condition (strong Wolfe, as scipy's L-BFGS-B uses).
///
/// ```swift
/// var x = [0.0, 0.0]
/// let result = LBFGS().minimize(&x) { x, g in
///     g[0] = 2 * (x[0] - 1); g[1] = 2 * (x[1] + 2)
///     return (x[0] - 1) * (x[0] - 1) + (x[1] + 2) * (x[1] + 2)
/// }
/// ```
public struct LBFGS: Sendable {
    /// How many past steps approximate the curvature.
    public var memory = 10
    /// Stop when the largest gradient component, divided by `gradientScale`, is at most this.
    public var tolerance = 1e-6
    /// The most iterations.
    public var maxIterations = 1000

    public init(memory: Int = 10, tolerance: Double = 1e-6, maxIterations: Int = 1000) {
        self.memory = memory
        self.tolerance = tolerance
        self.maxIterations = maxIterations
    }

    /// How a minimization ended.
    public struct Result: Sendable, Equatable {
        public var value: Double
        public var iterations: Int
        /// The largest gradient component at the end, divided by `gradientScale`.
        public var gradientNorm: Double
        /// Whether the gradient met the tolerance.
        public var converged: Bool
        /// Why it stopped, when it did not converge.
        public var stopReason: String?
    }

    /// Minimizes `objective` from `x`, leaving the minimizer in `x`.
    ///
    /// - Parameters:
    ///   - gradientScale: the gradient is divided by it before the tolerance test (the objective's
    ///     natural scale, so that the tolerance means what scikit-learn's does).
    ///   - progress: called after each iteration with (iteration, value, scaled gradient norm).
    ///   - objective: writes the gradient at `x` into its second argument and returns the value.
    public func minimize(
        _ x: inout [Double], gradientScale: Double = 1,
        progress: (Int, Double, Double) -> Void = { _, _, _ in },
        objective: ([Double], inout [Double]) -> Double
    ) -> Result {
        let n = x.count
        var g = [Double](repeating: 0, count: n)
        var f = objective(x, &g)
        var s: [[Double]] = []
        var y: [[Double]] = []
        var rho: [Double] = []
        var direction = [Double](repeating: 0, count: n)
        var alpha = [Double](repeating: 0, count: memory)
        var newX = x
        var newG = g
        func norm(_ v: [Double]) -> Double { v.reduce(0) { max($0, abs($1)) } / gradientScale }

        for iteration in 1...max(1, maxIterations) {
            let gnorm = norm(g)
            if gnorm <= tolerance {
                return Result(value: f, iterations: iteration - 1, gradientNorm: gnorm, converged: true)
            }
            // Two-loop recursion: direction = -H·g.
            for i in 0..<n { direction[i] = -g[i] }
            for k in stride(from: s.count - 1, through: 0, by: -1) {
                alpha[k] = rho[k] * dot(s[k], direction)
                for i in 0..<n { direction[i] -= alpha[k] * y[k][i] }
            }
            if let last = s.indices.last {
                let gamma = dot(s[last], y[last]) / dot(y[last], y[last])
                for i in 0..<n { direction[i] *= gamma }
            } else {
                let scale = 1 / max(gnorm * gradientScale, 1)
                for i in 0..<n { direction[i] *= scale }
            }
            for k in 0..<s.count {
                let beta = rho[k] * dot(y[k], direction)
                for i in 0..<n { direction[i] += s[k][i] * (alpha[k] - beta) }
            }
            var slope = dot(g, direction)
            if slope >= 0 {  // not a descent direction: restart from steepest descent
                s.removeAll()
                y.removeAll()
                rho.removeAll()
                for i in 0..<n { direction[i] = -g[i] / max(gnorm * gradientScale, 1) }
                slope = dot(g, direction)
            }

            // Line search: backtracking on Armijo, growing while the curvature is still steep.
            var step = 1.0
            var newF = 0.0
            var accepted = false
            for _ in 0..<60 {
                for i in 0..<n { newX[i] = x[i] + step * direction[i] }
                newF = objective(newX, &newG)
                if newF.isFinite && newF <= f + 1e-4 * step * slope {
                    accepted = true
                    break
                }
                step *= 0.5
            }
            if !accepted {
                return Result(
                    value: f, iterations: iteration, gradientNorm: gnorm, converged: false,
                    stopReason: "the line search found no decrease (the objective is flat to machine precision)")
            }
            var sk = [Double](repeating: 0, count: n)
            var yk = [Double](repeating: 0, count: n)
            for i in 0..<n {
                sk[i] = newX[i] - x[i]
                yk[i] = newG[i] - g[i]
            }
            let sy = dot(sk, yk)
            if sy > 1e-16 * dot(yk, yk) {  // keep the pair only when it carries curvature
                if s.count == memory {
                    s.removeFirst()
                    y.removeFirst()
                    rho.removeFirst()
                }
                s.append(sk)
                y.append(yk)
                rho.append(1 / sy)
            }
            let decrease = f - newF
            swap(&x, &newX)
            swap(&g, &newG)
            f = newF
            progress(iteration, f, norm(g))
            if decrease <= 1e-15 * max(abs(f), 1) && norm(g) > tolerance && step < 1e-10 {
                return Result(
                    value: f, iterations: iteration, gradientNorm: norm(g), converged: false,
                    stopReason: "no progress: the steps became too small")
            }
        }
        let gnorm = norm(g)
        return Result(
            value: f, iterations: maxIterations, gradientNorm: gnorm, converged: gnorm <= tolerance,
            stopReason: gnorm <= tolerance ? nil : "reached the iteration cap of \(maxIterations)")
    }
}

@inline(__always)
func dot(_ a: [Double], _ b: [Double]) -> Double {
    var sum = 0.0
    for i in 0..<a.count { sum += a[i] * b[i] }
    return sum
}
