import ArgumentParser
import Foundation
import Overturn

struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on past appeal outcomes and write it as a model file.",
        discussion: """
            Reads INPUT (every row needs its outcome), fits the feature vocabularies and the model, \
            and writes one JSON model file that `overturn score` uses. Rows with problems are not \
            used; they are listed in OUTPUT.rejects.csv with their line, column and reason.

              overturn train Datasets/claims-sample.csv -o Models/my-claims.json
              overturn train export.csv --schema our-export.json --class-weight balanced -o model.json

            Logistic regression minimizes 0.5·|w|² + C·Σ weightᵢ·loglossᵢ as scikit-learn does, with \
            number and flag columns standardized inside the model.
            """)

    enum Algorithm: String, ExpressibleByArgument, CaseIterable {
        case logistic
    }

    @Argument(help: "The training CSV.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "The model file to write.")
    var output: String

    @Option(help: "The model: \(Algorithm.allCases.map(\.rawValue).joined(separator: ", ")).")
    var algorithm: Algorithm = .logistic

    @Option(
        help:
            "A built-in schema (claims, ca-imr) or a JSON schema file; by default the built-in one that fits the header."
    )
    var schema: String?

    @Option(help: "Rows a value or code must appear in to get its own column.")
    var minCount: Int = 5

    @Option(name: .customLong("C"), help: "Inverse strength of the L2 penalty (scikit-learn's C).")
    var c: Double = 1

    @Option(help: "Class weights: none, balanced, or the weights of upheld and overturned as W0,W1.")
    var classWeight: String = "none"

    @Option(help: "Stop when the largest gradient component, scaled as scikit-learn scales it, is at most this.")
    var tolerance: Double = 1e-6

    @Option(help: "The most optimizer iterations.")
    var maxIterations: Int = 1000

    @Option(
        help:
            "The optimizer: newton (a few exact steps; for up to 3,000 columns), lbfgs, or auto (newton when it fits).")
    var solver: LogisticRegression.Options.Solver = .auto

    @Option(help: "Threads for reading the file and for OpenBLAS (the optimizer's own loops run on one).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard c > 0 && c.isFinite else { throw ValidationError("--C must be a positive number") }
        guard tolerance > 0 else { throw ValidationError("--tolerance must be positive") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        _ = try classWeights()
    }

    private func classWeights() throws -> (weights: [Double]?, balanced: Bool) {
        switch classWeight {
        case "none": return (nil, false)
        case "balanced": return (nil, true)
        default:
            let parts = classWeight.split(separator: ",").compactMap { Double($0) }
            guard parts.count == 2, parts.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw ValidationError("--class-weight takes none, balanced, or two positive numbers W0,W1")
            }
            return (parts, false)
        }
    }

    func run() throws {
        let start = Date()
        BLASThreads.set(threads)
        let reader = try CSVReader(path: input)
        let schema = try resolveSchema(self.schema, header: reader.header, file: reader.file)
        var rejects: [RowProblem] = []
        Terminal.progress("reading \(reader.file)…")
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            reader, schema: schema, options: FeatureOptions(minCount: minCount), requireLabel: true, threads: threads
        ) { rejects.append($0) }
        let (weights, balanced) = try classWeights()
        let options = LogisticRegression.Options(
            c: c, classWeights: weights, balanced: balanced, tolerance: tolerance, maxIterations: maxIterations,
            solver: solver)
        let model: LogisticRegression
        do {
            model = try LogisticRegression.fit(batch, extractor: extractor, options: options) {
                iteration, loss, gradient in
                Terminal.progress(
                    String(format: "iteration %d: objective %.6f, gradient %.2e", iteration, loss, gradient))
            }
        } catch let error as LogisticRegression.TrainingError {
            throw CommandFailure("\(reader.file): cannot train: \(error)")
        }
        Terminal.endProgress()
        let positives = batch.labels.filter { $0 == 1 }.count
        let file = ModelFile(
            extractor: extractor, model: .logistic(model),
            training: .init(
                dataFile: reader.file, rows: batch.matrix.rowCount, positiveRows: positives, rejectedRows: rejects.count
            ))
        try writeRejects(rejects, to: output + ".rejects.csv")
        try file.write(to: output)
        Terminal.say(
            "wrote \(output): logistic regression on \(grouped(batch.matrix.rowCount)) rows × \(grouped(extractor.width)) columns"
                + String(
                    format: ", %d iterations, objective %.6f, in %.1f s", model.fit.iterations, model.fit.objective,
                    Date().timeIntervalSince(start)))
        if let warning = model.fit.warning { Terminal.say("warning: \(warning)") }
        if !rejects.isEmpty {
            Terminal.say("warning: \(grouped(rejects.count)) rows were not used; see \(output).rejects.csv")
        }
    }
}

extension LogisticRegression.Options.Solver: ExpressibleByArgument {}
