import ArgumentParser
import Foundation
import Overturn

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a tree model for another library: XGBoost's JSON format.",
        discussion: """
            XGBoost (and through it XGBoost4J-Spark) then scores the model as Overturn does. Its \
            features are the model's feature columns in order (f0, f1, …), followed, for trees that \
            split a category as a group of levels, by one column per such category holding the row's \
            level number (an XGBoost categorical feature) or its target statistic. `overturn features \
            --model` writes exactly that matrix; give XGBoost its dense form, with 0 where the CSR \
            matrix stores nothing and NaN for a missing number.

              overturn train past.csv --algorithm trees -o model.json
              overturn export --to xgboost model.json -o model.xgb.json
              overturn features new.csv --model model.json -o new-features/

            In Python: xgboost.Booster(model_file="model.xgb.json").inplace_predict(dense_matrix)
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
        let appended = file.xgboostAppendedColumns
        Terminal.say(
            "wrote \(output): \(file.trees?.trees.count ?? 0) trees over \(file.extractor.width) feature columns"
                + (appended.isEmpty
                    ? ""
                    : " and \(appended.count) more (\(appended.map(\.name).joined(separator: ", ")); "
                        + "`overturn features --model \(model)` writes them)"))
        if let calibrator = file.calibrator {
            Terminal.say(
                "note: XGBoost has no place for the model's \(calibrator.method.rawValue) calibrator: its margins are "
                    + "Overturn's, its probabilities the uncalibrated ones (the logistic function of the margin)")
        }
    }
}
