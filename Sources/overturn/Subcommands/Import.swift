import ArgumentParser
import Foundation
import Overturn

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Turn another library's model into an Overturn model file.",
        discussion: """
            Reads an XGBoost JSON model (`booster.save_model("model.json")`; objective \
            binary:logistic, gbtree, numeric splits) and writes an ordinary Overturn model file. Its \
            schema is one number column per XGBoost feature, named as the model names them (f0, \
            f1, … when it does not), so `overturn score` scores a CSV with those columns as XGBoost \
            would (a blank cell is a missing value), and `overturn inspect` describes it.

              overturn import --from xgboost model.json -o Models/imported.json
            """)

    enum Source: String, ExpressibleByArgument, CaseIterable {
        case xgboost
    }

    @Option(help: "The library that wrote FILE: \(Source.allCases.map(\.rawValue).joined(separator: ", ")).")
    var from: Source

    @Argument(help: "The model file to import.")
    var file: String

    @Option(name: [.short, .customLong("output")], help: "The Overturn model file to write.")
    var output: String

    func run() throws {
        let model: ModelFile
        do {
            switch from {
            case .xgboost: model = try ModelFile.importXGBoost(path: file)
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
