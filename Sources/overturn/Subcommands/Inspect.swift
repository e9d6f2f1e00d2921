import ArgumentParser
import Foundation
import Overturn

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Print what a model file holds: kind, size, schema, training, metrics and top inputs.",
        discussion: """
            Loads and checks MODEL as `overturn score` would, then summarizes it. Trees rank their \
            inputs by their share of the total split gain; logistic regression by the size of each \
            column's weight (log-odds per standard deviation for numbers, per unit for the rest).

              overturn inspect Models/ca-imr-trees.json
              overturn inspect Models/claims-logistic.json --top 20
            """)

    @Argument(help: "The model file.")
    var model: String

    @Option(help: "How many of the most important inputs to list.")
    var top = 10

    func validate() throws {
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func run() throws {
        let file = try ModelFile.load(path: model)
        let bytes = (try? FileManager.default.attributesOfItem(atPath: model)[.size] as? Int) ?? 0
        var lines: [String] = []
        let size: String
        switch file.model {
        case .trees(let m):
            let nodes = m.trees.reduce(0) { $0 + $1.nodeCount }
            let leaves = m.trees.reduce(0) { $0 + $1.leafCount }
            size = "\(m.trees.count) trees, \(grouped(nodes)) nodes (\(grouped(leaves)) leaves)"
        case .logistic(let m):
            size = "\(grouped(m.weights.count)) weights and an intercept"
        }
        lines.append(
            "\(model): \(file.kind) model, \(size); \(String(format: "%.1f", Double(bytes) / 1e6)) MB, "
                + "format \(file.formatVersion), written by Overturn \(file.overturnVersion)")
        let schema = file.extractor.schema
        lines.append(
            "schema \(schema.name): id \(schema.id ?? "(line number)"), label \(schema.label?.column ?? "(none)"), "
                + "\(schema.features.count) input columns → \(grouped(file.extractor.width)) feature columns"
                + (file.trees.map { " → \(grouped($0.features.count)) tree features" } ?? ""))
        let t = file.training
        if file.trees.map({ $0.fit == nil }) == true {
            lines.append("imported \(t.date) from \(t.dataFile)")
        } else {
            let rate = t.rows > 0 ? 100 * Double(t.positiveRows) / Double(t.rows) : 0
            lines.append(
                "trained \(t.date) on \(t.dataFile): \(grouped(t.rows)) rows, "
                    + String(format: "%.1f%% overturned", rate) + ", \(grouped(t.rejectedRows)) rows rejected")
            if let hash = t.dataSHA256 { lines.append("training data SHA-256 \(hash)") }
        }
        switch file.model {
        case .trees(let m):
            guard let fit = m.fit else { break }
            let o = fit.options
            lines.append(
                "options: \(o.trees) trees at most, learning rate \(o.learningRate), \(o.maxLeaves) leaves, "
                    + "depth \(o.maxDepth == 0 ? "unlimited" : String(o.maxDepth)), \(o.growth.rawValue), "
                    + "\(o.maxBins) bins, L2 \(o.l2), \(o.minSamplesLeaf) rows per leaf, categories \(o.categories.rawValue), "
                    + "seed \(o.seed)")
            lines.append(
                "training: \(fit.iterations) trees grown, \(m.trees.count) kept (\(fit.stoppedBy)); "
                    + String(format: "training log loss %.4f", fit.trainingLogLoss))
            if let v = fit.validation {
                lines.append(
                    "validation: \(grouped(v.rows)) rows, "
                        + String(format: "AUC %.4f, log loss %.4f, Brier %.4f", v.auc, v.logLoss, v.brier))
            } else {
                lines.append("validation: none (trained with --validation-fraction 0)")
            }
        case .logistic(let m):
            let o = m.fit.options
            lines.append(
                "options: C \(o.c), solver \(o.solver.rawValue), tolerance \(o.tolerance)"
                    + (o.balanced ? ", balanced class weights" : ""))
            lines.append(
                "training: \(m.fit.iterations) iterations, "
                    + (m.fit.converged ? "converged" : "did not converge")
                    + String(format: ", objective %.6f", m.fit.objective))
        }
        switch file.calibrator {
        case .platt(let slope, let intercept):
            lines.append(
                "calibration: Platt, probability = sigmoid(\(String(format: "%.4f", slope)) × margin \(intercept < 0 ? "−" : "+") "
                    + String(format: "%.4f)", abs(intercept))
                    + (t.calibrationFolds.map { ", fitted on the out-of-fold margins of \($0) folds" } ?? ""))
        case .isotonic(let margins, let probabilities):
            lines.append(
                "calibration: isotonic, \(margins.count) knots, probabilities "
                    + String(format: "%.3f to %.3f", probabilities.first ?? 0, probabilities.last ?? 0)
                    + (t.calibrationFolds.map { ", fitted on the out-of-fold margins of \($0) folds" } ?? ""))
        case nil:
            lines.append("calibration: none (probabilities are the logistic function of the margin)")
        }
        let inputs = file.topInputs(top)
        if !inputs.isEmpty {
            switch file.model {
            case .trees: lines.append("top inputs by share of split gain:")
            case .logistic: lines.append("top columns by |weight| (log-odds):")
            }
            let width = inputs.map(\.name.count).max() ?? 0
            for (i, input) in inputs.enumerated() {
                let value: String =
                    switch file.model {
                    case .trees: String(format: "%5.1f%%", 100 * input.value)
                    case .logistic: String(format: "%+.3f", input.value)
                    }
                lines.append(
                    String(format: "%3d. ", i + 1) + input.name.padding(toLength: width, withPad: " ", startingAt: 0)
                        + "  " + value)
            }
        }
        print(lines.joined(separator: "\n"))
    }
}
