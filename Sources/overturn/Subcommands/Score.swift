import ArgumentParser
import Foundation
import Overturn

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score claims: the probability that each appeal wins.",
        discussion: """
            Writes one line per claim, `ID,probability`, in the order of INPUT. A label column in INPUT \
            is ignored. Rows with problems are not scored: they are listed in OUTPUT.rejects.csv \
            (scores.rejects.csv when OUTPUT is -) with line, column and reason, and the run ends with \
            status 1. The output appears only when the \
            run is complete.

              overturn score Datasets/claims-sample.csv --model Models/claims-logistic.json -o scores.csv
              cat export.csv | overturn score - --model model.json -o - > scores.csv
            """)

    @Argument(help: "The CSV to score, or - for standard input.")
    var input: String

    @Option(help: "The model file (from `overturn train`).")
    var model: String

    @Option(name: [.short, .customLong("output")], help: "The CSV to write, or - for standard output.")
    var output: String = "-"

    @Option(help: "Threads to score on (OpenBLAS's and Overturn's own); the output does not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        BLASThreads.set(threads)
        let file = try ModelFile.load(path: model)
        let reader = try CSVReader(path: input)
        var rejects: [RowProblem] = []
        let batch = try file.extractor.transform(reader) { rejects.append($0) }
        let probabilities = file.probabilities(batch.matrix, threads: threads)
        let out = try OutputFile(path: output)
        try out.write("\(csvQuoted(spreadsheetSafe(file.extractor.schema.id ?? "line"))),probability\n")
        var line: [UInt8] = []
        for (id, p) in zip(batch.ids, probabilities) {
            line.removeAll(keepingCapacity: true)
            line.append(contentsOf: csvQuoted(spreadsheetSafe(id)).utf8)
            line.append(contentsOf: String(format: ",%.6f\n", p).utf8)
            try out.write(line)
        }
        let rejectsPath = (output == "-" ? "scores" : output) + ".rejects.csv"
        try writeRejects(rejects, to: rejectsPath)
        try out.commit()
        Terminal.say("scored \(grouped(batch.matrix.rowCount)) rows of \(reader.file) with \(model) (\(file.kind))")
        if !rejects.isEmpty {
            Terminal.say("error: \(grouped(rejects.count)) rows were not scored; see \(rejectsPath)")
            throw ExitCode(1)
        }
    }
}
