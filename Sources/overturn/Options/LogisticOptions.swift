import ArgumentParser
import Overturn

/// `overturn train --algorithm logistic` options, named as scikit-learn names them.
struct LogisticOptions: ParsableArguments {
    @Option(name: .customLong("C"), help: "Inverse strength of the L2 penalty (scikit-learn's C).")
    var c: Double = 1

    @Option(help: "Stop when the largest gradient component, scaled as scikit-learn scales it, is at most this.")
    var tolerance: Double = 1e-6

    @Option(help: "The most optimizer iterations.")
    var maxIterations: Int = 1000

    @Option(
        help:
            "The optimizer: newton (a few exact steps; for up to 3,000 columns), lbfgs, or auto (newton when it fits).")
    var solver: LogisticRegression.Options.Solver = .auto

    func validate() throws {
        guard c > 0 && c.isFinite else { throw ValidationError("--C must be a positive number") }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
    }

    func options(classWeights: [Double]?, balanced: Bool) -> LogisticRegression.Options {
        LogisticRegression.Options(
            c: c, classWeights: classWeights, balanced: balanced, tolerance: tolerance, maxIterations: maxIterations,
            solver: solver)
    }
}

extension LogisticRegression.Options.Solver: ExpressibleByArgument {}
