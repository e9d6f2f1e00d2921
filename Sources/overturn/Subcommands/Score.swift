import ArgumentParser
import Foundation
import Overturn

struct Score: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Score claims: the probability that each appeal wins.",
        discussion: """
            Writes one line per claim, `ID,probability` (then --reasons and any --keep columns), in \
            the order of INPUT. A label column in INPUT is ignored. The input streams through in chunks, on all \
            cores, in constant memory whatever its size.

            Rows that cannot be scored are listed in OUTPUT.rejects.csv (scores.rejects.csv when \
            OUTPUT is -) with line, column and reason, and the run ends with status 1; --strict \
            stops at the first one instead. A file OUTPUT appears only when the run is complete; \
            standard output receives lines as they are scored.

            Without --model, the shipped default model (Models/\(DefaultModel.name), trees trained on \
            synthetic claims) is used, found in ./Models or beside the overturn binary; \
            OVERTURN_MODEL names another.

              overturn score Datasets/claims-sample.csv -o scores.csv
              overturn score export.csv --model model.json --keep payer --keep billed_amount -o scores.csv
              overturn score denials.csv --reasons 3 -o scores.csv
              cat export.csv | overturn score - --model model.json > scores.csv
            """)

    @Argument(help: "The CSV to score, or - for standard input.")
    var input: String

    @Option(help: "The model file (from `overturn train` or `overturn import`); default: the shipped one.")
    var model: String?

    @Option(name: [.short, .customLong("output")], help: "The CSV to write, or - for standard output.")
    var output: String = "-"

    @Option(
        help: ArgumentHelp(
            "A column of INPUT to copy into the output after the probability (repeat, or list with commas).",
            valueName: "column"))
    var keep: [String] = []

    @Option(
        help: ArgumentHelp(
            "Add the K largest reasons for each probability (reason_1 … reason_K), as `overturn explain` words them.",
            valueName: "K"))
    var reasons: Int = 0

    @Flag(help: "Stop at the first row that cannot be scored, writing nothing, instead of listing it.")
    var strict = false

    @Option(help: "Threads to score on; the output does not depend on it.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: ArgumentHelp("Bytes of input per chunk of work.", visibility: .hidden))
    var chunkBytes: Int = 256 << 10

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard reasons >= 0 else { throw ValidationError("--reasons must be 0 or more") }
        guard chunkBytes >= 1 else { throw ValidationError("--chunk-bytes must be at least 1") }
    }

    func run() throws {
        BLASThreads.endIdleThreads()  // the chunks run on all cores; BLAS inside each on one
        let modelPath = try model ?? DefaultModel.path()
        let file = try ModelFile.load(path: modelPath)
        let reader = try inputOptions.reader(input)
        var options = ScoringJob.Options()
        options.threads = threads
        options.keep = keep.flatMap { $0.split(separator: ",").map(String.init) }
        options.strict = strict
        options.reasons = reasons
        options.chunkBytes = chunkBytes
        let started = Date()  // the explainer's tables (--reasons) are made with the job: count them
        let job: ScoringJob
        do {
            job = try ScoringJob(model: file, input: reader, options: options)
        } catch let failure as ScoringJob.Failure {
            throw CommandFailure(failure.description)
        }

        let out = try OutputFile(path: output)
        let rejectsPath = (output == "-" ? "scores" : output) + ".rejects.csv"
        let rejects = RejectsFile(path: rejectsPath)
        var lastDraw = started
        let summary: ScoringJob.Summary
        do {
            summary = try job.run(
                write: { try out.write($0) }, reject: { try rejects.add($0) },
                progress: { so in
                    let now = Date()
                    guard now.timeIntervalSince(lastDraw) >= 0.25 else { return }
                    lastDraw = now
                    Terminal.progress(
                        Self.progressLine(so, size: reader.fileSize, seconds: now.timeIntervalSince(started)))
                })
        } catch let failure as ScoringJob.Failure {
            Terminal.endProgress()
            throw CommandFailure(failure.description)
        }
        Terminal.endProgress()
        try rejects.finish()
        try out.commit()
        let seconds = Date().timeIntervalSince(started)
        Terminal.say(
            "scored \(grouped(summary.rows)) rows of \(reader.file) with \(modelPath) (\(file.kind)) in "
                + String(format: "%.2f s", seconds))
        if summary.rejected > 0 {
            Terminal.error("\(grouped(summary.rejected)) rows were not scored; see \(rejectsPath)")
            throw ExitCode(1)
        }
    }

    /// `scored 1,234,567 rows · 850k rows/s · 45% · 3 s left` (the share and time left need a file).
    static func progressLine(_ so: ScoringJob.Summary, size: Int?, seconds: Double) -> String {
        let rate = Double(so.rows) / max(seconds, 1e-9)
        var text = "scored \(grouped(so.rows)) rows · \(grouped(Int(rate / 1000)))k rows/s"
        if let size, size > 0, so.bytes > 0 {
            let done = Double(so.bytes) / Double(size)
            text += String(format: " · %.0f%% · %.0f s left", 100 * done, seconds * (1 - done) / done)
        }
        return text
    }
}

/// The model `overturn score` uses without --model.
enum DefaultModel {
    static let name = "claims-trees.json"

    /// `$OVERTURN_MODEL`, else Models/claims-trees.json in the current folder or in a folder above
    /// the binary (a checkout's `.build/release/overturn` finds the checkout's Models/).
    static func path() throws -> String {
        if let named = ProcessInfo.processInfo.environment["OVERTURN_MODEL"], !named.isEmpty { return named }
        var candidates = ["Models/" + name]
        var folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<5 {
            candidates.append(folder.appendingPathComponent("Models/" + name).path)
            folder.deleteLastPathComponent()
        }
        guard let found = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw CommandFailure(
                "no --model given, and the default model Models/\(name) is not in ./Models or beside the overturn binary; "
                    + "pass --model MODEL.json or set OVERTURN_MODEL")
        }
        return found
    }
}
