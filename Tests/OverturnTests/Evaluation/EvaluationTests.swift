import Foundation
import Overturn
import Testing

@Suite struct EvaluationTests {
    // Positives score 0.9, 0.6, 0.4; negatives 0.7, 0.4, 0.2, 0.1 (one tie across the classes).
    let labels: [Float] = [1, 0, 1, 1, 0, 0, 0]
    let scores = [0.9, 0.7, 0.6, 0.4, 0.4, 0.2, 0.1]

    @Test func aucCountsTiesAsOneHalf() {
        // Of 12 positive–negative pairs, 9 are ordered right and one tied: (9 + 0.5) / 12.
        #expect(abs(Metrics.auc(labels: labels, scores: scores) - 9.5 / 12) < 1e-15)
    }

    @Test func delongIntervalByHand() {
        // Placements of the positives: 4/4, 3/4, 2.5/4 (variance 0.0364583…); of the negatives
        // (share of positives above): 1/3, 2.5/3, 1, 1 (variance 0.0995370…).
        // Var = 0.0364583/3 + 0.0995370/4 = 0.0370370; se = 0.1924501.
        let e = Evaluation(labels: labels, probabilities: scores)
        let se = (0.0729166666 / 2 / 3 + 0.2986111111 / 3 / 4).squareRoot()
        #expect(abs(e.aucInterval.lower - (9.5 / 12 - 1.959964 * se)) < 1e-9)
        #expect(e.aucInterval.upper == 1)  // clipped
    }

    @Test func calibrationBinsAndExpectedError() {
        let e = Evaluation(labels: [0, 1, 0, 1, 1], probabilities: [0.05, 0.15, 0.12, 0.95, 1.0])
        #expect(e.calibration.map(\.rows) == [1, 2, 0, 0, 0, 0, 0, 0, 0, 2])
        #expect(e.calibration[1].meanProbability! == 0.135)
        #expect(e.calibration[1].overturnRate == 0.5)
        #expect(e.calibration[2].meanProbability == nil)  // empty
        // (1·|0.05 − 0| + 2·|0.135 − 0.5| + 2·|0.975 − 1|) / 5
        #expect(abs(e.expectedCalibrationError - 0.83 / 5) < 1e-12)
    }

    @Test func precisionAndLiftAtTheTop() {
        // 10 rows, 4 overturned (rate 0.4). The top 10% is one row, the top 20% two (one tied
        // with a third row: the earlier row wins the tie).
        let labels: [Float] = [0, 1, 1, 0, 0, 1, 0, 0, 1, 0]
        let p = [0.1, 0.9, 0.5, 0.8, 0.2, 0.5, 0.3, 0.4, 0.6, 0.7]
        let e = Evaluation(labels: labels, probabilities: p, topShares: [0.1, 0.2, 0.5])
        #expect(e.top.map(\.rows) == [1, 2, 5])
        #expect(e.top[0].precision == 1)
        #expect(e.top[0].lift == 2.5)
        #expect(e.top[1].precision == 0.5)  // 0.9 (yes), 0.8 (no)
        // 0.9, 0.8, 0.7, 0.6, then the first of the two 0.5s (row 2, overturned): 3 of 5.
        #expect(e.top[2].precision == 0.6)
        #expect(abs(e.top[2].lift - 1.5) < 1e-12)
    }

    @Test func rocCurveHasOnePointPerDistinctScore() {
        let curve = Evaluation.rocCurve(labels: labels, probabilities: scores)
        #expect(curve.count == 7)  // (0, 0) and six distinct scores
        #expect(curve.first! == (0, 0))
        #expect(curve.last! == (1, 1))
        // After the tied 0.4s: 3 of 3 positives and 2 of 4 negatives.
        #expect(curve[4] == (0.5, 1))
    }
}

@Suite struct CrossValidationTests {
    @Test func stratifiedFoldsAreBalancedAndSeeded() {
        let labels: [Float] = (0..<103).map { $0 % 3 == 0 ? 1 : 0 }  // 35 positives
        let folds = CrossValidation.stratifiedFolds(labels: labels, k: 5, seed: 4)
        #expect(folds == CrossValidation.stratifiedFolds(labels: labels, k: 5, seed: 4))
        #expect(folds != CrossValidation.stratifiedFolds(labels: labels, k: 5, seed: 5))
        let sizes = (0..<5).map { f in folds.count { $0 == f } }
        let positives = (0..<5).map { f in folds.indices.count { folds[$0] == f && labels[$0] == 1 } }
        #expect(sizes.max()! - sizes.min()! <= 1)
        #expect(positives.max()! - positives.min()! <= 1)
        #expect(sizes.reduce(0, +) == 103)
    }

    @Test func outOfFoldMarginsComeFromModelsThatDidNotSeeTheRow() throws {
        let (extractor, batch) = try sampleBatch(rows: 1500)
        let recipe = ModelFile.Recipe.logistic(LogisticRegression.Options())
        let folds = CrossValidation.stratifiedFolds(labels: batch.labels, k: 3, seed: 1)
        let margins = try CrossValidation.outOfFoldMargins(batch, extractor: extractor, recipe: recipe, folds: folds)
        // Fold 1 again by hand.
        let train = folds.indices.filter { folds[$0] != 1 }
        let test = folds.indices.filter { folds[$0] == 1 }
        let model = try ModelFile.Model.fit(batch.rows(train), extractor: extractor, recipe: recipe)
        let expected = model.margins(FeatureMatrix(rows: test, of: batch.matrix))
        // To the last bits only: OpenBLAS's loops round by the alignment of the arrays they get
        // (under AddressSanitizer the two differ).
        for (i, r) in test.enumerated() { #expect(abs(margins[r] - expected[i]) <= 1e-12 * max(1, abs(expected[i]))) }
        #expect(margins.allSatisfy { $0.isFinite })
    }

    @Test func calibratedModelFileScoresThroughItsCalibrator() throws {
        let (extractor, batch) = try sampleBatch(rows: 1500)
        let (model, calibrator) = try ModelFile.fit(
            batch, extractor: extractor, recipe: .logistic(LogisticRegression.Options()), calibration: .isotonic,
            calibrationFolds: 3)
        let c = try #require(calibrator)
        var file = ModelFile(
            extractor: extractor, model: model, calibrator: c,
            training: .init(dataFile: "sample", rows: 1500, positiveRows: 0, rejectedRows: 0))
        file.training.calibrationFolds = 3
        let margins = file.margins(batch.matrix)
        #expect(file.probabilities(batch.matrix) == margins.map { c.probability(margin: $0) })
        // The explanation's waterfall ends at the calibrated probability.
        let explanation = Explainer(file).explain(batch.matrix, rows: 0..<1)[0]
        #expect(abs(explanation.probability - c.probability(margin: margins[0])) < 1e-9)
        if let last = explanation.reasons().last { #expect(abs(last.probability - explanation.probability) < 1e-12) }
        #expect(explanation.reasons(first: 2) == Array(explanation.reasons().prefix(2)))
        // And it survives a round trip through the file.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("calibrated-\(UUID()).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try file.write(to: path)
        #expect(try ModelFile.load(path: path) == file)
    }
}

/// The first `rows` rows of the shipped claims sample, extracted.
func sampleBatch(rows: Int) throws -> (FeatureExtractor, FeatureBatch) {
    let reader = try CSVReader(path: repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path)
    let (extractor, batch) = try FeatureExtractor.fitTransform(reader, schema: .claims, requireLabel: true)
    return (extractor, batch.rows(Array(0..<rows)))
}
