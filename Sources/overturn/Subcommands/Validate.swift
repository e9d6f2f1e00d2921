import ArgumentParser
import Foundation
import Overturn

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check a CSV file against its schema before training or scoring on it.",
        discussion: """
            Prints every problem as FILE:LINE:COLUMN: message (columns are counted as in a \
            spreadsheet, from 1), then a summary. Exits with status 1 when any row has a problem. \
            Codes with stray spaces or lower case are normalized, not reported.

              overturn validate denials.csv
              overturn validate export.csv --schema our-export.json --require-label
            """)

    @Argument(help: "The CSV file, or - for standard input.")
    var input: String

    @Option(
        help:
            "A built-in schema (claims, ca-imr) or a JSON schema file; by default the built-in one that fits the header."
    )
    var schema: String?

    @Flag(help: "Treat a missing or blank label as a problem (for files meant for training).")
    var requireLabel = false

    @Option(help: "How many problems to print.")
    var maxProblems: Int = 50

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func run() throws {
        let reader = try inputOptions.reader(input)
        let schema = try resolveSchema(self.schema, header: reader.header, file: reader.file)
        let report = try Validation.run(reader, schema: schema, requireLabel: requireLabel, maxProblems: maxProblems) {
            reader in
            if let size = reader.fileSize, size > 0 {
                Terminal.progress("validating: \(Int(100 * Double(reader.bytesConsumed) / Double(size)))%")
            }
        }
        Terminal.endProgress()
        for problem in report.problems { print(problem) }
        if report.problemCount > report.problems.count {
            print("… and \(grouped(report.problemCount - report.problems.count)) more problems (--max-problems)")
        }
        var summary = "\(reader.file): \(grouped(report.rows)) rows read with schema \(schema.name)"
        summary +=
            report.isClean
            ? ", no problems"
            : "; \(grouped(report.rowsWithProblems)) rows with problems (\(grouped(report.problemCount)) problems)"
        if report.hasLabel {
            summary +=
                "; labels: \(grouped(report.positiveLabels)) positive, \(grouped(report.negativeLabels)) negative"
            if report.blankLabels > 0 { summary += ", \(grouped(report.blankLabels)) blank" }
        } else if schema.label != nil {
            summary += "; no label column (fine for scoring, not for training)"
        }
        if !quietOption.quiet { print(summary) }
        if !report.isClean { throw ExitCode(1) }
    }
}

/// The schema a command uses: the one named, or the built-in one that fits the header.
func resolveSchema(_ name: String?, header: [String], file: String) throws -> Schema {
    if let name { return try Schema.resolve(name) }
    guard let schema = Schema.detect(header: header) else { throw SchemaError.noSchemaFits(file: file) }
    return schema
}
