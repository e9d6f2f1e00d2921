import Foundation

extension ModelFile {
    /// Which model to train, and how: everything `train` and `evaluate` need to fit one again.
    public enum Recipe: Sendable, Equatable {
        case logistic(LogisticRegression.Options)
        case trees(GradientBoostedTrees.Options)
    }

    /// How training is going, from whichever model is being fitted.
    public enum TrainingProgress: Sendable {
        case logistic(iteration: Int, objective: Double, gradient: Double)
        case trees(GradientBoostedTrees.Progress)
        /// Calibration: fold `fold` (from 1) of `folds` is being fitted.
        case calibrationFold(fold: Int, folds: Int)
    }

    /// Trains the recipe's model on `batch` (made by `extractor`) and, when `calibration` is given,
    /// a calibrator on the out-of-fold margins of `calibrationFolds` stratified folds of the same
    /// rows (each fold's margins from a model trained on the other folds, as scikit-learn's
    /// `CalibratedClassifierCV(ensemble=False)`); the vocabulary stays the one fitted on all rows.
    ///
    /// Throws the model's `TrainingError` when it cannot be trained.
    public static func fit(
        _ batch: FeatureBatch, extractor: FeatureExtractor, recipe: Recipe, calibration: Calibrator.Method? = nil,
        calibrationFolds: Int = 5, seed: UInt64 = 0, validation: FeatureBatch? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> (model: Model, calibrator: Calibrator?) {
        var calibrator: Calibrator?
        if let calibration {
            let folds = CrossValidation.stratifiedFolds(labels: batch.labels, k: calibrationFolds, seed: seed)
            let margins = try CrossValidation.outOfFoldMargins(
                batch, extractor: extractor, recipe: recipe, folds: folds, validation: validation, threads: threads
            ) { progress(.calibrationFold(fold: $0, folds: $1)) }
            calibrator = Calibrator.fit(calibration, margins: margins, labels: batch.labels)
        }
        let model = try Model.fit(
            batch, extractor: extractor, recipe: recipe, validation: validation, threads: threads, progress: progress)
        return (model, calibrator)
    }
}

extension ModelFile.Model {
    /// The model made ready to score (see `ModelFile.scorer`), reading margins through `calibrator`.
    public func scorer(width: Int? = nil, calibrator: Calibrator? = nil) -> ModelFile.Scorer {
        switch self {
        case .logistic(let m): ModelFile.Scorer(model: .logistic(m), calibrator: calibrator)
        case .trees(let m): ModelFile.Scorer(model: .trees(m.scorer(width: width)), calibrator: calibrator)
        }
    }

    /// The log-odds of every row, on `threads` threads.
    public func margins(_ matrix: FeatureMatrix, threads: Int = 1) -> [Double] {
        scorer(width: matrix.width).margins(matrix, threads: threads)
    }

    /// Trains the recipe's model on `batch` (made by `extractor`), no calibration; trees stop early
    /// on `validation` when it is given.
    public static func fit(
        _ batch: FeatureBatch, extractor: FeatureExtractor, recipe: ModelFile.Recipe, validation: FeatureBatch? = nil,
        threads: Int = ProcessInfo.processInfo.activeProcessorCount,
        progress: (ModelFile.TrainingProgress) -> Void = { _ in }
    ) throws -> ModelFile.Model {
        switch recipe {
        case .logistic(let options):
            return .logistic(
                try LogisticRegression.fit(batch, extractor: extractor, options: options) {
                    progress(.logistic(iteration: $0, objective: $1, gradient: $2))
                })
        case .trees(let options):
            return .trees(
                try GradientBoostedTrees.fit(
                    batch, extractor: extractor, options: options, validation: validation, threads: threads
                ) {
                    progress(.trees($0))
                })
        }
    }
}
