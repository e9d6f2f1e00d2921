import ArgumentParser
import Foundation
import Overturn

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "evaluate",
        abstract: "Measure how well models predict outcomes they did not train on.",
        discussion: """
            Trains each --algorithm on part of INPUT and measures it on the rest: by default 5-fold \
            stratified cross-validation (every row is scored by the model trained on the other \
            folds); with --split-by COLUMN --test-from VALUE, a time-ordered split (rows whose \
            COLUMN is below VALUE train, the others test; numbers compare as numbers, anything else \
            as text, so ISO dates work). --model measures a model file as it is, on the test rows.

            Reported: AUC with its 95% confidence interval (DeLong), log loss, Brier score, the \
            expected calibration error over 10 bins and the bins themselves, and precision and lift \
            among the top 1, 5, 10 and 20% of rows by probability (what ranking a backlog needs). \
            Models are side by side. Rows that cannot be used go to OUTPUT.rejects.csv \
            (evaluation.rejects.csv without -o).

              overturn evaluate Datasets/claims-sample.csv
              overturn evaluate Datasets/ca-imr/ca_dmhc_imr_2001_2014.csv --split-by "Report Year" \\
                  --test-from 2013 --calibrate isotonic --plot plots
              overturn evaluate recent.csv --model Models/claims-trees.json --json
            """)

    @Argument(help: "A CSV of claims with their outcomes.")
    var input: String

    @Option(
        name: .customLong("algorithm"),
        help: ArgumentHelp(
            "A model to train and measure: logistic or trees (repeat for both; default both unless --model is given).",
            valueName: "algorithm"))
    var algorithms: [Algorithm] = []

    @Option(
        name: .customLong("model"),
        help: ArgumentHelp("A model file to measure as it is (repeat for several).", valueName: "file"))
    var models: [String] = []

    @Option(help: "Cross-validation folds (without --split-by).")
    var folds: Int = 5

    @Option(help: ArgumentHelp("Split by this column instead of folds: earlier rows train.", valueName: "column"))
    var splitBy: String?

    @Option(help: ArgumentHelp("With --split-by: the first value of the test rows.", valueName: "value"))
    var testFrom: String?

    @Flag(help: "Write the report as JSON instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write roc.svg and reliability.svg into this folder.", valueName: "folder"))
    var plot: String?

    @Option(name: [.short, .customLong("output")], help: "Write the report here instead of standard output.")
    var output: String?

    @Option(help: "Threads for reading, OpenBLAS and growing trees.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup
    var modelOptions: ModelOptions

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard folds >= 2 else { throw ValidationError("--folds must be at least 2") }
        guard (splitBy == nil) == (testFrom == nil) else {
            throw ValidationError("--split-by and --test-from go together")
        }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        // Each --model, and a split's two passes, read INPUT again: standard input cannot be re-read.
        let reads = models.count + (algorithms.isEmpty && !models.isEmpty ? 0 : (splitBy == nil ? 1 : 2))
        guard input != "-" || reads <= 1 else {
            throw ValidationError(
                "evaluate reads INPUT \(reads) times here (once per --model, twice for --split-by); give a file, not -")
        }
        guard modelOptions.trees.validation == nil else {
            throw ValidationError("--validation does not apply to evaluate: each fold holds out its own rows")
        }
    }

    /// One model's probabilities on the test rows, measured.
    struct Measured {
        var name: String
        var labels: [Float]
        var probabilities: [Double]
        var evaluation: Evaluation

        init(name: String, labels: [Float], probabilities: [Double]) {
            self.name = name
            self.labels = labels
            self.probabilities = probabilities
            evaluation = Evaluation(labels: labels, probabilities: probabilities)
        }
    }

    func run() throws {
        BLASThreads.set(threads)
        var rejects = RejectList()
        var measured: [Measured] = []
        var design = ""
        for path in models {
            let file = try ModelFile.load(path: path)
            let (batch, split) = try read(with: file.extractor, rejects: &rejects)
            let test = split.map(\.test) ?? Array(0..<batch.matrix.rowCount)
            let labels = test.map { batch.labels[$0] }
            try checkOutcomes(labels, what: "the test rows")
            let p = file.scorer(width: file.extractor.width).probabilities(
                FeatureMatrix(rows: test, of: batch.matrix), threads: threads)
            measured.append(
                Measured(name: path, labels: labels, probabilities: p))
            design = split == nil ? "\(grouped(test.count)) rows" : splitDescription(split!, of: batch)
        }
        let trained = algorithms.isEmpty && models.isEmpty ? Algorithm.allCases : algorithms
        if !trained.isEmpty {
            let reader = try inputOptions.reader(input)
            let schema = try resolveSchema(modelOptions.schema, header: reader.header, file: reader.file)
            let options = modelOptions.featureOptions
            let (extractor, batch, split) = try fitAndRead(reader, schema: schema, options: options, rejects: &rejects)
            for algorithm in trained {
                let recipe = try modelOptions.recipe(algorithm)
                let name =
                    algorithm.rawValue
                    + (modelOptions.calibrate == .none ? "" : " (\(modelOptions.calibrate.rawValue))")
                do {
                    if let split {
                        let labels = split.test.map { batch.labels[$0] }
                        try checkOutcomes(labels, what: "the test rows")
                        Terminal.progress("\(name): training on \(grouped(split.train.count)) rows…")
                        let (model, calibrator) = try ModelFile.fit(
                            batch.rows(split.train), extractor: extractor, recipe: recipe,
                            calibration: modelOptions.calibrate.method, calibrationFolds: modelOptions.calibrationFolds,
                            seed: modelOptions.trees.seed,
                            threads: threads)
                        let file = ModelFile(
                            extractor: extractor, model: model, calibrator: calibrator,
                            training: .init(dataFile: input, rows: split.train.count, positiveRows: 0, rejectedRows: 0))
                        let p = file.probabilities(FeatureMatrix(rows: split.test, of: batch.matrix), threads: threads)
                        measured.append(
                            Measured(name: name, labels: labels, probabilities: p))
                        design = splitDescription(split, of: batch)
                    } else {
                        try checkOutcomes(batch.labels, what: "the rows")
                        let assignment = CrossValidation.stratifiedFolds(
                            labels: batch.labels, k: folds, seed: modelOptions.trees.seed)
                        let p = try CrossValidation.outOfFoldProbabilities(
                            batch, extractor: extractor, recipe: recipe, folds: assignment,
                            calibration: modelOptions.calibrate.method, calibrationFolds: modelOptions.calibrationFolds,
                            seed: modelOptions.trees.seed,
                            threads: threads
                        ) { Terminal.progress("\(name): fold \($0) of \($1)…") }
                        measured.append(
                            Measured(name: name, labels: batch.labels, probabilities: p))
                        design =
                            "\(folds)-fold stratified cross-validation over \(grouped(batch.matrix.rowCount)) rows"
                    }
                } catch let error as LogisticRegression.TrainingError {
                    throw CommandFailure("\(reader.file): cannot train \(name): \(error)")
                } catch let error as GradientBoostedTrees.TrainingError {
                    throw CommandFailure("\(reader.file): cannot train \(name): \(error)")
                }
            }
        }
        Terminal.endProgress()

        let report = json ? jsonReport(measured, design: design) : textReport(measured, design: design)
        let rejectsPath = (output ?? "evaluation") + ".rejects.csv"
        try writeRejects(rejects.problems, to: rejectsPath)
        if let plot { try writePlots(measured, to: plot) }
        if let output {
            let out = try OutputFile(path: output)
            try out.write(report)
            try out.commit()
            Terminal.say("wrote \(output): \(measured.map(\.name).joined(separator: ", ")) measured on \(design)")
        } else {
            FileHandle.standardOutput.write(Data(report.utf8))
        }
        if !rejects.problems.isEmpty {
            Terminal.say("warning: \(grouped(rejects.problems.count)) rows were not used; see \(rejectsPath)")
        }
    }

    // MARK: - Reading

    /// The train and test rows of a time-ordered split (indices into the batch).
    struct Split {
        var train: [Int]
        var test: [Int]
    }

    /// Rows problems, each line once (a file is read once per model).
    struct RejectList {
        var problems: [RowProblem] = []
        private var seen: Set<Int> = []

        mutating func add(_ problem: RowProblem) {
            if seen.insert(problem.location.line).inserted { problems.append(problem) }
        }
    }

    /// Whether a value of the split column falls in the test rows.
    func isTest(_ value: Substring) -> Bool {
        let from = testFrom!
        if let a = Double(value), let b = Double(from) { return a >= b }
        return value >= Substring(from)
    }

    /// The index of the split column in `header`.
    func splitColumn(_ header: [String], file: String) throws -> Int? {
        guard let splitBy else { return nil }
        guard let k = header.firstIndex(of: splitBy) else {
            throw CommandFailure(
                "\(file): line 1: no column \"\(splitBy)\" to split by; the columns are \(header.joined(separator: ", "))"
            )
        }
        return k
    }

    /// Fits the vocabularies (on the training rows only, with a split) and reads every row.
    func fitAndRead(
        _ reader: CSVReader, schema: Schema, options: FeatureOptions, rejects: inout RejectList
    ) throws -> (FeatureExtractor, FeatureBatch, Split?) {
        Terminal.progress("reading \(reader.file)…")
        guard let column = try splitColumn(reader.header, file: reader.file) else {
            var problems: [RowProblem] = []
            let (extractor, batch) = try FeatureExtractor.fitTransform(
                reader, schema: schema, options: options, requireLabel: true, threads: threads
            ) { problems.append($0) }
            for p in problems { rejects.add(p) }
            return (extractor, batch, nil)
        }
        let extractor = try FeatureExtractor.fit(
            reader, schema: schema, options: options, requireLabel: true,
            including: { r in
                let value = r.field(column).string.trimmingCharacters(in: .whitespaces)
                return !value.isEmpty && !isTest(Substring(value))
            })
        let (batch, split) = try read(with: extractor, rejects: &rejects)
        return (extractor, batch, split)
    }

    /// Reads every row of INPUT with `extractor`, split when asked.
    func read(with extractor: FeatureExtractor, rejects: inout RejectList) throws -> (FeatureBatch, Split?) {
        let reader = try inputOptions.reader(input)
        Terminal.progress("reading \(reader.file)…")
        let column = try splitColumn(reader.header, file: reader.file)
        let bound = try BoundSchema(extractor.schema, header: reader.header, file: reader.file, label: .required)
        var problems: [RowProblem] = []
        var batch = try extractor.transform(
            reader, bound: bound, requireLabel: true, keeping: column.map { [$0] } ?? []
        ) { problems.append($0) }
        guard let column else {
            for p in problems { rejects.add(p) }
            return (batch, nil)
        }
        var split = Split(train: [], test: [])
        var kept: [Int] = []
        for r in 0..<batch.matrix.rowCount {
            let value = batch.kept[r].trimmingCharacters(in: .whitespaces)
            if value.isEmpty {
                problems.append(
                    RowProblem(
                        SourceLocation(file: reader.file, line: batch.lines[r], column: column + 1),
                        "no value in \"\(splitBy!)\" to split by"))
                continue
            }
            kept.append(r)
            if isTest(Substring(value)) {
                split.test.append(kept.count - 1)
            } else {
                split.train.append(kept.count - 1)
            }
        }
        if kept.count < batch.matrix.rowCount { batch = batch.rows(kept) }
        for p in problems.sorted(by: { $0.location.line < $1.location.line }) { rejects.add(p) }
        guard !split.train.isEmpty || !models.isEmpty, !split.test.isEmpty else {
            throw CommandFailure(
                "\(reader.file): splitting by \"\(splitBy!)\" at \(testFrom!) leaves \(grouped(split.train.count)) training and \(grouped(split.test.count)) test rows; both need some"
            )
        }
        return (batch, split)
    }

    func splitDescription(_ split: Split, of batch: FeatureBatch) -> String {
        "train: \(splitBy!) < \(testFrom!) (\(grouped(split.train.count)) rows); test: \(splitBy!) ≥ \(testFrom!) (\(grouped(split.test.count)) rows)"
    }

    func checkOutcomes(_ labels: [Float], what: String) throws {
        let positives = labels.count { $0 == 1 }
        guard positives >= 2 && labels.count - positives >= 2 else {
            throw CommandFailure(
                "\(input): \(what) hold \(positives) overturned and \(labels.count - positives) upheld claims; measuring needs at least 2 of each"
            )
        }
    }

    // MARK: - Reports

    func textReport(_ measured: [Measured], design: String) -> String {
        let first = measured[0].evaluation.metrics
        var out =
            "\(input): \(design); \(String(format: "%.1f", first.positiveRate * 100))% of the measured rows overturned\n"
        if modelOptions.calibrate != .none && !algorithms.isEmpty || modelOptions.calibrate != .none && models.isEmpty {
            out +=
                "calibration: \(modelOptions.calibrate.rawValue), fitted on \(modelOptions.calibrationFolds) folds of each model's training rows\n"
        }
        out += "\n"
        let width = max(14, measured.map(\.name.count).max()! + 2)
        func line(_ label: String, _ cells: [String]) {
            out += label.padding(toLength: 28, withPad: " ", startingAt: 0)
            for c in cells { out += String(repeating: " ", count: max(1, width - c.count)) + c }
            out += "\n"
        }
        func f(_ v: Double, _ digits: Int = 4) -> String { v.isFinite ? String(format: "%.\(digits)f", v) : "–" }
        line("", measured.map(\.name))
        line("AUC", measured.map { f($0.evaluation.metrics.auc) })
        line(
            "  95% interval",
            measured.map { "\(f($0.evaluation.aucInterval.lower, 3))–\(f($0.evaluation.aucInterval.upper, 3))" })
        line("log loss", measured.map { f($0.evaluation.metrics.logLoss) })
        line("Brier score", measured.map { f($0.evaluation.metrics.brier) })
        line("calibration error (ECE)", measured.map { f($0.evaluation.expectedCalibrationError) })
        for (k, share) in measured[0].evaluation.top.map(\.share).enumerated() {
            let percent = String(format: "%g%%", share * 100)
            line("precision, top \(percent)", measured.map { f($0.evaluation.top[k].precision, 3) })
            line("lift, top \(percent)", measured.map { f($0.evaluation.top[k].lift, 2) + "×" })
        }
        out += "\ncalibration: rows, mean probability → overturn rate, per bin of probability\n"
        line("", measured.map(\.name))
        for b in 0..<10 {
            let label = String(format: "%.1f–%.1f", Double(b) / 10, Double(b + 1) / 10)
            line(
                label,
                measured.map { m in
                    let bin = m.evaluation.calibration[b]
                    guard let mean = bin.meanProbability, let rate = bin.overturnRate else { return "0" }
                    return "\(grouped(bin.rows)) · \(f(mean, 2)) → \(f(rate, 2))"
                })
        }
        return out
    }

    func jsonReport(_ measured: [Measured], design: String) -> String {
        struct Report: Encodable {
            var data: String
            var design: String
            var calibration: String?
            var models: [Model]
            struct Model: Encodable {
                var name: String
                var evaluation: Evaluation
            }
        }
        let report = Report(
            data: input, design: design,
            calibration: modelOptions.calibrate == .none ? nil : modelOptions.calibrate.rawValue,
            models: measured.map { Report.Model(name: $0.name, evaluation: $0.evaluation) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return String(decoding: try! encoder.encode(report), as: UTF8.self) + "\n"
    }

    func writePlots(_ measured: [Measured], to folder: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        } catch {
            throw CommandFailure(
                "\(folder): cannot make the folder for plots: \((error as NSError).localizedDescription)")
        }
        var roc = SVGChart(title: "ROC curve", x: "false positive rate", y: "true positive rate")
        var reliability = SVGChart(title: "Reliability", x: "mean probability", y: "share overturned")
        for m in measured {
            let curve = Evaluation.rocCurve(labels: m.labels, probabilities: m.probabilities)
            roc.add(
                m.name + String(format: " (AUC %.3f)", m.evaluation.metrics.auc), points: curve.map { ($0.fpr, $0.tpr) }
            )
            let bins = m.evaluation.calibration.compactMap { b in
                b.meanProbability.flatMap { p in b.overturnRate.map { (p, $0) } }
            }
            reliability.add(
                m.name + String(format: " (ECE %.3f)", m.evaluation.expectedCalibrationError), points: bins,
                markers: true)
        }
        for (name, chart) in [("roc.svg", roc), ("reliability.svg", reliability)] {
            let out = try OutputFile(path: (folder as NSString).appendingPathComponent(name))
            try out.write(chart.svg)
            try out.commit()
        }
    }
}
