// Logistic regression training on 100,000 generated claims (827 feature columns), both solvers,
// tolerance 1e-6 as `overturn train` uses by default. Features are extracted once, outside the
// measurement. Compare with scikit-learn's lbfgs on the same matrix (Benchmarks/README.md).
import Benchmark
import Foundation
import Overturn

let training: (FeatureExtractor, FeatureBatch) = {
    let path = NSTemporaryDirectory() + "/overturn-bench-claims-100k-seed7.csv"
    if !FileManager.default.fileExists(atPath: path) {
        let out = try! OutputFile(path: path)
        _ = try! ClaimsGenerator(seed: 7).write(rows: 100_000, to: out)
        try! out.commit()
    }
    return try! FeatureExtractor.fitTransform(CSVReader(path: path), schema: .claims, requireLabel: true)
}()

func configuration() -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 1,
        maxDuration: .seconds(60), maxIterations: 5)
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    for solver in [LogisticRegression.Options.Solver.newton, .lbfgs] {
        Benchmark("Logistic regression, \(solver.rawValue), 1 thread (100k claims)", configuration: configuration()) {
            benchmark in
            let (extractor, batch) = training
            benchmark.startMeasurement()
            let model = try LogisticRegression.fit(batch, extractor: extractor, options: .init(solver: solver))
            benchmark.stopMeasurement()
            blackHole(model.fit.objective)
        }
    }
}
