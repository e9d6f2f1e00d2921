/// Checks a CSV file against a schema before anyone trains or scores on it, listing every problem.
///
/// Unlike feature extraction, which rejects a row at its first problem, validation checks every
/// field of every row, so one pass shows all there is to fix:
///
/// ```swift
/// let report = try Validation.run(CSVReader(path: "denials.csv"), schema: .claims)
/// for problem in report.problems { print(problem) }   // denials.csv:14:12: billed_amount: …
/// ```
public enum Validation {
    /// What a validation found.
    public struct Report: Sendable {
        /// Data rows read (blank lines are not rows).
        public var rows = 0
        /// Rows with at least one problem.
        public var rowsWithProblems = 0
        /// Every problem found, in file order, up to the limit given to `run`.
        public var problems: [RowProblem] = []
        /// All problems, including those past the limit.
        public var problemCount = 0
        /// Labels seen: positive, negative, blank (all zero when the file has no label column).
        public var positiveLabels = 0
        public var negativeLabels = 0
        public var blankLabels = 0
        /// Whether the file has the label column.
        public var hasLabel = false

        public var isClean: Bool { problemCount == 0 }
    }

    /// Validates every row of `reader` against `schema`.
    ///
    /// - Parameters:
    ///   - requireLabel: a blank or missing label is a problem (a file meant for training).
    ///   - maxProblems: how many problems to keep in `problems` (all are counted).
    /// - Throws: `SchemaError` when the header does not fit the schema, and unrecoverable `CSVError`s.
    public static func run(
        _ reader: CSVReader, schema: Schema, requireLabel: Bool = false, maxProblems: Int = 100,
        progress: (CSVReader) -> Void = { _ in }
    ) throws -> Report {
        let bound = try BoundSchema(
            schema, header: reader.header, file: reader.file, label: .init(required: requireLabel))
        var report = Report()
        report.hasLabel = bound.labelIndex != nil
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: maxCodeBytes + 16)
        defer { scratch.deallocate() }

        let labels = schema.label.map(LabelMatcher.init)
        var rowHasProblem = false
        func record(_ problem: RowProblem) {
            report.problemCount += 1
            if report.problems.count < maxProblems { report.problems.append(problem) }
            rowHasProblem = true
        }
        func problem(column: Int, _ message: String) {
            record(RowProblem(SourceLocation(file: reader.file, line: reader.line, column: column), message))
        }
        let reportCSV: (RowProblem) -> Void = { csvProblem in
            report.rows += 1
            report.rowsWithProblems += 1
            report.problemCount += 1
            if report.problems.count < maxProblems { report.problems.append(csvProblem) }
        }

        try reader.forEachRow(report: reportCSV) {
            report.rows += 1
            rowHasProblem = false
            if report.rows & 0xFFFF == 0 { progress(reader) }
            if let index = bound.idIndex, reader.field(index).isBlank {
                problem(column: index + 1, "\(schema.id!): the id is blank")
            }
            if let index = bound.labelIndex, let spec = schema.label, let labels {
                do {
                    switch try FieldRules.label(reader.field(index), labels, spec) {
                    case 1: report.positiveLabels += 1
                    case 0: report.negativeLabels += 1
                    default:
                        report.blankLabels += 1
                        if requireLabel { problem(column: index + 1, "\(spec.column): the label is blank") }
                    }
                } catch let error as ValueProblem {
                    problem(column: index + 1, error.message)
                }
            }
            for (f, spec) in schema.features.enumerated() {
                let index = bound.featureIndices[f]
                let field = reader.field(index)
                do {
                    try FieldRules.check(field, spec, scratch: scratch)
                } catch let error as ValueProblem {
                    problem(column: index + 1, error.message)
                }
            }
            if rowHasProblem { report.rowsWithProblems += 1 }
        }
        return report
    }
}
