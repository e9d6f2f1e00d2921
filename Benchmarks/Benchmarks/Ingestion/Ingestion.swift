// CSV parsing and feature extraction of 1M generated claims, single-threaded.
//
// The data is made once by ClaimsGenerator (seed 7, 1,000,000 rows, about 122 MB) in the system's
// temporary folder and reused. Each benchmark reports wall time and its own rate: MB/s for parsing,
// rows/s for extraction. Goals (issue 2): parsing ≥ 300 MB/s, extraction ≥ 1M rows/s on one core.
import Benchmark
import Foundation
import Overturn

let rows = 1_000_000

/// The 1M-row claims file, generated on first use.
let claimsFile: String = {
    let path = NSTemporaryDirectory() + "/overturn-bench-claims-1m-seed7.csv"
    if !FileManager.default.fileExists(atPath: path) {
        let out = try! OutputFile(path: path)
        _ = try! ClaimsGenerator(seed: 7).write(rows: rows, to: out)
        try! out.commit()
    }
    return path
}()

let fileBytes: Int = (try? FileManager.default.attributesOfItem(atPath: claimsFile)[.size] as? Int) ?? 0

let extractor: FeatureExtractor = try! FeatureExtractor.fit(CSVReader(path: claimsFile), schema: .claims)

let megabytesPerSecond = BenchmarkMetric.custom("MB/s", polarity: .prefersLarger, useScalingFactor: false)
let rowsPerSecond = BenchmarkMetric.custom("rows/s", polarity: .prefersLarger, useScalingFactor: false)

func configuration() -> Benchmark.Configuration {
    Benchmark.Configuration(
        metrics: [.wallClock, .peakMemoryResident, megabytesPerSecond, rowsPerSecond],
        timeUnits: .milliseconds, warmupIterations: 1, maxDuration: .seconds(30), maxIterations: 5)
}

/// Runs `work` once inside the measurement (the data and the extractor are made before it) and
/// records the file's MB/s and rows/s.
func measure(_ benchmark: Benchmark, _ work: () throws -> Int) rethrows {
    _ = extractor
    benchmark.startMeasurement()
    let start = DispatchTime.now().uptimeNanoseconds
    blackHole(try work())
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    benchmark.stopMeasurement()
    benchmark.measurement(megabytesPerSecond, Int(Double(fileBytes) / 1e6 / seconds))
    benchmark.measurement(rowsPerSecond, Int(Double(rows) / seconds))
}

let benchmarks: @Sendable () -> Void = {
    Benchmark("CSV parse, every field touched (1M claims)", configuration: configuration()) { benchmark in
        try measure(benchmark) {
            let reader = try CSVReader(path: claimsFile)
            var checksum = 0
            while try reader.next() {
                for i in 0..<reader.fieldCount { checksum &+= reader.field(i).count }
            }
            return checksum
        }
    }

    Benchmark("Features: parse + extract with a fitted extractor (1M claims)", configuration: configuration()) {
        benchmark in
        try measure(benchmark) {
            try extractor.transform(CSVReader(path: claimsFile), requireLabel: true).matrix.nonZeroCount
        }
    }

    Benchmark("Features: fit and extract in one read (1M claims)", configuration: configuration()) { benchmark in
        try measure(benchmark) {
            let (fitted, batch) = try FeatureExtractor.fitTransform(
                CSVReader(path: claimsFile), schema: .claims, requireLabel: true)
            return fitted.width + batch.matrix.nonZeroCount
        }
    }

    Benchmark("Features: fit and extract in one read, 2 threads (1M claims)", configuration: configuration()) {
        benchmark in
        try measure(benchmark) {
            let (fitted, batch) = try FeatureExtractor.fitTransform(
                CSVReader(path: claimsFile), schema: .claims, requireLabel: true, threads: 2)
            return fitted.width + batch.matrix.nonZeroCount
        }
    }

    Benchmark("Features: parse + fit vocabularies (1M claims)", configuration: configuration()) { benchmark in
        try measure(benchmark) { try FeatureExtractor.fit(CSVReader(path: claimsFile), schema: .claims).width }
    }
}
