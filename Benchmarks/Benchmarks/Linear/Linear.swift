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

/// Sums every value with 4 × 16 accumulators: the matrix's read bandwidth on one core, measured in the
/// same run as the scoring it bounds (the limits of `../shared/bench/peers/limits.py`, in Swift).
func readAll(_ values: UnsafeBufferPointer<Float>) -> Float {
    var a0 = SIMD16<Float>(), a1 = SIMD16<Float>(), a2 = SIMD16<Float>(), a3 = SIMD16<Float>()
    let raw = UnsafeRawPointer(values.baseAddress!)
    var i = 0
    while i + 64 <= values.count {
        a0 += raw.loadUnaligned(fromByteOffset: 4 * i, as: SIMD16<Float>.self)
        a1 += raw.loadUnaligned(fromByteOffset: 4 * (i + 16), as: SIMD16<Float>.self)
        a2 += raw.loadUnaligned(fromByteOffset: 4 * (i + 32), as: SIMD16<Float>.self)
        a3 += raw.loadUnaligned(fromByteOffset: 4 * (i + 48), as: SIMD16<Float>.self)
        i += 64
    }
    var sum = (a0 + a1 + a2 + a3).sum()
    while i < values.count {
        sum += values[i]
        i += 1
    }
    return sum
}

/// Buffers the benchmark's worker threads read, or write at their own index.
struct UncheckedBuffer: @unchecked Sendable {
    let buffer: UnsafeBufferPointer<Float>
    init(_ buffer: UnsafeBufferPointer<Float>) { self.buffer = buffer }
}
struct UncheckedMutableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Float>
    init(_ buffer: UnsafeMutableBufferPointer<Float>) { self.buffer = buffer }
}

/// A benchmark of one pass over the dense matrix: `pass` runs once per iteration and its rate in GB/s
/// of the matrix is recorded beside the wall time.
func bandwidthBenchmark(_ name: String, pass: @escaping @Sendable (_ dense: [Float]) -> Any) {
    Benchmark(
        name,
        configuration: .init(
            metrics: [.wallClock, gigabytesPerSecond], timeUnits: .milliseconds, warmupIterations: 1,
            maxDuration: .seconds(30), maxIterations: 10)
    ) { benchmark in
        let dense = denseScoring.1
        benchmark.startMeasurement()
        let start = DispatchTime.now().uptimeNanoseconds
        let result = pass(dense)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        benchmark.stopMeasurement()
        blackHole(result)
        benchmark.measurement(gigabytesPerSecond, Int(Double(dense.count * 4) / 1e9 / seconds))
    }
}

let benchmarks: @Sendable () -> Void = {
    BLASThreads.set(1)
    for threads in [1, 2] {
        let unit = threads == 1 ? "1 thread" : "\(threads) threads"
        bandwidthBenchmark("Read bandwidth: sum of the same 200k × 827 Float32, \(unit)") { dense in
            var sums = [Float](repeating: 0, count: threads)
            dense.withUnsafeBufferPointer { all in
                sums.withUnsafeMutableBufferPointer { sums in
                    // Each thread its own contiguous share, as sgemv's threads split the rows.
                    let (values, out) = (UncheckedBuffer(all), UncheckedMutableBuffer(sums))
                    DispatchQueue.concurrentPerform(iterations: threads) { t in
                        let share = values.buffer.count / threads
                        let part = UnsafeBufferPointer(rebasing: values.buffer[(t * share)..<((t + 1) * share)])
                        out.buffer[t] = readAll(part)
                    }
                }
            }
            return sums
        }
        bandwidthBenchmark("Logistic regression, dense scoring through sgemv, \(unit) (200k × 827 Float32)") {
            dense in
            let (model, _, rows) = denseScoring
            BLASThreads.set(threads)  // OpenBLAS splits sgemv's rows over its threads
            defer { BLASThreads.set(1) }
            return dense.withUnsafeBufferPointer { model.margins(dense: $0, rows: rows) }
        }
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
