import ArgumentParser
import Foundation
import Overturn

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write synthetic denied claims in the standard claim CSV.",
        discussion: """
            The claims are synthetic: real payer names and real CPT/HCPCS and ICD-10 codes, with \
            outcomes drawn from a documented ground truth (Datasets/README.md) that has interactions, \
            diminishing returns and 3% label noise. The same --rows and --seed always give the same bytes.

              overturn generate --rows 1000000 --seed 7 -o claims_1m.csv
              overturn generate --rows 1000 | head
            """)

    @Option(help: "How many claims to write.")
    var rows: Int = 10_000

    @Option(help: "Seed for drawing the claims; the world (payer effects, code popularity) is fixed.")
    var seed: UInt64 = 7

    @Option(name: [.short, .customLong("output")], help: "The CSV to write, or - for standard output.")
    var output: String = "-"

    @Option(help: "Also write each claim's true overturn probability (claim_id,probability) to this CSV.")
    var truth: String?

    @Option(help: "Threads to generate with (the output does not depend on it).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        guard rows >= 0 else { throw ValidationError("--rows must be 0 or more") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
    }

    func run() throws {
        let out = try OutputFile(path: output)
        let truthFile = try truth.map { try OutputFile(path: $0) }
        let start = Date()
        let summary = try ClaimsGenerator(seed: seed).write(rows: rows, to: out, truth: truthFile, threads: threads) {
            done in
            Terminal.progress("generating: \(grouped(done)) of \(grouped(rows)) rows")
        }
        try out.commit()
        try truthFile?.commit()
        Terminal.endProgress()
        let seconds = Date().timeIntervalSince(start)
        Terminal.say(
            "wrote \(out.path): \(grouped(rows)) synthetic claims, seed \(seed), overturn rate "
                + String(
                    format: "%.3f (mean true probability %.3f) in %.1f s", summary.overturnRate,
                    summary.meanTrueProbability, seconds))
    }
}
