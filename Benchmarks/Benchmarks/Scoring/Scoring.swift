// Tree-ensemble scoring on the peers' own trees and matrix: the XGBoost model of 200 trees of depth 6
// and the LightGBM model of 500 trees of 63 leaves that `Scripts/scoring_peers.py prepare` trains on
// the peer harness's claims features, imported (`ModelFile.importXGBoost`, `importLightGBM`), scoring
// the harness's 199,893 test rows (627 float32 features, row-major) with 1 and 2 threads. What is
// timed is `GradientBoostedTrees.margins(features:)`: the scorer alone, as XGBoost's
// `inplace_predict` and the compiled peers are timed in `scoring_peers.py time`.
//
// The data: the folder named by OVERTURN_SCORING_DIR (default: the system's temporary folder +
// /overturn-scoring), filled by `scoring_peers.py prepare`; see Benchmarks/README.md. Before timing,
// each model's margins are checked against the library's own (`*_margins.npy`).
//
// TreeSHAP (`GradientBoostedTrees.Explainer.contributions(features:)`) on the XGBoost model and the
// first 2,000 test rows, against XGBoost's `pred_contribs` timed by `shap_peers.py time`, when
// `shap_peers.py prepare` has added its rows to the folder.
import Benchmark
import Foundation
import Overturn

let folder =
    ProcessInfo.processInfo.environment["OVERTURN_SCORING_DIR"] ?? NSTemporaryDirectory() + "/overturn-scoring"

/// Without the prepared folder there is nothing to time: the suite says how to make it and is empty.
let prepared: Bool = {
    let found = FileManager.default.fileExists(atPath: folder + "/X_test.npy")
    if !found {
        print("Scoring: no \(folder)/X_test.npy; make it with Scripts/scoring_peers.py prepare (see README.md)")
    }
    return found
}()

let matrix: (values: [Float], rows: Int) = {
    let (values, shape) = try! NPYFile.read(Float.self, from: folder + "/X_test.npy")
    return (values, shape[0])
}()

/// The imported model, after checking its margins against the library's on every row.
func model(_ name: String) -> GradientBoostedTrees {
    let file =
        name.hasPrefix("xgb")
        ? try! ModelFile.importXGBoost(path: "\(folder)/\(name).json")
        : try! ModelFile.importLightGBM(path: "\(folder)/\(name).txt")
    let model = file.trees!
    let expected = try! NPYFile.read(Double.self, from: "\(folder)/\(name)_margins.npy").values
    let margins = matrix.values.withUnsafeBufferPointer { model.margins(features: $0, rows: matrix.rows, threads: 2) }
    let worst = zip(margins, expected).map { abs($0 - $1) }.max() ?? 0
    print("\(name): \(model.trees.count) trees, largest |margin - the library's| over \(matrix.rows) rows: \(worst)")
    precondition(worst < 1e-4, "\(name) does not score as the library does")
    return model
}

let models = prepared ? ["xgb_d6_t200", "lgb_l63_t500"].map { ($0, model($0)) } : []

/// TreeSHAP's rows (the first 2,000 test rows, `shap_peers.py prepare`) and the XGBoost model,
/// after checking every contribution and the bias against XGBoost's `pred_contribs` (1e-5).
let explained: (model: GradientBoostedTrees, x: [Float], rows: Int)? = {
    guard prepared, FileManager.default.fileExists(atPath: folder + "/X_shap.npy") else {
        if prepared { print("TreeSHAP: no \(folder)/X_shap.npy; make it with Scripts/shap_peers.py prepare") }
        return nil
    }
    let model = models.first { $0.0 == "xgb_d6_t200" }!.1
    let (x, shape) = try! NPYFile.read(Float.self, from: folder + "/X_shap.npy")
    let expected = try! NPYFile.read(Double.self, from: folder + "/xgb_d6_t200_contribs.npy").values
    let explainer = model.explainer()
    let phi = x.withUnsafeBufferPointer { explainer.contributions(features: $0, rows: shape[0], threads: 2) }
    let width = model.features.count
    var worst = 0.0
    for r in 0..<shape[0] {
        for f in 0..<width { worst = max(worst, abs(phi[r * width + f] - expected[r * (width + 1) + f])) }
        worst = max(worst, abs(explainer.base - expected[r * (width + 1) + width]))
    }
    print("TreeSHAP: largest |contribution - XGBoost's pred_contribs| over \(shape[0]) rows: \(worst)")
    precondition(worst < 1e-5, "TreeSHAP does not explain as XGBoost does")
    return (model, x, shape[0])
}()

let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)

/// A benchmark of `rows` rows per run of `body`, reporting rows/s.
func rowsBenchmark(_ name: String, rows: Int, _ body: @escaping () -> Any) {
    Benchmark(
        name,
        configuration: .init(
            metrics: [.wallClock, rowsPerSecond], timeUnits: .milliseconds, warmupIterations: 1,
            maxDuration: .seconds(20), maxIterations: 5)
    ) { benchmark in
        let start = DispatchTime.now().uptimeNanoseconds
        blackHole(body())
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
    }
}

let benchmarks: @Sendable () -> Void = {
    for (name, model) in models {
        for threads in [1, 2] {
            rowsBenchmark("Scoring: \(name), \(threads) thread\(threads == 1 ? "" : "s")", rows: matrix.rows) {
                matrix.values.withUnsafeBufferPointer {
                    model.margins(features: $0, rows: matrix.rows, threads: threads)
                }
            }
        }
    }
    if let (model, x, rows) = explained {
        // What TreeSHAP works out once per model (its tables), timed on its own.
        Benchmark(
            "TreeSHAP: xgb_d6_t200, prepare",
            configuration: .init(
                metrics: [.wallClock], timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(20),
                maxIterations: 5)
        ) { _ in
            blackHole(model.explainer())
        }
        let explainer = model.explainer()
        for threads in [1, 2] {
            rowsBenchmark("TreeSHAP: xgb_d6_t200, \(threads) thread\(threads == 1 ? "" : "s")", rows: rows) {
                x.withUnsafeBufferPointer { explainer.contributions(features: $0, rows: rows, threads: threads) }
            }
        }
    }
}
