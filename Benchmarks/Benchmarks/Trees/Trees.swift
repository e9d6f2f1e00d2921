// Gradient-boosted trees training with the peer harness's configuration (200 trees, at most 63
// leaves and depth 6, learning rate 0.1, 255 bins, L2 1, 20 rows per leaf, no subsampling, no early
// stopping), on 2 threads and on 1. The features are extracted once, outside the measurement: what is
// timed is binning plus boosting, what LightGBM's `lgb.Dataset` plus `lgb.train` do in
// `Scripts/lightgbm_train_time.py`.
//
// The data: the CSV named by OVERTURN_TREES_CSV (the harness's 1M-claim training rows, see
// Benchmarks/README.md), or else 1,000,000 claims of `overturn generate --seed 7`.
import Benchmark
import Foundation
import Overturn

let training: (FeatureExtractor, FeatureBatch) = {
    var path = ProcessInfo.processInfo.environment["OVERTURN_TREES_CSV"] ?? ""
    if path.isEmpty {
        path = NSTemporaryDirectory() + "/overturn-bench-claims-1m-seed7.csv"
        if !FileManager.default.fileExists(atPath: path) {
            let out = try! OutputFile(path: path)
            _ = try! ClaimsGenerator(seed: 7).write(rows: 1_000_000, to: out)
            try! out.commit()
        }
    }
    return try! FeatureExtractor.fitTransform(CSVReader(path: path), schema: .claims, requireLabel: true)
}()

let peerConfiguration: GradientBoostedTrees.Options = {
    var options = GradientBoostedTrees.Options()
    options.validationFraction = 0
    return options
}()

let benchmarks: @Sendable () -> Void = {
    for threads in [2, 1] {
        Benchmark(
            "Trees: fit 200 trees on \(training.1.matrix.rowCount) claims, \(threads) threads",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident], timeUnits: .milliseconds, warmupIterations: 0,
                maxDuration: .seconds(120), maxIterations: 3)
        ) { benchmark in
            let (extractor, batch) = training
            benchmark.startMeasurement()
            let model = try GradientBoostedTrees.fit(
                batch, extractor: extractor, options: peerConfiguration, threads: threads)
            benchmark.stopMeasurement()
            blackHole(model.trees.count)
        }
    }
}
