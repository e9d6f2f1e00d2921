import ArgumentParser
import Foundation
import Overturn

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn another library's model into an Overturn model file.",
        discussion: """
            Reads an XGBoost JSON model (`booster.save_model("model.json")`; objective \
            binary:logistic, gbtree, numeric splits) or a LightGBM text model \
            (`booster.save_model("model.txt")`; objective binary, numeric splits) and writes an \
            ordinary Overturn model file. Its schema is one number column per feature, named as the \
            model names them (f0, f1, … or Column_0, Column_1, … when it does not), so `overturn \
            score` scores a CSV with those columns as the library would (a blank cell is a missing \
            value), and `overturn inspect` describes it.

              overturn import --from xgboost model.json -o Models/imported.json
              overturn import --from lightgbm model.txt -o Models/imported.json
            """)

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case xgboost, lightgbm
    }

    @Option(help: "The library that wrote FILE: \(Source.allCases.map(\.rawValue).joined(separator: ", ")).")
    var from: Source

    @Argument(help: "The model file to import.")
    var file: String

    @Option(name: [.short, .customLong("output")], help: "The Overturn model file to write.")
    var output: String

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func run() throws {
        let model: ModelFile
        do {
            switch from {
            case .xgboost: model = try ModelFile.importXGBoost(path: file)
            case .lightgbm: model = try ModelFile.importLightGBM(path: file)
            }
        } catch let error as ModelFile.ImportError {
            throw CommandFailure(error.description)
        }
        try model.write(to: output)
        let trees = model.trees?.trees.count ?? 0
        Terminal.say(
            "wrote \(output): \(trees) trees over \(model.extractor.schema.features.count) number columns, from \(file)"
        )
    }
}
