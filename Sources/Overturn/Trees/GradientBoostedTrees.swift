import Foundation

/// Histogram gradient-boosted trees for the log-loss, grown like LightGBM's: quantile bins,
/// histograms on all cores with histogram subtraction, leaf-wise growth, native categorical splits,
/// learned directions for missing values, early stopping on a validation set.
///
/// ```swift
/// let (extractor, batch) = try FeatureExtractor.fitTransform(reader, schema: .claims, requireLabel: true)
/// let model = try GradientBoostedTrees.fit(batch, extractor: extractor)
/// let p = model.probabilities(batch.matrix)
/// ```
///
/// The margin of a row is `baseScore + Σ tree leaf values`. Training with the same options and seed
/// gives the same trees on any number of threads.
public struct GradientBoostedTrees: Sendable, Equatable, Codable {
    /// What trees split on (see `TreeFeature`).
    public var features: [TreeFeature]
    /// The margin before any tree: the log-odds of the weighted training label mean.
    public var baseScore: Double
    public var trees: [Tree]
    /// How training went; nil for a model imported from another library (`ModelFile.importXGBoost`).
    public var fit: FitReport?

    /// What training did.
    public struct FitReport: Sendable, Equatable, Codable {
        public var options: Options
        /// Trees grown before stopping, and the number kept (the best on validation).
        public var iterations: Int
        public var bestIteration: Int
        public var trainingRows: Int
        public var validationRows: Int
        /// The last kept tree's log loss on the training rows (weighted).
        public var trainingLogLoss: Double
        /// Measured on the validation rows with the kept trees; nil without validation.
        public var validation: Metrics?
        /// Why training stopped.
        public var stoppedBy: String
    }

    /// Training failed before it started.
    public enum TrainingError: Error, CustomStringConvertible, Equatable {
        case noRows
        case oneClass(label: Float)
        case unlabeledRows(count: Int)
        case tooManyBins(Int)
        case validationWidth(expected: Int, got: Int)

        public var description: String {
            switch self {
            case .noRows: "no rows to train on"
            case .oneClass(let label): "every training row has outcome \(Int(label)); both outcomes are needed"
            case .unlabeledRows(let n): "\(n) rows have no outcome"
            case .tooManyBins(let n):
                "the features need \(n) bins, more than the \(BinnedRows.maxTotalBins) a model can hold; raise --min-count or lower --max-bins"
            case .validationWidth(let expected, let got):
                "the validation rows have \(got) feature columns, the training rows \(expected)"
            }
        }
    }

    // MARK: - Scoring

    /// The log-odds of every row of `matrix` (extracted by the extractor the model was trained on).
    public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        scorer().margins(matrix, threads: threads)
    }

    /// The model with its trees laid out for scoring, once: for scoring many batches (of `width`
    /// columns, when given: how they feed the trees is worked out once too).
    public func scorer(width: Int? = nil) -> Scorer { Scorer(self, width: width) }

    /// A model's trees laid out for scoring (`TreeEnsembleScorer`), and how the extractor's
    /// columns feed its tree features.
    public struct Scorer: Sendable {
        let features: [TreeFeature]
        let baseScore: Double
        let trees: TreeEnsembleScorer

        let map: TreeFeatureMap?

        init(_ model: GradientBoostedTrees, width: Int?) {
            features = model.features
            baseScore = model.baseScore
            trees = TreeEnsembleScorer(
                model.trees, width: model.features.count, absent: TreeFeatureMap.absentValues(model.features))
            map = width.map { TreeFeatureMap(features: model.features, width: $0) }
        }

        /// The log-odds of every row of `matrix`.
        public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
            let map =
                map.flatMap { $0.width == matrix.width ? $0 : nil }
                ?? TreeFeatureMap(features: features, width: matrix.width)
            let n = matrix.rowCount
            var out = [Double](repeating: 0, count: n)
            out.withUnsafeMutableBufferPointer { o in
                let o = SharedBuffer(o)
                if trees.readsSparseRows {
                    parallelBlocks(n, threads: threads, block: 8192) { range in
                        trees.sums(matrix, rows: range, map: map, into: o.base + range.lowerBound)
                        for r in range { o.base[r] += baseScore }
                    }
                    return
                }
                parallelBlocks(n, threads: threads, block: 8192) { range in
                    // A block of rows as dense tree-feature values (TreeEnsembleScorer.sums); only
                    // the values a row sets are put back to `absent` afterwards.
                    let block = TreeEnsembleScorer.block
                    let width = features.count
                    var x = [Float](repeating: 0, count: block * width)
                    for r in 0..<block { x.replaceSubrange((r * width)..<((r + 1) * width), with: map.absent) }
                    var touched = TouchedFeatures(rows: block, features: 4 * width)
                    defer { touched.deallocate() }
                    x.withUnsafeMutableBufferPointer { x in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let rows = min(block, range.upperBound - start)
                            touched.clear()
                            for r in 0..<rows {
                                map.fill(x.baseAddress! + r * width, row: start + r, of: matrix, touched: &touched)
                            }
                            trees.sums(
                                x.baseAddress!, stride: width, rows: rows, into: o.base + start, touched: touched)
                            for r in 0..<rows {
                                o.base[start + r] += baseScore
                                for f in touched.row(r) { x[r * width + Int(f)] = map.absent[Int(f)] }
                            }
                            start += rows
                        }
                    }
                }
            }
            return out
        }
    }

    /// The log-odds of `rows` rows given as tree-feature values, row after row (`features.count`
    /// values each, NaN for missing; for an imported model, the columns of the matrix it was
    /// trained on): the scorer alone, without feature extraction.
    public func margins(features x: UnsafeBufferPointer<Float>, rows: Int, threads: Int = 1) -> [Double] {
        let width = features.count
        precondition(x.count >= rows * width, "\(rows) rows of \(width) features need \(rows * width) values")
        let scorer = TreeEnsembleScorer(trees, width: width)
        var out = [Double](repeating: 0, count: rows)
        out.withUnsafeMutableBufferPointer { o in
            let o = SharedBuffer(o)
            let x = SharedBuffer(x)
            parallelBlocks(rows, threads: threads, block: 8192) { range in
                scorer.sums(
                    x.base + range.lowerBound * width, stride: width, rows: range.count, into: o.base + range.lowerBound
                )
                for r in range { o.base[r] += baseScore }
            }
        }
        return out
    }

    /// The probability of an overturn for every row.
    public func probabilities(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        margins(matrix, threads: threads).map(sigmoid)
    }

    /// Per feature, the sum of the gains of the splits on it: what the model learned most from.
    public func totalGain() -> [Double] {
        var gains = [Double](repeating: 0, count: features.count)
        for tree in trees {
            for (f, g) in zip(tree.feature, tree.gain) where f >= 0 { gains[Int(f)] += g }
        }
        return gains
    }
}
