import Foundation

/// Why a model scored rows as it did: the margin expected before anything is known about a row
/// (`base`), and how much each of the model's features, and so each input column, moved the row's
/// margin from there, in log-odds. Trees: exact TreeSHAP (`TreeSHAP`); logistic regression: exact
/// linear contributions `wⱼ·(x̃ⱼ − meanⱼ)`. Either way `base` plus a row's contributions is its
/// margin.
///
/// ```swift
/// let explainer = try Explainer(ModelFile.load(path: "Models/claims-trees.json"))
/// let batch = try explainer.extractor.transform(CSVReader(path: "denials.csv"))
/// for explanation in explainer.explain(batch.matrix) {
///     print(explanation.probability, explanation.reasons().first!)
/// }
/// ```
public struct Explainer: Sendable {
    public let extractor: FeatureExtractor
    /// What contributions are measured over: the tree features, or the extractor's columns.
    public let featureNames: [String]
    /// For every feature, the input (schema feature) it belongs to: the unit of a reason.
    public let featureInput: [Int]
    /// The margin before anything is known about a row.
    public let base: Double
    /// The model file's calibrator: how margins read as probabilities.
    public let calibrator: Calibrator?
    /// What the explainer was made for: contributions per input column (`explain`), or per model
    /// feature as well (`contributions`).
    public let grouping: Grouping
    let model: Model
    /// The words of reasons that do not depend on the row.
    let reasonWords: ReasonWords

    public enum Grouping: String, Sendable, CaseIterable {
        case input, feature
    }

    enum Model: Sendable {
        case trees(GradientBoostedTrees.Explainer)
        case logistic(LogisticRegression)
    }

    /// - Parameters:
    ///   - grouping: `.input` when only `explain` is needed: tree models then sum features into input
    ///     columns as they go, which is faster.
    ///   - threads: how many threads build a tree model's TreeSHAP tables.
    public init(
        _ file: ModelFile, grouping: Grouping = .input, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) {
        extractor = file.extractor
        calibrator = file.calibrator
        self.grouping = grouping
        reasonWords = ReasonWords(file.extractor)
        switch file.model {
        case .trees(let trees):
            featureNames = trees.features.map(\.name)
            featureInput = trees.features.map { file.extractor.columnFeature[$0.column] }
            let explainer =
                grouping == .input
                ? trees.explainer(output: featureInput, outputs: file.extractor.schema.features.count, threads: threads)
                : trees.explainer(threads: threads)
            model = .trees(explainer)
            base = explainer.base
        case .logistic(let logistic):
            model = .logistic(logistic)
            featureNames = file.extractor.columnNames
            featureInput = file.extractor.columnFeature
            base = logistic.contributionBase
        }
    }

    /// The input columns, in schema order.
    public var inputNames: [String] { extractor.schema.features.map(\.column) }

    /// Row `r`'s contribution of feature `f` at `[r * featureNames.count + f]`, for the rows `rows`
    /// of `matrix` (extracted by `extractor`). Needs an explainer made with grouping `.feature`.
    public func contributions(_ matrix: FeatureMatrix, rows: Range<Int>? = nil, threads: Int = 1) -> [Double] {
        precondition(grouping == .feature, "contributions per feature need Explainer(file, grouping: .feature)")
        return modelContributions(matrix, rows: rows, threads: threads)
    }

    /// The model's own contributions: per feature, or per input for trees made for `.input`.
    private func modelContributions(_ matrix: FeatureMatrix, rows: Range<Int>?, threads: Int) -> [Double] {
        switch model {
        case .trees(let explainer): explainer.contributions(matrix, rows: rows, threads: threads)
        case .logistic(let logistic): logistic.contributions(matrix, rows: rows)
        }
    }

    /// The explanations of the rows `rows` of `matrix`, contributions summed per input column.
    public func explain(_ matrix: FeatureMatrix, rows: Range<Int>? = nil, threads: Int = 1) -> [Explanation] {
        let rows = rows ?? 0..<matrix.rowCount
        let inputs = extractor.schema.features.count
        let phi = inputContributions(matrix, rows: rows, threads: threads)
        return (0..<rows.count).map { r in
            Explanation(base: base, inputs: Array(phi[(r * inputs)..<((r + 1) * inputs)]), calibrator: calibrator)
        }
    }

    /// The contributions of `explain`, without an explanation per row: row `r`'s (counted from
    /// `rows.lowerBound`) of input `i` at `[r * inputs + i]`.
    func inputContributions(_ matrix: FeatureMatrix, rows: Range<Int>, threads: Int = 1) -> [Double] {
        let phi = modelContributions(matrix, rows: rows, threads: threads)
        if case .trees = model, grouping == .input { return phi }
        let inputs = extractor.schema.features.count
        let width = featureNames.count
        var byInput = [Double](repeating: 0, count: rows.count * inputs)
        for r in 0..<rows.count {
            for f in 0..<width { byInput[r * inputs + featureInput[f]] += phi[r * width + f] }
        }
        return byInput
    }
}

/// One row's explanation: the base value and each input column's contribution, in log-odds.
public struct Explanation: Sendable, Equatable {
    /// The margin before anything is known about the row.
    public var base: Double
    /// Per input column (schema order), how much it moved the margin.
    public var inputs: [Double]
    /// How margins read as probabilities (the logistic function when nil).
    public var calibrator: Calibrator?

    public init(base: Double, inputs: [Double], calibrator: Calibrator? = nil) {
        self.base = base
        self.inputs = inputs
        self.calibrator = calibrator
    }

    /// The row's margin: the base plus every contribution.
    public var margin: Double { inputs.reduce(base, +) }
    public var probability: Double { calibrator.probability(margin: margin) }
    public var baseProbability: Double { calibrator.probability(margin: base) }

    /// One input's part in a row's probability.
    public struct Reason: Sendable, Equatable {
        /// The input column (schema index).
        public var input: Int
        public var logOdds: Double
        /// Percentage points of probability, as the waterfall adds them.
        public var points: Double
        /// The waterfall's probability once this reason has joined those before it.
        public var probability: Double
    }

    /// The inputs that moved the margin, largest first (by |log-odds|; ties in schema order), as a
    /// waterfall: starting at the base probability, each reason's points are the change in
    /// probability when its log-odds are added to those before it, so the points of all reasons
    /// add up to the probability minus the base probability exactly (calibrated or not: the
    /// waterfall reads each running margin through the calibrator). Inputs that contribute
    /// nothing are left out. With `first`, only the largest `first` reasons are worked out (the
    /// same as the first of all of them).
    public func reasons(first: Int = .max) -> [Reason] {
        var reasons: [Reason] = []
        inputs.withUnsafeBufferPointer { inputs in
            Self.forEachReason(inputs, base: base, calibrator: calibrator, first: first) { reasons.append($0) }
        }
        return reasons
    }

    /// `reasons(first:)` of the explanation with these `inputs`, `base` and `calibrator`, one
    /// reason at a time and without allocating: `score --reasons` words every row's.
    @inline(__always)
    static func forEachReason(
        _ inputs: UnsafeBufferPointer<Double>, base: Double, calibrator: Calibrator?, first: Int,
        _ body: (Reason) -> Void
    ) {
        // The largest `first`, in order: each input put in place among those kept so far.
        func before(_ a: Int, _ b: Int) -> Bool {
            abs(inputs[a]) != abs(inputs[b]) ? abs(inputs[a]) > abs(inputs[b]) : a < b
        }
        let capacity = Swift.max(0, Swift.min(first, inputs.count))
        withUnsafeTemporaryAllocation(of: Int.self, capacity: Swift.max(1, capacity)) { order in
            var count = 0
            for i in inputs.indices where inputs[i] != 0 && capacity > 0 {
                if count == capacity {
                    guard before(i, order[count - 1]) else { continue }
                    count -= 1
                }
                var at = count
                while at > 0 && before(i, order[at - 1]) {
                    order[at] = order[at - 1]
                    at -= 1
                }
                order[at] = i
                count += 1
            }
            var margin = base
            var probability = calibrator.probability(margin: base)
            for i in order.prefix(count) {
                margin += inputs[i]
                let next = calibrator.probability(margin: margin)
                body(Reason(input: i, logOdds: inputs[i], points: (next - probability) * 100, probability: next))
                probability = next
            }
        }
    }
}
