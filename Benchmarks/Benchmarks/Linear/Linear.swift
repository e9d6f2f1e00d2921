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

/// 200,000 rows of the training features as one dense row-major Float32 matrix (662 MB), and a model.
let denseScoring: (LogisticRegression, [Float], rows: Int) = {
    let (extractor, batch) = training
    let model = try! LogisticRegression.fit(batch, extractor: extractor)
    var dense = batch.matrix.dense()
    dense += dense  // 200,000 rows: larger than any cache
    return (model, dense, 2 * batch.matrix.rowCount)
}()

let gigabytesPerSecond = BenchmarkMetric.custom("GB/s", polarity: .prefersLarger, useScalingFactor: false)

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    Benchmark(
        "Logistic regression, dense scoring through sgemv, 1 thread (200k × 827 Float32)",
        configuration: .init(
            metrics: [.wallClock, gigabytesPerSecond], timeUnits: .milliseconds, warmupIterations: 1,
            maxDuration: .seconds(30), maxIterations: 10)
    ) { benchmark in
        let (model, dense, rows) = denseScoring
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        let margins = dense.withUnsafeBufferPointer { model.margins(dense: $0, rows: rows) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        benchmark.stopMeasurement()
        blackHole(margins)
        benchmark.measurement(gigabytesPerSecond, Int(Double(dense.count * 4) / 1e9 / seconds))
    }

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
