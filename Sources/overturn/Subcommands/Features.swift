import ArgumentParser
import Foundation
import Overturn

struct Features: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "features",
        abstract: "Extract the feature matrix of a CSV file, for inspection or for other tools.",
        discussion: """
            Fits the vocabularies on INPUT (or uses a fitted extractor), extracts every row in the same \
            read, and writes \
            a folder that NumPy and SciPy load directly: indptr.npy, indices.npy, data.npy (a CSR \
            matrix), labels.npy, columns.txt, ids.txt and extractor.json. Rows with problems are not \
            extracted; they are listed in rejects.csv with their line, column and reason.

              overturn features Datasets/claims-sample.csv -o features/
              overturn features test.csv --extractor features/extractor.json -o test-features/
              overturn features test.csv --model model.json -o test-features/

            With --model, the model's extractor is used and, for trees exported to XGBoost with \
            grouped category splits, the columns the export reads after the extractor's are appended \
            (see `overturn export`).

            In Python: scipy.sparse.csr_matrix((data, indices, indptr), shape=(len(indptr) - 1, len(columns)))
            """)

    @Argument(help: "The CSV file.")
    var input: String

    @Option(name: [.short, .customLong("output")], help: "The folder to write.")
    var output: String

    @Option(
        help:
            "A built-in schema (claims, ca-imr) or a JSON schema file; by default the built-in one that fits the header."
    )
    var schema: String?

    @Option(help: "Use this fitted extractor (extractor.json from an earlier run) instead of fitting on INPUT.")
    var extractor: String?

    @Option(
        help: ArgumentHelp(
            "Use this model file's extractor, and append the columns its XGBoost export reads.",
            valueName: "model"))
    var model: String?

    @Option(help: "Rows a value or code must appear in to get its own column.")
    var minCount: Int = 5

    @Flag(help: "Reject rows without a valid label (for training data).")
    var requireLabel = false

    @Option(help: "Threads to read and fit with (the output does not depend on it).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard minCount >= 1 else { throw ValidationError("--min-count must be at least 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard extractor == nil || model == nil else {
            throw ValidationError("give --extractor or --model, not both")
        }
    }

    func run() throws {
        let start = Date()
        var rejects: [RowProblem] = []
        let fitted: FeatureExtractor
        var batch: FeatureBatch
        var columnNames: [String]? = nil
        let reader = try inputOptions.reader(input)
        Terminal.progress("extracting features from \(reader.file)…")
        if let model {
            let file = try ModelFile.load(path: model)
            fitted = file.extractor
            batch = try fitted.transform(reader, requireLabel: requireLabel) { rejects.append($0) }
            batch.matrix = file.xgboostMatrix(batch.matrix)
            columnNames = fitted.columnNames + file.xgboostAppendedColumns.map(\.name)
        } else if let extractor {
            fitted = try FeatureExtractor.load(path: extractor)
            batch = try fitted.transform(reader, requireLabel: requireLabel) { rejects.append($0) }
        } else {
            let schema = try resolveSchema(self.schema, header: reader.header, file: reader.file)
            (fitted, batch) = try FeatureExtractor.fitTransform(
                reader, schema: schema, options: FeatureOptions(minCount: minCount), requireLabel: requireLabel,
                threads: threads
            ) { rejects.append($0) }
        }
        try FeatureExport.write(batch, extractor: fitted, columnNames: columnNames, to: output)
        try writeRejects(rejects, to: "\(output)/rejects.csv")
        Terminal.endProgress()
        let m = batch.matrix
        Terminal.say(
            "wrote \(output): \(grouped(m.rowCount)) rows × \(grouped(m.width)) columns, \(grouped(m.nonZeroCount)) stored values"
                + (rejects.isEmpty ? "" : ", \(grouped(rejects.count)) rows rejected (\(output)/rejects.csv)")
                + String(format: " in %.1f s", Date().timeIntervalSince(start)))
        if !rejects.isEmpty { throw ExitCode(1) }
    }
}
