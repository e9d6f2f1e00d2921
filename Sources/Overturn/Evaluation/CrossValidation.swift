import Foundation

/// Rows split into folds, and margins of every row from a model that did not see it.
///
/// ```swift
/// let folds = CrossValidation.stratifiedFolds(labels: batch.labels, k: 5, seed: 0)
/// let margins = try CrossValidation.outOfFoldMargins(batch, extractor: x, recipe: recipe, folds: folds)
/// ```
public enum CrossValidation {
    /// Each row's fold (0..<k): the rows of each outcome shuffled with `seed` and dealt out in
    /// turn, so every fold holds the same share of overturns to within one row (as scikit-learn's
    /// `StratifiedKFold(shuffle=True)`). Rows whose label is neither 0 nor 1 go with the zeros.
    public static func stratifiedFolds(labels: [Float], k: Int, seed: UInt64) -> [Int] {
        precondition(k >= 2, "cross-validation needs at least 2 folds")
        var random = RandomSource(seed: seed, stream: 11)
        var folds = [Int](repeating: 0, count: labels.count)
        var next = 0
        for outcome: Float in [1, 0] {
            var rows = labels.indices.filter { (labels[$0] == 1) == (outcome == 1) }
            for i in rows.indices.dropLast() { rows.swapAt(i, i + random.int(rows.count - i)) }
            // Continue dealing where the positives stopped, so fold sizes differ by at most one.
            for r in rows {
                folds[r] = next
                next = (next + 1) % k
            }
        }
        return folds
    }

    /// Every row's margin from the recipe's model trained on the rows of the other folds (trees
    /// stopping early on `validation` when it is given).
    /// `progress` gets the fold (from 1) and the number of folds before each is trained.
    public static func outOfFoldMargins(
        _ batch: FeatureBatch, extractor: FeatureExtractor, recipe: ModelFile.Recipe, folds: [Int],
        validation: FeatureBatch? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> [Double] {
        try heldOut(batch, folds: folds, threads: threads, progress: progress) { train in
            let model = try ModelFile.Model.fit(
                batch.rows(train), extractor: extractor, recipe: recipe, validation: validation, threads: threads)
            return (model, nil)
        }
        .map { $0.margin }
    }
}

extension CrossValidation {
    /// Every row's probability from the recipe's model trained on the rows of the other folds and,
    /// when `calibration` is given, calibrated as `train --calibrate` would: on inner folds of those
    /// training rows only, so no row's outcome reaches its own probability.
    /// `progress` gets the outer fold (from 1) and the number of folds.
    public static func outOfFoldProbabilities(
        _ batch: FeatureBatch, extractor: FeatureExtractor, recipe: ModelFile.Recipe, folds: [Int],
        calibration: Calibrator.Method? = nil, calibrationFolds: Int = 5, seed: UInt64 = 0,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> [Double] {
        try heldOut(batch, folds: folds, threads: threads, progress: progress) { train in
            try ModelFile.fit(
                batch.rows(train), extractor: extractor, recipe: recipe, calibration: calibration,
                calibrationFolds: calibrationFolds, seed: seed, threads: threads)
        }
        .map { $0.calibrator.probability(margin: $0.margin) }
    }

    /// For each fold in turn, `fit` trains on the rows of the other folds; every row gets its
    /// margin from the model of its fold, and that fold's calibrator.
    private static func heldOut(
        _ batch: FeatureBatch, folds: [Int], threads: Int, progress: (Int, Int) -> Void,
        fit: ([Int]) throws -> (model: ModelFile.Model, calibrator: Calibrator?)
    ) rethrows -> [(margin: Double, calibrator: Calibrator?)] {
        let k = (folds.max() ?? 0) + 1
        var out = [(margin: Double, calibrator: Calibrator?)](repeating: (.nan, nil), count: folds.count)
        for fold in 0..<k {
            progress(fold + 1, k)
            let test = folds.indices.filter { folds[$0] == fold }
            guard !test.isEmpty else { continue }
            let (model, calibrator) = try fit(folds.indices.filter { folds[$0] != fold })
            let margins = model.margins(FeatureMatrix(rows: test, of: batch.matrix), threads: threads)
            for (i, r) in test.enumerated() { out[r] = (margins[i], calibrator) }
        }
        return out
    }
}
