import Dispatch
import Foundation

extension GradientBoostedTrees {
    /// Options of training; the defaults are LightGBM's where the configuration does not
    /// say otherwise (200 trees of at most 63 leaves and depth 6, learning rate 0.1, 255 bins).
    public struct Options: Sendable, Equatable, Codable {
        public enum Growth: String, Sendable, Equatable, Codable, CaseIterable {
            /// Split the leaf that gains most next (LightGBM).
            case leafWise = "leaf-wise"
            /// Split the shallowest leaf next (XGBoost's depth-wise).
            case depthWise = "depth-wise"
        }

        public var trees = 200
        public var learningRate = 0.1
        public var maxLeaves = 63
        /// 0 for no limit.
        public var maxDepth = 6
        public var growth = Growth.leafWise
        /// Value bins per numeric feature (a missing bin comes on top).
        public var maxBins = 255
        /// Rows whose values place the numeric bins.
        public var binSampleRows = 200_000
        /// λ: the L2 penalty on leaf values.
        public var l2 = 1.0
        /// The least hessian sum a leaf may hold.
        public var minChildWeight = 1e-3
        /// The fewest rows a leaf may hold.
        public var minSamplesLeaf = 20
        /// A split must gain more than this.
        public var minSplitGain = 0.0
        /// The share of rows each tree sees (drawn anew per tree).
        public var rowSubsample = 1.0
        /// The share of features each tree may split on (drawn anew per tree).
        public var columnSubsample = 1.0
        /// The share of training rows held out to measure and stop on, when no validation set is given.
        public var validationFraction = 0.1
        /// Stop when the validation log loss has not improved for this many trees; 0 never stops early.
        public var earlyStoppingRounds = 20
        /// Class weights: nil for none, or the weight of class 0 and class 1.
        public var classWeights: [Double]? = nil
        /// Weight classes inversely to their frequency.
        public var balanced = false
        public var seed: UInt64 = 0
        /// Categorical features with at most this many levels split one level against the rest.
        public var maxCategoriesOneHot = 4
        /// Added to the hessian sum when ordering levels by gradient statistics.
        public var categorySmoothing = 10.0
        /// Extra L2 penalty in the gain of a categorical split (against overfitting many levels).
        public var categoryL2 = 10.0
        /// The most levels a categorical split sends left.
        public var maxCategoryThreshold = 32
        /// Levels with fewer rows in a leaf are not ordered and go right.
        public var minRowsPerCategory = 100
        /// How category columns are split: natively (levels ordered by gradient statistics) or as
        /// one binary feature per level, the way one-hot input reaches other libraries.
        public var categories = CategorySplits.both

        public enum CategorySplits: String, Sendable, Equatable, Codable, CaseIterable {
            case native
            case oneHot = "one-hot"
            /// Both: one binary feature per level and one categorical feature; each split takes the
            /// better of a single level and a group of levels.
            case both
            /// CatBoost's ordered target statistics (`TargetStatistics`).
            case targetStatistics = "target-statistics"
        }

        public init() {}
    }

    /// One line of training progress.
    public struct Progress: Sendable {
        public var iteration: Int
        public var trees: Int
        /// Measured after the first tree, every 10th and the last (nil otherwise): it costs a pass.
        public var trainingLogLoss: Double?
        public var validationLogLoss: Double?
    }

    /// Trains on `batch`, with tree features read from the extractor that made it.
    ///
    /// Without `validation`, `options.validationFraction` of the rows (drawn with the seed) are held
    /// out for early stopping and for the metrics in `fit.validation`.
    public static func fit(
        _ batch: FeatureBatch, extractor: FeatureExtractor, options: Options = Options(),
        sampleWeights: [Double]? = nil, validation: FeatureBatch? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Progress) -> Void = { _ in }
    ) throws -> GradientBoostedTrees {
        try fit(
            batch.matrix, labels: batch.labels,
            features: TreeFeature.features(of: extractor, categories: options.categories),
            options: options,
            sampleWeights: sampleWeights, validation: validation.map { ($0.matrix, $0.labels) }, threads: threads,
            progress: progress)
    }

    /// Trains on the rows of `matrix` with outcomes `labels` (1 or 0).
    public static func fit(
        _ matrix: FeatureMatrix, labels: [Float], features: [TreeFeature], options: Options = Options(),
        sampleWeights: [Double]? = nil, validation: (matrix: FeatureMatrix, labels: [Float])? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Progress) -> Void = { _ in }
    ) throws -> GradientBoostedTrees {
        let n = matrix.rowCount
        guard n > 0 else { throw TrainingError.noRows }
        let unlabeled = labels.count { $0 != 0 && $0 != 1 }
        guard unlabeled == 0 else { throw TrainingError.unlabeledRows(count: unlabeled) }
        if let v = validation, v.matrix.width != matrix.width {
            throw TrainingError.validationWidth(expected: matrix.width, got: v.matrix.width)
        }

        // Training and validation rows.
        var random = RandomSource(seed: options.seed, stream: 1)
        var trainRows = Array(0..<n)
        var heldOut: [Int] = []
        if validation == nil && options.validationFraction > 0 && n >= 2 {
            let k = min(n - 1, Int((Double(n) * options.validationFraction).rounded()))
            for i in 0..<k {
                let j = i + random.int(n - i)
                trainRows.swapAt(i, j)
            }
            heldOut = trainRows[0..<k].sorted()
            trainRows = trainRows[k...].sorted()
        }
        let trainLabels = trainRows.map { labels[$0] }
        guard let first = trainLabels.first, trainLabels.contains(where: { $0 != first }) else {
            throw TrainingError.oneClass(label: trainLabels.first ?? 0)
        }

        // Categories as ordered target statistics, when asked.
        var features = features
        var overrides: [Int: [Float]] = [:]
        if options.categories == .targetStatistics {
            var ordering = RandomSource(seed: options.seed, stream: 3)
            (features, overrides) = TargetStatistics.encode(
                matrix, rows: trainRows, labels: labels, features: features, random: &ordering)
        }

        // Bins from a sample, then the rows as bins.
        var sample = trainRows
        if sample.count > options.binSampleRows {
            for i in 0..<options.binSampleRows { sample.swapAt(i, i + random.int(sample.count - i)) }
            sample = sample[0..<options.binSampleRows].sorted()
        }
        let bins = FeatureBins.fit(
            matrix, sampleRows: sample, features: features, maxBins: options.maxBins, overrides: overrides)
        let totalBins = bins.reduce(0) { $0 + $1.count }
        guard totalBins <= BinnedRows.maxTotalBins else { throw TrainingError.tooManyBins(totalBins) }
        let train = BinnedRows(
            matrix, rows: trainRows, features: features, bins: bins, overrides: overrides, threads: threads)
        let (valid, validLabels): (BinnedRows?, [Float]) =
            if let v = validation {
                (BinnedRows(v.matrix, features: features, bins: bins, threads: threads), v.labels)
            } else if !heldOut.isEmpty {
                (
                    BinnedRows(matrix, rows: heldOut, features: features, bins: bins, threads: threads),
                    heldOut.map { labels[$0] }
                )
            } else {
                (nil, [])
            }

        // Row weights: sample weight times class weight.
        var weights = trainRows.map { sampleWeights?[$0] ?? 1 }
        let classWeights = Self.classWeights(options, labels: trainLabels, weights: weights)
        for i in weights.indices { weights[i] *= classWeights[Int(trainLabels[i])] }
        var positive = 0.0
        var negative = 0.0
        for (y, w) in zip(trainLabels, weights) { if y == 1 { positive += w } else { negative += w } }
        let baseScore = log(positive / negative)

        var model = GradientBoostedTrees(features: features, baseScore: baseScore, trees: [], fit: nil)
        var report = FitReport(
            options: options, iterations: 0, bestIteration: 0, trainingRows: train.rowCount,
            validationRows: valid?.rowCount ?? 0, trainingLogLoss: .nan, validation: nil, stoppedBy: "")
        var boosting = Boosting(
            train: train, labels: trainLabels, weights: weights, features: features, options: options,
            baseScore: baseScore, threads: threads)
        var validMargins = [Double](repeating: baseScore, count: valid?.rowCount ?? 0)
        var best = (loss: Double.infinity, trees: 0)
        var bestMargins: [Double] = []  // the training margins of the best validated iteration
        var stoppedBy = "reached the limit of \(options.trees) trees"
        for iteration in 1...max(1, options.trees) {
            let grown = boosting.step(iteration: iteration)
            model.trees.append(grown.tree)
            var validLoss: Double?
            if let valid {
                validMargins.withUnsafeMutableBufferPointer { m in
                    parallelChunks(valid.rowCount, threads: threads) { range in
                        for r in range { m[r] += grown.tree.value[grown.leaf(row: r, in: valid)] }
                    }
                }
                validLoss = logLoss(validMargins, validLabels)
            }
            // The training loss costs a pass of logarithms: measured every 10th tree and the last.
            let measure = iteration == 1 || iteration % 10 == 0 || iteration == options.trees
            progress(
                Progress(
                    iteration: iteration, trees: options.trees,
                    trainingLogLoss: measure ? boosting.trainingLogLoss : nil, validationLogLoss: validLoss))
            if let validLoss, validLoss < best.loss {
                best = (validLoss, iteration)
                bestMargins = boosting.margins
            }
            if valid != nil && options.earlyStoppingRounds > 0 && iteration - best.trees >= options.earlyStoppingRounds
            {
                stoppedBy =
                    "early stopping: validation log loss has not improved for \(options.earlyStoppingRounds) trees"
                break
            }
            // Nothing left to split (as LightGBM stops): every later tree would be this single leaf
            // again, unless subsampling draws other rows or features.
            if grown.tree.nodeCount == 1 && options.rowSubsample == 1 && options.columnSubsample == 1 {
                stoppedBy = "no split gains anything: tree \(iteration) is a single leaf"
                break
            }
        }
        report.iterations = model.trees.count
        if valid != nil {
            model.trees.removeLast(model.trees.count - best.trees)
            report.bestIteration = best.trees
            report.trainingLogLoss = weightedLogLoss(bestMargins, trainLabels, weights, threads: threads)
        } else {
            report.bestIteration = model.trees.count
            report.trainingLogLoss = boosting.trainingLogLoss
        }
        report.stoppedBy = stoppedBy
        if let v = validation {
            report.validation = Metrics(
                labels: v.labels, probabilities: model.probabilities(v.matrix, threads: threads))
        } else if !heldOut.isEmpty {
            let held = FeatureMatrix(rows: heldOut, of: matrix)
            report.validation = Metrics(
                labels: validLabels, probabilities: model.probabilities(held, threads: threads))
        }
        model.fit = report
        return model
    }

    static func classWeights(_ options: Options, labels: [Float], weights: [Double]) -> [Double] {
        if let w = options.classWeights { return w }
        guard options.balanced else { return [1, 1] }
        var sums = [0.0, 0.0]
        for (y, w) in zip(labels, weights) { sums[Int(y)] += w }
        let total = sums[0] + sums[1]
        return sums.map { $0 > 0 ? total / (2 * $0) : 1 }
    }
}

/// The weighted mean log loss of margins against labels, summed in 16 fixed parts so that it is the
/// same on any number of threads.
func weightedLogLoss(_ margins: [Double], _ labels: [Float], _ weights: [Double], threads: Int) -> Double {
    let parts = 16
    let n = margins.count
    var sums = [SIMD2<Double>](repeating: .zero, count: parts)
    sums.withUnsafeMutableBufferPointer { sums in
        parallelParts(n, parts: parts, threads: threads) { part, rows in
            var s = SIMD2<Double>()
            for i in rows { s += SIMD2(weights[i] * softplus(labels[i] == 1 ? -margins[i] : margins[i]), weights[i]) }
            sums[part] = s
        }
    }
    let total = sums.reduce(SIMD2<Double>(), +)
    return total[0] / total[1]
}

/// Mean log loss of margins against labels.
func logLoss(_ margins: [Double], _ labels: [Float]) -> Double {
    var sum = 0.0
    for (m, y) in zip(margins, labels) { sum += softplus(y == 1 ? -m : m) }
    return sum / Double(max(1, margins.count))
}

/// The state of boosting between trees: margins, gradients, the grower.
struct Boosting {
    let train: BinnedRows
    let labels: [Float]
    let weights: [Double]
    let features: [TreeFeature]
    let options: GradientBoostedTrees.Options
    let threads: Int
    let grower: TreeGrower
    var margins: [Double]
    var gradients: [RowGradient]
    var random: RandomSource

    init(
        train: BinnedRows, labels: [Float], weights: [Double], features: [TreeFeature],
        options: GradientBoostedTrees.Options, baseScore: Double, threads: Int
    ) {
        self.train = train
        self.labels = labels
        self.weights = weights
        self.features = features
        self.options = options
        self.threads = threads
        grower = TreeGrower(data: train, features: features, options: options, threads: threads)
        margins = [Double](repeating: baseScore, count: train.rowCount)
        gradients = [RowGradient](repeating: .zero, count: train.rowCount)
        random = RandomSource(seed: options.seed, stream: 2)
        refresh()
    }

    /// Grows the next tree on the current gradients, adds it to the margins and refreshes the
    /// gradients and the loss.
    mutating func step(iteration: Int) -> TreeGrower.Grown {
        let n = train.rowCount
        // Rows for this tree (all, or a seeded draw) and features it may use.
        var count = 0
        var sampled = options.rowSubsample < 1
        for i in 0..<n where !sampled || random.chance(options.rowSubsample) {
            grower.order[count] = UInt32(i)
            count += 1
        }
        if count == 0 {
            for i in 0..<n { grower.order[i] = UInt32(i) }
            count = n
            sampled = false
        }
        var usable = [Bool](repeating: true, count: features.count)
        if options.columnSubsample < 1 {
            let keep = max(1, Int((Double(features.count) * options.columnSubsample).rounded()))
            var ids = Array(features.indices)
            for i in 0..<keep { ids.swapAt(i, i + random.int(ids.count - i)) }
            usable = [Bool](repeating: false, count: features.count)
            for f in ids[0..<keep] { usable[f] = true }
        }
        let grown = gradients.withUnsafeBufferPointer { g in
            grower.grow(count: count, gradients: g.baseAddress!, usable: usable)
        }
        // New margins: the grown rows by leaf range, the rest (when sampled) by walking the tree.
        let order = grower.order
        margins.withUnsafeMutableBufferPointer { m in
            if sampled {
                let train = self.train
                parallelChunks(n, threads: threads) { range in
                    for r in range { m[r] += grown.tree.value[grown.leaf(row: r, in: train)] }
                }
            } else {
                // Leaves hold disjoint rows: they are updated in parallel.
                let leaves = grown.leaves
                let workers = min(threads, leaves.count)
                parallelFor(workers) { w in
                    for leaf in stride(from: w, to: leaves.count, by: workers).map({ leaves[$0] }) {
                        let v = grown.tree.value[leaf.node]
                        for k in leaf.begin..<leaf.end { m[Int(order[k])] += v }
                    }
                }
            }
        }
        refresh()
        return grown
    }

    /// The log loss's gradient and hessian at every row's margin: `p = σ(m)`, `g = w·(p − y)`,
    /// `h = w·p·(1 − p)`.
    private mutating func refresh() {
        let n = margins.count
        margins.withUnsafeBufferPointer { m in
            labels.withUnsafeBufferPointer { y in
                weights.withUnsafeBufferPointer { w in
                    gradients.withUnsafeMutableBufferPointer { g in
                        parallelChunks(n, threads: threads) { range in
                            for i in range {
                                // In Float, as the gradients are kept: expf is several times cheaper.
                                let p = 1 / (1 + exp(-Float(m[i])))
                                let weight = Float(w[i])
                                g[i] = RowGradient(weight * (p - y[i]), weight * max(p * (1 - p), 1e-16))
                            }
                        }
                    }
                }
            }
        }
    }

    /// The weighted mean log loss of the current margins.
    var trainingLogLoss: Double { weightedLogLoss(margins, labels, weights, threads: threads) }

}
