import ArgumentParser
import Overturn

/// Which model to train.
enum Algorithm: String, ExpressibleByArgument, CaseIterable {
    case logistic, trees
}

/// `--calibrate`: none, or a `Calibrator.Method`.
enum Calibration: String, ExpressibleByArgument, CaseIterable {
    case none, platt, isotonic

    var method: Calibrator.Method? { Calibrator.Method(rawValue: rawValue) }
}

/// What `train` and `evaluate` share: the schema and vocabularies, class weights, calibration, and
/// each model's own options.
struct ModelOptions: ParsableArguments {
    @Option(
        help:
            "A built-in schema (claims, ca-imr) or a JSON schema file; by default the built-in one that fits the header."
    )
    var schema: String?

    @Option(help: "Rows a value or code must appear in to get its own column.")
    var minCount: Int = 5

    @Option(help: "Class weights: none, balanced, or the weights of upheld and overturned as W0,W1.")
    var classWeight: String = "none"

    @Option(
        help: ArgumentHelp(
            "Calibrate probabilities: none, platt or isotonic.",
            discussion: """
                The calibrator is fitted on margins of rows the model did not see: the training rows are \
                split into --calibration-folds stratified folds, a model is trained on all folds but one \
                and scores the one left out, in turn; the model is then trained on every training row.
                """))
    var calibrate: Calibration = .none

    @Option(help: "Folds for fitting the calibrator (--calibrate).")
    var calibrationFolds: Int = 5

    @OptionGroup(title: "Logistic regression (--algorithm logistic)")
    var logistic: LogisticOptions

    @OptionGroup(title: "Gradient-boosted trees (--algorithm trees)")
    var trees: TreeOptions

    func validate() throws {
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1") }
        guard calibrationFolds >= 2 else { throw ValidationError("--calibration-folds must be at least 2") }
        _ = try classWeights()
    }

    var featureOptions: FeatureOptions { FeatureOptions(minCount: minCount) }

    /// `--class-weight` as explicit weights of classes 0 and 1, or balanced.
    func classWeights() throws -> (weights: [Double]?, balanced: Bool) {
        switch classWeight {
        case "none": return (nil, false)
        case "balanced": return (nil, true)
        default:
            let parts = classWeight.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ValidationError("--class-weight takes none, balanced, or two positive numbers W0,W1")
            }
            return (parts, false)
        }
    }

    /// The model `algorithm` with these options.
    func recipe(_ algorithm: Algorithm) throws -> ModelFile.Recipe {
        let (weights, balanced) = try classWeights()
        switch algorithm {
        case .logistic: return .logistic(logistic.options(classWeights: weights, balanced: balanced))
        case .trees: return .trees(trees.options(classWeights: weights, balanced: balanced))
        }
    }
}
