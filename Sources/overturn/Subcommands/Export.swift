import ArgumentParser
import Foundation
import Overturn

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a tree model for another library: XGBoost's JSON format.",
        discussion: """
            XGBoost (and through it XGBoost4J-Spark) then scores the model as Overturn does. Its \
            features are the model's feature columns in order (f0, f1, …: the columns `overturn \
            features --extractor` writes); give it the dense matrix of those columns, with 0 where the \
            CSR matrix stores nothing and NaN for a missing number. Trees whose splits group \
            category levels cannot be written (train with --categories one-hot to export).

              overturn train past.csv --algorithm trees --categories one-hot -o model.json
              overturn export --to xgboost model.json -o model.xgb.json
            """)

    enum Target: String, ExpressibleByArgument, CaseIterable {
        case xgboost
    }

    @Option(help: "The format to write: \(Target.allCases.map(\.rawValue).joined(separator: ", ")).")
    var to: Target

    @Argument(help: "The Overturn model file.")
    var model: String

    @Option(name: [.short, .customLong("output")], help: "The file to write.")
    var output: String

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func run() throws {
        let file = try ModelFile.load(path: model)
        let data: Data
        do {
            data = try file.xgboostJSON()
        } catch let error as ModelFile.ExportError {
            throw CommandFailure("\(model): \(error)")
        }
        let out = try OutputFile(path: output)
        try out.write(data)
        try out.commit()
        Terminal.say(
            "wrote \(output): \(file.trees?.trees.count ?? 0) trees over \(file.extractor.width) feature columns")
        if let calibrator = file.calibrator {
            Terminal.say(
                "note: XGBoost has no place for the model's \(calibrator.method.rawValue) calibrator: its margins are "
                    + "Overturn's, its probabilities the uncalibrated ones (the logistic function of the margin)")
        }
    }
}
