import ArgumentParser
import Overturn

/// `overturn train --algorithm trees` options: LightGBM's knobs, under the names people search for.
struct TreeOptions: ParsableArguments {
    private static let defaults = GradientBoostedTrees.Options()

    @Option(help: ArgumentHelp("The most trees (boosting rounds).", valueName: "n"))
    var trees = defaults.trees

    @Option(help: "Shrinkage: each tree's output is scaled by this.")
    var learningRate = defaults.learningRate

    @Option(help: "The most leaves per tree.")
    var maxLeaves = defaults.maxLeaves

    @Option(help: "The most levels per tree; 0 for no limit.")
    var maxDepth = defaults.maxDepth

    @Option(help: "leaf-wise (split the leaf that gains most, as LightGBM) or depth-wise (as XGBoost).")
    var growth = defaults.growth

    @Option(help: "Value bins per number column (quantiles of the training rows; missing values get one more).")
    var maxBins = defaults.maxBins

    @Option(
        help: ArgumentHelp(
            "How trees split categories: native, one-hot, both, or target-statistics.",
            discussion: """
                native: a split sends a group of levels left, found by ordering the levels by their \
                gradient statistics (LightGBM's categorical splits). one-hot: one binary feature per \
                level, as one-hot input reaches other libraries. both: each split takes the better of \
                the two. target-statistics: each level becomes its smoothed overturn rate among the \
                training rows before it in a random order (CatBoost's ordered target statistics).
                """))
    var categories = defaults.categories

    @Option(help: "Native category splits: added to each level's hessian sum when ordering levels.")
    var categorySmoothing = defaults.categorySmoothing

    @Option(help: "Native category splits: extra L2 penalty in their gain.")
    var categoryL2 = defaults.categoryL2

    @Option(help: "Native category splits: levels with fewer rows in a leaf are not ordered and go right.")
    var minRowsPerCategory = defaults.minRowsPerCategory

    @Option(help: "Native category splits: the most levels one split sends left.")
    var maxCategoryThreshold = defaults.maxCategoryThreshold

    @Option(help: "L2 penalty on leaf values (λ).")
    var l2 = defaults.l2

    @Option(help: "The least hessian sum a leaf may hold.")
    var minChildWeight = defaults.minChildWeight

    @Option(help: "The fewest training rows a leaf may hold (counted from hessians, as LightGBM counts).")
    var minSamplesLeaf = defaults.minSamplesLeaf

    @Option(help: "A split must improve the objective by more than this.")
    var minSplitGain = defaults.minSplitGain

    @Option(help: "The share of rows each tree is grown on, drawn anew per tree (1 = all).")
    var rowSubsample = defaults.rowSubsample

    @Option(help: "The share of features each tree may split on, drawn anew per tree (1 = all).")
    var columnSubsample = defaults.columnSubsample

    @Option(
        help: "The share of rows held out to stop on and to measure, when --validation is not given (0 = none).")
    var validationFraction = defaults.validationFraction

    @Option(
        help: ArgumentHelp(
            "A CSV of labelled rows to stop on and to measure, instead of held-out rows.", valueName: "file"))
    var validation: String?

    @Option(help: "Stop when the validation log loss has not improved for this many trees (0 = never).")
    var earlyStoppingRounds = defaults.earlyStoppingRounds

    @Option(
        help:
            "The seed of every random draw (held-out rows, bin sample, subsampling, folds); same seed, same model.")
    var seed: UInt64 = defaults.seed

    func validate() throws {
        guard trees >= 1 else { throw ValidationError("--trees must be at least 1") }
        guard learningRate > 0 && learningRate.isFinite else {
            throw ValidationError("--learning-rate must be positive")
        }
        guard maxLeaves >= 2 else { throw ValidationError("--max-leaves must be at least 2") }
        guard maxDepth >= 0 && maxDepth <= GradientBoostedTrees.maxDepth else {
            throw ValidationError("--max-depth must be between 0 (no limit) and \(GradientBoostedTrees.maxDepth)")
        }
        guard (2...255).contains(maxBins) else { throw ValidationError("--max-bins must be between 2 and 255") }
        guard categorySmoothing >= 0 && categoryL2 >= 0 else {
            throw ValidationError("--category-smoothing and --category-l2 must be ≥ 0")
        }
        guard minRowsPerCategory >= 1 && maxCategoryThreshold >= 1 else {
            throw ValidationError("--min-rows-per-category and --max-category-threshold must be at least 1")
        }
        guard l2 >= 0 && l2.isFinite else { throw ValidationError("--l2 must be a number ≥ 0") }
        guard minChildWeight >= 0 else { throw ValidationError("--min-child-weight must be ≥ 0") }
        guard minSamplesLeaf >= 1 else { throw ValidationError("--min-samples-leaf must be at least 1") }
        guard minSplitGain >= 0 else { throw ValidationError("--min-split-gain must be ≥ 0") }
        guard rowSubsample > 0 && rowSubsample <= 1 else { throw ValidationError("--row-subsample must be in (0, 1]") }
        guard columnSubsample > 0 && columnSubsample <= 1 else {
            throw ValidationError("--column-subsample must be in (0, 1]")
        }
        guard validationFraction >= 0 && validationFraction < 1 else {
            throw ValidationError("--validation-fraction must be in [0, 1)")
        }
        guard earlyStoppingRounds >= 0 else { throw ValidationError("--early-stopping-rounds must be ≥ 0") }
    }

    func options(classWeights: [Double]?, balanced: Bool) -> GradientBoostedTrees.Options {
        var o = GradientBoostedTrees.Options()
        o.trees = trees
        o.learningRate = learningRate
        o.maxLeaves = maxLeaves
        o.maxDepth = maxDepth
        o.growth = growth
        o.categories = categories
        o.categorySmoothing = categorySmoothing
        o.categoryL2 = categoryL2
        o.minRowsPerCategory = minRowsPerCategory
        o.maxCategoryThreshold = maxCategoryThreshold
        o.maxBins = maxBins
        o.l2 = l2
        o.minChildWeight = minChildWeight
        o.minSamplesLeaf = minSamplesLeaf
        o.minSplitGain = minSplitGain
        o.rowSubsample = rowSubsample
        o.columnSubsample = columnSubsample
        o.validationFraction = validation == nil ? validationFraction : 0
        o.earlyStoppingRounds = earlyStoppingRounds
        o.seed = seed
        o.classWeights = classWeights
        o.balanced = balanced
        return o
    }
}

extension GradientBoostedTrees.Options.Growth: ExpressibleByArgument {}
extension GradientBoostedTrees.Options.CategorySplits: ExpressibleByArgument {}
