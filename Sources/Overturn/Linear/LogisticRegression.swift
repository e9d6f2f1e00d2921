import COpenBLAS
import Foundation

/// L2-penalized logistic regression with an unpenalized intercept, written as scikit-learn writes it:
/// minimize `0.5·‖w‖² + C·Σ sᵢ·logloss(yᵢ, w·xᵢ + b)`, where `sᵢ` is the row's sample weight times
/// its class weight. Value columns are standardized inside the model (`ColumnScaling`), so weights
/// compare across columns and the optimum is scikit-learn's on the same standardized matrix.
///
/// Fitted with L-BFGS; the dense block's margins and gradients go through OpenBLAS (`dgemv`), the
/// sparse one-hot part through a CSR loop.
///
/// ```swift
/// let (extractor, batch) = try FeatureExtractor.fitTransform(reader, schema: .claims, requireLabel: true)
/// let model = try LogisticRegression.fit(batch, extractor: extractor)
/// let p = model.probabilities(batch.matrix)
/// ```
public struct LogisticRegression: Sendable, Equatable, Codable {
    /// One weight per feature column, in the standardized space of value columns.
    public var weights: [Double]
    public var intercept: Double
    /// How value columns are standardized.
    public var scaling: [ColumnScaling]
    /// The mean of every design column over the training rows: contributions are measured from it.
    public var columnMeans: [Double]
    /// How training went.
    public var fit: FitReport

    /// Options of training.
    public struct Options: Sendable, Equatable, Codable {
        /// Inverse penalty strength (scikit-learn's `C`).
        public var c: Double = 1
        /// Class weights: `nil` for none, or the weight of class 0 and class 1.
        public var classWeights: [Double]? = nil
        /// Weight classes inversely to their frequency, as scikit-learn's `class_weight="balanced"`.
        public var balanced = false
        /// Stop when the largest gradient component of the objective divided by `C·Σsᵢ` (scikit-learn's
        /// scaling) is at most this.
        public var tolerance = 1e-6
        public var maxIterations = 1000
        /// The optimizer; `auto` takes Newton when the design is narrow enough for its Hessian.
        public var solver: Solver = .auto

        public enum Solver: String, Sendable, Equatable, Codable, CaseIterable {
            case auto, lbfgs, newton
        }

        public init(
            c: Double = 1, classWeights: [Double]? = nil, balanced: Bool = false, tolerance: Double = 1e-6,
            maxIterations: Int = 1000, solver: Solver = .auto
        ) {
            self.solver = solver
            self.c = c
            self.classWeights = classWeights
            self.balanced = balanced
            self.tolerance = tolerance
            self.maxIterations = maxIterations
        }
    }

    /// What training did.
    public struct FitReport: Sendable, Equatable, Codable {
        public var options: Options
        public var iterations: Int
        public var converged: Bool
        /// The penalized objective at the solution.
        public var objective: Double
        /// The largest scaled gradient component at the solution.
        public var gradientNorm: Double
        /// Set when training stopped before converging.
        public var warning: String?
    }

    /// Training failed before it started.
    public enum TrainingError: Error, CustomStringConvertible, Equatable {
        case noRows
        case oneClass(label: Float)
        case unlabeledRows(count: Int)

        public var description: String {
            switch self {
            case .noRows: "there are no training rows"
            case .oneClass(let label):
                "every training row has label \(Int(label)): a model needs both overturned and upheld outcomes"
            case .unlabeledRows(let count): "\(count) training rows have no label"
            }
        }
    }

    /// Fits the model on a batch (every row labelled).
    ///
    /// - Parameters:
    ///   - sampleWeights: one weight per row, or `nil` for all 1.
    ///   - progress: after each iteration: (iteration, objective, scaled gradient norm).
    public static func fit(
        _ batch: FeatureBatch, extractor: FeatureExtractor, options: Options = Options(),
        sampleWeights: [Double]? = nil, progress: (Int, Double, Double) -> Void = { _, _, _ in }
    ) throws -> LogisticRegression {
        let labels = batch.labels
        guard !labels.isEmpty else { throw TrainingError.noRows }
        let unlabeled = labels.filter(\.isNaN).count
        guard unlabeled == 0 else { throw TrainingError.unlabeledRows(count: unlabeled) }
        let positives = labels.filter { $0 == 1 }.count
        guard positives > 0 && positives < labels.count else { throw TrainingError.oneClass(label: labels[0]) }

        let design = LinearDesign(batch.matrix, valueColumns: extractor.valueColumns)
        var classWeights = options.classWeights ?? [1, 1]
        if options.balanced {
            let n = Double(labels.count)
            classWeights = [n / (2 * Double(labels.count - positives)), n / (2 * Double(positives))]
        }
        let y = labels.map(Double.init)
        let s = (0..<labels.count).map { (sampleWeights?[$0] ?? 1) * classWeights[Int(labels[$0])] }
        let objective = LogisticObjective(design: design, y: y, s: s, c: options.c)

        var x = [Double](repeating: 0, count: design.width + 1)  // weights, then the intercept
        let useNewton = options.solver == .newton || (options.solver == .auto && design.width < NewtonSolver.maxWidth)
        let result: LBFGS.Result
        if useNewton {
            result = NewtonSolver(tolerance: options.tolerance, maxIterations: options.maxIterations)
                .minimize(&x, objective: objective, progress: progress)
        } else {
            let solver = LBFGS(tolerance: options.tolerance, maxIterations: options.maxIterations)
            result = solver.minimize(&x, gradientScale: options.c * s.reduce(0, +), progress: progress) {
                objective.evaluate($0, gradient: &$1)
            }
        }
        return LogisticRegression(
            weights: Array(x[0..<design.width]), intercept: x[design.width], scaling: design.scaling,
            columnMeans: design.columnMeans(),
            fit: FitReport(
                options: options, iterations: result.iterations, converged: result.converged,
                objective: result.value, gradientNorm: result.gradientNorm,
                warning: result.converged
                    ? nil
                    : "training did not converge after \(result.iterations) iterations (scaled gradient \(result.gradientNorm), tolerance \(options.tolerance)): \(result.stopReason ?? "")"
            ))
    }

    // MARK: - Scoring

    /// Per column: the factor on a stored value, and what a missing (NaN) value adds instead.
    private var scoringCoefficients: (coefficients: [Double], missing: [Double], intercept: Double) {
        var coefficients = weights
        var missing = [Double](repeating: 0, count: weights.count)
        var intercept = self.intercept
        for s in scaling {
            let w = weights[s.column]
            coefficients[s.column] = w / s.scale
            intercept -= w * s.mean / s.scale  // the value of an absent (zero) entry
            missing[s.column] = w * s.mean / s.scale  // a missing value sits at the mean instead
        }
        return (coefficients, missing, intercept)
    }

    /// The log-odds of every row of `matrix` (raw features, as the extractor gives them).
    ///
    /// - Parameter threads: rows are split into this many contiguous ranges scored in parallel; the
    ///   result does not depend on it.
    public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        let (coefficients, missing, intercept) = scoringCoefficients
        let rows = matrix.rowCount
        var out = [Double](repeating: intercept, count: rows)
        let parts = max(1, min(threads, rows / 4096))  // small batches are not worth a thread
        out.withUnsafeMutableBufferPointer { out in
            let target = SharedBuffer(out)
            matrix.rowOffsets.withUnsafeBufferPointer { offsets in
                matrix.columns.withUnsafeBufferPointer { columns in
                    matrix.values.withUnsafeBufferPointer { values in
                        let csr = (SharedBuffer(offsets), SharedBuffer(columns), SharedBuffer(values))
                        DispatchQueue.concurrentPerform(iterations: parts) { part in
                            let (offsets, columns, values) = (csr.0.base, csr.1.base, csr.2.base)
                            // A tight sparse dot per row (assumes sorted, in-range columns: FeatureMatrix's invariant).
                            for i in (rows * part / parts)..<(rows * (part + 1) / parts) {
                                var z = intercept
                                for k in offsets[i]..<offsets[i + 1] {
                                    let j = Int(columns[k])
                                    let v = values[k]
                                    z += v.isNaN ? missing[j] : coefficients[j] * Double(v)
                                }
                                target.base[i] = z
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    /// The log-odds of `rows` rows of a dense row-major Float32 matrix (`FeatureMatrix.dense()`),
    /// through OpenBLAS `sgemv`: the bandwidth-bound scoring path for dense exports.
    ///
    /// A missing value (NaN) makes `sgemv`'s result NaN; such rows are scored again one by one with
    /// the missing value at its mean, so the result equals `margins(_:)` on the same rows.
    public func margins(dense: UnsafeBufferPointer<Float>, rows: Int) -> [Double] {
        let width = weights.count
        precondition(dense.count == rows * width, "a dense matrix of rows × \(width) values")
        let (coefficients, missing, intercept) = scoringCoefficients
        let floatCoefficients = coefficients.map(Float.init)
        var z = [Float](repeating: 0, count: rows)
        if rows > 0 {
            cblas_sgemv(
                CblasRowMajor, CblasNoTrans, Int32(rows), Int32(width), 1, dense.baseAddress, Int32(width),
                floatCoefficients, 1, 0, &z, 1)
        }
        var out = [Double](repeating: 0, count: rows)
        for i in 0..<rows {
            if z[i].isNaN {
                var sum = intercept
                for j in 0..<width {
                    let v = dense[i * width + j]
                    sum += v.isNaN ? missing[j] : coefficients[j] * Double(v)
                }
                out[i] = sum
            } else {
                out[i] = intercept + Double(z[i])
            }
        }
        return out
    }

    /// The probability of an overturn for every row of `matrix`.
    public func probabilities(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        margins(matrix, threads: threads).map(sigmoid)
    }
}

@inline(__always)
func sigmoid(_ z: Double) -> Double {
    z >= 0 ? 1 / (1 + exp(-z)) : exp(z) / (1 + exp(z))
}

/// log(1 + exp(z)) without overflow.
@inline(__always)
func softplus(_ z: Double) -> Double {
    max(z, 0) + log1p(exp(-abs(z)))
}

/// The penalized logistic loss and its gradient over a design.
struct LogisticObjective {
    let design: LinearDesign
    let y: [Double]
    let s: [Double]
    let c: Double

    /// The margins of every row at `x` (weights then intercept): the dense block through BLAS, the
    /// sparse part by its rows.
    func margins(_ x: [Double]) -> [Double] {
        let n = design.rows
        let d = design.denseColumns.count
        var z = [Double](repeating: x[design.width], count: n)
        let wDense = design.denseColumns.map { x[$0] }
        if d > 0 {
            cblas_dgemv(CblasRowMajor, CblasNoTrans, Int32(n), Int32(d), 1, design.dense, Int32(d), wDense, 1, 1, &z, 1)
        }
        x.withUnsafeBufferPointer { w in
            design.rowOffsets.withUnsafeBufferPointer { offsets in
                design.columns.withUnsafeBufferPointer { columns in
                    design.values.withUnsafeBufferPointer { values in
                        for i in 0..<n {
                            for k in offsets[i]..<offsets[i + 1] { z[i] += w[Int(columns[k])] * values[k] }
                        }
                    }
                }
            }
        }
        return z
    }

    /// Value at `x` (weights then intercept); writes the gradient.
    ///
    /// Hot loop of training (one call per line-search step): raw pointers over the CSR part, one
    /// `exp` and one `log1p` per row for both the loss and the residual.
    func evaluate(_ x: [Double], gradient g: inout [Double]) -> Double {
        let n = design.rows
        let p = design.width
        let d = design.denseColumns.count
        let z = margins(x)
        // Loss softplus(z) − y·z and residual r = C·s·(σ(z) − y), sharing exp(−|z|).
        var loss = 0.0
        var r = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let e = exp(-abs(z[i]))
            loss += s[i] * (max(z[i], 0) + log1p(e) - y[i] * z[i])
            let sigma = z[i] >= 0 ? 1 / (1 + e) : e / (1 + e)
            r[i] = c * s[i] * (sigma - y[i])
        }
        var penalty = 0.0
        for j in 0..<p {
            penalty += x[j] * x[j]
            g[j] = x[j]
        }
        // Gradient: w + Xᵀr (dense block through BLAS), and Σr for the intercept.
        if d > 0 {
            var gDense = [Double](repeating: 0, count: d)
            cblas_dgemv(CblasRowMajor, CblasTrans, Int32(n), Int32(d), 1, design.dense, Int32(d), r, 1, 0, &gDense, 1)
            for (j, column) in design.denseColumns.enumerated() { g[column] += gDense[j] }
        }
        var gb = 0.0
        g.withUnsafeMutableBufferPointer { g in
            design.rowOffsets.withUnsafeBufferPointer { offsets in
                design.columns.withUnsafeBufferPointer { columns in
                    design.values.withUnsafeBufferPointer { values in
                        for i in 0..<n {
                            let ri = r[i]
                            gb += ri
                            for k in offsets[i]..<offsets[i + 1] { g[Int(columns[k])] += ri * values[k] }
                        }
                    }
                }
            }
        }
        g[p] = gb
        return 0.5 * penalty + c * loss
    }
}

extension FeatureExtractor {
    /// The value columns of number and flag features: what linear models standardize.
    public var valueColumns: [Int] {
        blocks.enumerated().compactMap { f, block in
            let kind = schema.features[f].kind
            return kind == .number || kind == .flag ? block.offset : nil
        }
    }
}
