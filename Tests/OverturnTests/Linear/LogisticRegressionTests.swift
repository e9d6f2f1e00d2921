import Foundation
import Testing

@testable import Overturn

/// The repository, from this file's place in it (tests read the shipped datasets and fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

/// scikit-learn's fit on the same matrix (Tests/OverturnTests/Fixtures/README.md says how it was made).
private struct ScikitLearnFit: Decodable {
    var columns: [String]
    var weights: [Double]
    var intercept: Double
    var objective: Double
}

private func fixture(_ name: String) throws -> ScikitLearnFit {
    let url = repositoryRoot.appendingPathComponent("Tests/OverturnTests/Fixtures/\(name)")
    return try JSONDecoder().decode(ScikitLearnFit.self, from: Data(contentsOf: url))
}

private let strict = LogisticRegression.Options(tolerance: 1e-10, maxIterations: 10_000)

/// Fits on CSV text with a small schema.
private func fit(_ text: String, schema: Schema, options: LogisticRegression.Options = strict, weights: [Double]? = nil)
    throws
    -> (LogisticRegression, FeatureExtractor, FeatureBatch)
{
    let (extractor, batch) = try FeatureExtractor.fitTransform(
        try CSVReader(text: text), schema: schema, options: FeatureOptions(minCount: 1), requireLabel: true)
    let model = try LogisticRegression.fit(batch, extractor: extractor, options: options, sampleWeights: weights)
    return (model, extractor, batch)
}

private let tiny = Schema(
    name: "tiny", id: "id", label: LabelSpec(column: "y", positive: ["1"], negative: ["0"]),
    features: [.category("payer"), FeatureSpec(column: "amount", kind: .number), .flag("letter")])

@Suite struct LogisticRegressionTests {
    @Test(arguments: [
        ("Datasets/ca-imr/ca_dmhc_imr_2001_2014.csv", Schema.caIMR, "lr-ca-imr-sklearn.json"),
        ("Datasets/claims-sample.csv", Schema.claims, "lr-claims-sample-sklearn.json"),
    ])
    func matchesScikitLearn(data: String, schema: Schema, fixtureName: String) throws {
        let expected = try fixture(fixtureName)
        let path = repositoryRoot.appendingPathComponent(data).path
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: schema, requireLabel: true)
        #expect(extractor.columnNames == expected.columns)
        for solver in [LogisticRegression.Options.Solver.newton, .lbfgs] {
            var options = strict
            options.solver = solver
            let model = try LogisticRegression.fit(batch, extractor: extractor, options: options)
            let worst = zip(model.weights, expected.weights).map { abs($0 - $1) }.max() ?? 0
            #expect(worst < 1e-4, "\(solver)")
            #expect(abs(model.intercept - expected.intercept) < 1e-4, "\(solver)")
            // The penalized objective is no worse than scikit-learn's by more than 1e-7 relative.
            #expect(model.fit.objective <= expected.objective * (1 + 1e-7), "\(solver)")
        }
    }

    @Test func contributionsSumToTheMargin() throws {
        let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, requireLabel: true)
        let model = try LogisticRegression.fit(batch, extractor: extractor)
        let margins = model.margins(batch.matrix)
        let contributions = model.contributions(batch.matrix)
        let width = extractor.width
        for i in stride(from: 0, to: batch.matrix.rowCount, by: 37) {
            let sum = contributions[(i * width)..<((i + 1) * width)].reduce(model.contributionBase, +)
            #expect(abs(sum - margins[i]) < 1e-9)
        }
    }

    @Test func denseScoringEqualsSparseScoring() throws {
        // Missing numbers included: those rows take the slow path.
        var text = "id,payer,amount,letter,y\n"
        for i in 0..<60 {
            text +=
                "r\(i),\(["A", "B", "C"][i % 3]),\(i % 5 == 0 ? "" : String(i % 7)),\(i % 2),\(i % 3 == 0 ? 1 : 0)\n"
        }
        let (model, extractor, batch) = try fit(text, schema: tiny)
        let sparse = model.margins(batch.matrix)
        let dense = batch.matrix.dense()
        let fromDense = dense.withUnsafeBufferPointer { model.margins(dense: $0, rows: batch.matrix.rowCount) }
        #expect(zip(sparse, fromDense).allSatisfy { abs($0 - $1) < 1e-5 })
        // Grouped by input column, the contributions still sum to the margin.
        let file = ModelFile(
            extractor: extractor, model: .logistic(model),
            training: .init(dataFile: "tiny.csv", rows: 60, positiveRows: 20, rejectedRows: 0))
        let explanations = Explainer(file).explain(batch.matrix)
        #expect(explanations[5].inputs.count == 3)
        for (explanation, margin) in zip(explanations, sparse) { #expect(abs(explanation.margin - margin) < 1e-9) }
    }

    @Test func threadsDoNotChangeTheScores() throws {
        let folder = try TemporaryFolder()
        let path = try folder.claims(rows: 20_000, seed: 5)
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, requireLabel: true)
        let model = try LogisticRegression.fit(batch, extractor: extractor)
        let one = model.margins(batch.matrix, threads: 1)
        #expect(model.margins(batch.matrix, threads: 2) == one)
        #expect(model.margins(batch.matrix, threads: 3) == one)
    }

    @Test func separableDataStaysFinite() throws {
        var text = "id,payer,amount,letter,y\n"
        for i in 0..<40 { text += "r\(i),A,\(i),\(i % 2),\(i % 2)\n" }  // the letter decides the outcome
        let (model, _, batch) = try fit(text, schema: tiny)
        #expect(model.fit.converged)
        #expect(model.weights.allSatisfy { $0.isFinite })
        let p = model.probabilities(batch.matrix)
        #expect(zip(p, batch.labels).allSatisfy { ($0 > 0.5) == ($1 == 1) })
    }

    @Test func oneClassIsAClearError() {
        let text = "id,payer,amount,letter,y\nr1,A,1,1,1\nr2,B,2,0,1\n"
        #expect(throws: LogisticRegression.TrainingError.oneClass(label: 1)) { try fit(text, schema: tiny) }
    }

    @Test func constantAndMissingValues() throws {
        // `amount` never varies: its scale is 1 and it gets no weight; a missing value sits at the mean.
        var text = "id,payer,amount,letter,y\n"
        for i in 0..<30 { text += "r\(i),\(i % 3 == 0 ? "A" : "B"),5,\(i % 2),\(i % 3 == 0 ? 1 : 0)\n" }
        text += "m,A,,1,1\n"
        let (model, extractor, batch) = try fit(text, schema: tiny)
        let amount = extractor.columnNames.firstIndex(of: "amount")!
        #expect(model.scaling.first { $0.column == amount }?.scale == 1)
        #expect(abs(model.weights[amount]) < 1e-6)
        #expect(model.margins(batch.matrix).allSatisfy { $0.isFinite })
    }

    @Test func sampleWeightsEqualRepeatedRows() throws {
        // Categories only: standardization, which is unweighted as scikit-learn's, stays out of it.
        let categorical = Schema(
            name: "categorical", id: "id", label: tiny.label, features: [.category("payer"), .category("plan")])
        var text = "id,payer,plan,y\n"
        for i in 0..<30 { text += "r\(i),\(["A", "B", "C"][i % 3]),\(["x", "y"][i % 2]),\(i * 5 % 3 == 0 ? 1 : 0)\n" }
        let doubled = text + "r0b,A,x,1\n"  // row r0 again
        let (weighted, _, _) = try fit(text, schema: categorical, weights: [2] + Array(repeating: 1, count: 29))
        let (repeated, _, _) = try fit(doubled, schema: categorical)
        #expect(zip(weighted.weights, repeated.weights).allSatisfy { abs($0 - $1) < 1e-6 })
        #expect(abs(weighted.intercept - repeated.intercept) < 1e-6)
    }

    @Test func balancedEqualsExplicitClassWeights() throws {
        var text = "id,payer,amount,letter,y\n"
        for i in 0..<40 { text += "r\(i),\(["A", "B"][i % 2]),\(i % 7),\(i % 3 == 0 ? 1 : 0),\(i % 4 == 0 ? 1 : 0)\n" }
        let (balanced, _, _) = try fit(text, schema: tiny, options: .init(balanced: true, tolerance: 1e-10))
        // 10 positives and 30 negatives: n / (2 · count).
        let (explicit, _, _) = try fit(
            text, schema: tiny, options: .init(classWeights: [40.0 / 60, 40.0 / 20], tolerance: 1e-10))
        #expect(zip(balanced.weights, explicit.weights).allSatisfy { abs($0 - $1) < 1e-9 })
    }

    @Test func aCapThatStopsTrainingIsReported() throws {
        let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, requireLabel: true)
        let model = try LogisticRegression.fit(
            batch, extractor: extractor, options: .init(tolerance: 1e-10, maxIterations: 5, solver: .lbfgs))
        #expect(!model.fit.converged)
        #expect(model.fit.warning?.contains("did not converge after 5 iterations") == true)
    }
}
