import ArgumentParser
import Foundation
import Overturn

struct Explain: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain predictions: what moved each claim's probability, and by how much.",
        discussion: """
            Each input column's contribution is measured in log-odds from the model's base value \
            (the margin expected before anything is known about a claim): exact TreeSHAP for trees, \
            exact linear contributions for logistic regression. Base plus contributions is the \
            claim's margin. In the waterfall the reasons come largest first, each in probability \
            points added to the ones above it, from the base rate to the claim's probability.

            After the waterfall, the recourse: among the inputs the schema marks actionable \
            (documentation, medications tried, days to appeal), the cheapest set of changes, in the \
            schema's costs, that lifts the probability to --target, and the single changes that \
            lift it most. Other inputs (payer, diagnosis, state) are never changed.

            With --id or --row, one claim: a waterfall on the terminal, or one JSON object with \
            --json. Without them, every claim: waterfalls one after another, or one JSON object per \
            line with --json (`id`, `line`, `base`, `margin`, `probability`, `contributions` in \
            log-odds by input column, or with --by feature by model feature leaving out zeros, and \
            `recourse`). \
            Rows that cannot be explained go to OUTPUT.rejects.csv (explanations.rejects.csv when \
            OUTPUT is -) and the run ends with status 1.

              overturn explain Datasets/claims-sample.csv --id CLM0000000004
              overturn explain denials.csv --row 17 --model model.json
              overturn explain denials.csv --json -o explanations.jsonl
            """)

    enum Grouping: String, ExpressibleByArgument, CaseIterable {
        case column, feature
    }

    @Argument(help: "The CSV of claims, or - for standard input.")
    var input: String

    @Option(help: "The model file; default: the shipped one (as for `overturn score`).")
    var model: String?

    @Option(help: "Explain only the claim with this id.")
    var id: String?

    @Option(help: "Explain only the claim on this line of INPUT (its row number in a spreadsheet; the header is 1).")
    var row: Int?

    @Flag(help: "JSON instead of text: one object, or one per line for every claim.")
    var json = false

    @Option(help: "JSON contributions by input column, or by model feature.")
    var by: Grouping = .column

    @Option(help: "The probability the recourse aims for: the cheapest changes to actionable inputs that reach it.")
    var target: Double = 0.5

    @Option(name: [.short, .customLong("output")], help: "Where to write, or - for standard output.")
    var output: String = "-"

    @Option(help: "Threads to explain on; the output does not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard target > 0 && target < 1 else { throw ValidationError("--target is a probability between 0 and 1") }
        guard id == nil || row == nil else { throw ValidationError("give --id or --row, not both") }
        if let row, row < 2 { throw ValidationError("--row counts lines of INPUT: the first claim is on line 2") }
    }

    func run() throws {
        let modelPath = try model ?? DefaultModel.path()
        let file = try ModelFile.load(path: modelPath)
        let explainer = Explainer(file, grouping: json && by == .feature ? .feature : .input, threads: threads)
        let recourse = RecourseFinder(file)
        let reader = try inputOptions.reader(input)
        let bound = try BoundSchema(
            file.extractor.schema, header: reader.header, file: reader.file, label: .ignored)
        let out = try OutputFile(path: output)
        let single = id != nil || row != nil
        let rejects = RejectsFile(path: (output == "-" ? "explanations" : output) + ".rejects.csv")
        var rejected = 0
        var found = false
        var explained = 0
        while !found {
            let next: CSVChunk?
            do {
                next = try reader.nextChunk(targetBytes: 1 << 20)
            } catch let error as CSVError where error.isRecoverable {
                // A row longer than the reader's limit, skipped.
                let problem = RowProblem(error.location!, error.shortDescription)
                if single && row == problem.location.line {
                    throw CommandFailure("\(problem) (the row asked for cannot be explained)")
                }
                if !single {
                    try rejects.add(problem)
                    rejected += 1
                }
                continue
            }
            guard let chunk = next else { break }
            var problems: [RowProblem] = []
            let batch = try file.extractor.transform(
                CSVReader(chunk: chunk, header: reader.header, file: reader.file), bound: bound
            ) { problems.append($0) }
            if single {
                if let row, let problem = problems.first(where: { $0.location.line == row }) {
                    throw CommandFailure("\(problem) (the row asked for cannot be explained)")
                }
                guard
                    let r = batch.ids.indices.first(where: { id != nil ? batch.ids[$0] == id : batch.lines[$0] == row })
                else { continue }
                found = true
                let features = json && by == .feature ? explainer.contributions(batch.matrix, rows: r..<(r + 1)) : []
                try out.write(
                    render(
                        r, of: batch, explainer.explain(batch.matrix, rows: r..<(r + 1))[0], features: features[...],
                        recourse: recourse.find(row: r, of: batch.matrix, target: target), explainer: explainer))
                break
            }
            for problem in problems { try rejects.add(problem) }
            rejected += problems.count
            let explanations = explainer.explain(batch.matrix, threads: threads)
            let features = json && by == .feature ? explainer.contributions(batch.matrix, threads: threads) : []
            let width = explainer.featureNames.count
            let recourses = recourse.find(batch.matrix, target: target, threads: threads)
            var text = ""
            for (r, explanation) in explanations.enumerated() {
                let own = features.isEmpty ? features[...] : features[(r * width)..<((r + 1) * width)]
                text += render(r, of: batch, explanation, features: own, recourse: recourses[r], explainer: explainer)
                if !json { text += "\n" }  // a blank line between waterfalls
            }
            try out.write(text)
            explained += explanations.count
        }
        if single && !found {
            let what = id.map { "no claim with id \($0)" } ?? "no claim on line \(row!)"
            throw CommandFailure("\(reader.file): \(what)")
        }
        try rejects.finish()
        try out.commit()
        if !single {
            Terminal.say("explained \(grouped(explained)) claims of \(reader.file) with \(modelPath)")
        }
        if rejected > 0 {
            Terminal.error("\(grouped(rejected)) rows were not explained; see \(rejects.path)")
            throw ExitCode(1)
        }
    }

    /// Claim `r` of `batch` as the output has it: a JSON line, or its waterfall and recourse.
    /// `features` holds its contributions per model feature for `--by feature` (else empty).
    func render(
        _ r: Int, of batch: FeatureBatch, _ explanation: Explanation, features: ArraySlice<Double>,
        recourse: Recourse, explainer: Explainer
    ) -> String {
        if json {
            return explainer.json(
                explanation, features: by == .feature ? features : nil, recourse: recourse, id: batch.ids[r],
                line: batch.lines[r]) + "\n"
        }
        return Self.waterfall(
            explanation, explainer: explainer, values: explainer.extractor.describe(row: r, of: batch.matrix),
            id: batch.ids[r], line: batch.lines[r]) + recourse.text
    }

    /// One claim's waterfall:
    ///
    /// ```
    /// CLM0000000004 (line 5): 60.5% chance that an appeal wins
    ///   base rate                                                 42.1%
    ///   has_medical_necessity_letter = yes   +12.0 pts  ██████    54.1%
    ///   ...
    /// ```
    static func waterfall(
        _ explanation: Explanation, explainer: Explainer, values: [String], id: String, line: Int
    ) -> String {
        let reasons = explanation.reasons()
        let labels = reasons.map { explainer.label($0, values: values) }
        let labelWidth = min(72, max(9, labels.map(\.count).max() ?? 0))
        let largest = max(reasons.map { abs($0.points) }.max() ?? 0, 1e-9)
        let barWidth = 24
        func percent(_ p: Double) -> String { String(format: "%5.1f%%", 100 * p) }
        func pad(_ text: String, _ width: Int) -> String {
            if text.count > width { return String(text.prefix(width - 1)) + "…" }
            return text + String(repeating: " ", count: width - text.count)
        }
        var text =
            "\(id) (line \(line)): \(percent(explanation.probability).trimmingCharacters(in: .whitespaces)) chance that an appeal wins\n"
        text +=
            "  \(pad("base rate", labelWidth))  \(String(repeating: " ", count: 10 + barWidth))  \(percent(explanation.baseProbability))\n"
        for (reason, label) in zip(reasons, labels) {
            let length = Int((abs(reason.points) / largest * Double(barWidth)).rounded())
            let bar = String(repeating: reason.points >= 0 ? "+" : "-", count: max(length, 1))
            text += "  \(pad(label, labelWidth))  \(pad(Explainer.points(reason.points), 10))"
            text += "\(pad(bar, barWidth))  \(percent(reason.probability))\n"
        }
        return text
    }
}
