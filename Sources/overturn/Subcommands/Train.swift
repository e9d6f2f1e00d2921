import ArgumentParser
import Foundation
import Overturn

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train",
        abstract: "Train a model on past appeal outcomes and write it as a model file.",
        discussion: """
            Reads INPUT (every row needs its outcome), fits the feature vocabularies and the model, \
            and writes one JSON model file that `overturn score` uses. Rows with problems are not \
            used; they are listed in OUTPUT.rejects.csv with their line, column and reason.

              overturn train Datasets/claims-sample.csv -o Models/my-claims.json
              overturn train Datasets/claims-sample.csv --algorithm trees --trees 500 -o trees.json
              overturn train export.csv --schema our-export.json --class-weight balanced -o model.json

            The model file records the training date; set SOURCE_DATE_EPOCH (seconds since 1970) to \
            fix it, and the same data, options and seed give the same file byte for byte, on any \
            number of threads.

            logistic: L2-penalized logistic regression, minimizing 0.5·|w|² + C·Σ weightᵢ·loglossᵢ as \
            scikit-learn does, with number and flag columns standardized inside the model.

            trees: histogram gradient-boosted trees grown as LightGBM grows them (leaf-wise, learned \
            directions for missing values; a split on a category sends one level or a group of \
            levels to one side). By default 10% of the rows are held out: training stops when their \
            log loss has not improved for 20 trees, and their AUC, log loss and Brier score are \
            written into the model file. Give --validation-fraction 0 to train every tree on every \
            row, or --validation FILE to stop on other rows.
            """)

    @Argument(help: "The training CSV.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "The model file to write.")
    var output: String

    @Option(help: "The model: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")).")
    var algorithm: Algorithm = .logistic

    @Option(help: "Threads for reading the file, for OpenBLAS and for growing trees.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup
    var modelOptions: ModelOptions

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    /// Now, or `$SOURCE_DATE_EPOCH` (seconds since 1970) when set, as reproducible builds date
    /// their products: the same data, options and seed then give the same model file, byte for byte.
    func trainingDate() -> Date {
        guard let text = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"], let seconds = Int(text) else {
            return Date()
        }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    func run() throws {
        let start = Date()
        BLASThreads.set(threads)
        let reader = try inputOptions.reader(input)
        let schema = try resolveSchema(modelOptions.schema, header: reader.header, file: reader.file)
        var rejects: [RowProblem] = []
        Terminal.progress("reading \(reader.file)…")
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            reader, schema: schema, options: modelOptions.featureOptions, requireLabel: true, threads: threads
        ) { rejects.append($0) }
        var validation: FeatureBatch?
        if algorithm == .trees, let path = modelOptions.trees.validation {
            let validationReader = try inputOptions.reader(path)
            Terminal.progress("reading \(validationReader.file)…")
            validation = try extractor.transform(validationReader, requireLabel: true) { rejects.append($0) }
        }
        var trainingLoss = Double.nan
        let model: ModelFile.Model
        let calibrator: Calibrator?
        do {
            (model, calibrator) = try ModelFile.fit(
                batch, extractor: extractor, recipe: modelOptions.recipe(algorithm),
                calibration: modelOptions.calibrate.method, calibrationFolds: modelOptions.calibrationFolds,
                seed: modelOptions.trees.seed,
                validation: validation, threads: threads
            ) { progress in
                switch progress {
                case .logistic(let iteration, let objective, let gradient):
                    Terminal.progress(
                        String(format: "iteration %d: objective %.6f, gradient %.2e", iteration, objective, gradient))
                case .trees(let p):
                    trainingLoss = p.trainingLogLoss ?? trainingLoss
                    var line = String(
                        format: "tree %d of %d: training log loss %.5f", p.iteration, p.trees, trainingLoss)
                    if let v = p.validationLogLoss { line += String(format: ", validation %.5f", v) }
                    Terminal.progress(line)
                case .calibrationFold(let fold, let folds):
                    Terminal.progress("calibration: fold \(fold) of \(folds)…")
                }
            }
        } catch let error as LogisticRegression.TrainingError {
            throw CommandFailure("\(reader.file): cannot train: \(error)")
        } catch let error as GradientBoostedTrees.TrainingError {
            throw CommandFailure("\(reader.file): cannot train: \(error)")
        }
        var summary: String
        var warning: String?
        switch model {
        case .logistic(let fitted):
            summary = String(
                format: "logistic regression, %d iterations, objective %.6f", fitted.fit.iterations,
                fitted.fit.objective)
            warning = fitted.fit.warning
        case .trees(let fitted):
            summary = "\(fitted.trees.count) trees"
            if let report = fitted.fit, report.iterations > fitted.trees.count {
                summary += " (best of \(report.iterations))"
            }
            if let v = fitted.fit?.validation {
                summary += String(
                    format: "; on %@ validation rows: AUC %.4f, log loss %.4f, Brier %.4f", grouped(v.rows), v.auc,
                    v.logLoss, v.brier)
            }
        }
        if let calibrator {
            summary += "; \(calibrator.method.rawValue) calibration on \(modelOptions.calibrationFolds) folds"
        }
        Terminal.endProgress()
        let positives = batch.labels.filter { $0 == 1 }.count
        var training = ModelFile.TrainingMetadata(
            dataFile: reader.file, rows: batch.matrix.rowCount, positiveRows: positives, rejectedRows: rejects.count,
            date: trainingDate())
        training.dataSHA256 = input == "-" ? nil : try sha256(ofFile: input)
        training.calibrationFolds = calibrator == nil ? nil : modelOptions.calibrationFolds
        let file = ModelFile(extractor: extractor, model: model, calibrator: calibrator, training: training)
        try writeRejects(rejects, to: output + ".rejects.csv")
        try file.write(to: output)
        Terminal.say(
            "wrote \(output): \(summary); \(grouped(batch.matrix.rowCount)) rows × \(grouped(extractor.width)) columns"
                + String(format: ", in %.1f s", Date().timeIntervalSince(start)))
        if let warning { Terminal.say("warning: \(warning)") }
        if !rejects.isEmpty {
            Terminal.say("warning: \(grouped(rejects.count)) rows were not used; see \(output).rejects.csv")
        }
    }
}
