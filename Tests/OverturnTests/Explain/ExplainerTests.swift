import Foundation
import Testing

@testable import Overturn

/// Explanations grouped per input column, their waterfall of reasons, and rows put back in words.
@Suite struct ExplainerTests {
    /// 30 trees on the claims sample (categories native: tree features are whole columns).
    static let sample: (file: ModelFile, batch: FeatureBatch) = {
        let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
        let (extractor, batch) = try! FeatureExtractor.fitTransform(
            CSVReader(path: path), schema: .claims, requireLabel: true)
        var options = GradientBoostedTrees.Options()
        options.trees = 30
        let model = try! GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        let file = ModelFile(
            extractor: extractor, model: .trees(model),
            training: .init(dataFile: "claims-sample.csv", rows: 5000, positiveRows: 0, rejectedRows: 0))
        return (file, batch)
    }()

    @Test func explanationsAddUpToTheMarginOnAnyNumberOfThreads() {
        let (file, batch) = Self.sample
        let explainer = Explainer(file)
        let one = explainer.explain(batch.matrix, threads: 1)
        #expect(explainer.explain(batch.matrix, threads: 2) == one)
        #expect(one.count == 5000)
        #expect(one[0].inputs.count == file.extractor.schema.features.count)
        for (explanation, margin) in zip(one, file.margins(batch.matrix)) {
            #expect(abs(explanation.margin - margin) < 1e-9)
        }
        // A slice of rows is explained as those rows of the whole.
        #expect(explainer.explain(batch.matrix, rows: 100..<110) == Array(one[100..<110]))
        // Summed per input as TreeSHAP goes, or per feature and then per input: the same numbers.
        let byFeature = Explainer(file, grouping: .feature)
        let phi = byFeature.contributions(batch.matrix)
        let width = byFeature.featureNames.count
        for (r, explanation) in byFeature.explain(batch.matrix).enumerated() {
            var inputs = [Double](repeating: 0, count: explanation.inputs.count)
            for f in 0..<width { inputs[byFeature.featureInput[f]] += phi[r * width + f] }
            #expect(inputs == explanation.inputs)
            for (a, b) in zip(explanation.inputs, one[r].inputs) { #expect(abs(a - b) < 1e-12) }
        }
    }

    /// `score --reasons` writes each row's reasons as CSV fields without an explanation or a
    /// String per row: the same words as `words`, quoted where they hold a comma, and empty fields
    /// past a row's last reason.
    @Test func reasonFieldsAreTheWaterfallInWords() throws {
        let (file, batch) = Self.sample
        let explainer = Explainer(file)
        let rows = 0..<300
        let explanations = explainer.explain(batch.matrix, rows: rows)
        let contributions = explainer.inputContributions(batch.matrix, rows: rows)
        let inputs = file.extractor.schema.features.count
        var quoted = 0
        var scratch: [UInt8] = []
        for first in [1, 3, inputs + 2] {
            for r in rows {
                var line: [UInt8] = []
                contributions.withUnsafeBufferPointer { phi in
                    explainer.appendReasons(
                        UnsafeBufferPointer(rebasing: phi[(r * inputs)..<((r + 1) * inputs)]), row: r,
                        of: batch.matrix, first: first, to: &line, scratch: &scratch)
                }
                let words = explainer.words(explanations[r], row: r, of: batch.matrix, first: first)
                #expect(words.count <= first)
                let expected = (0..<first).map { $0 < words.count ? csvTextField(words[$0]) : "" }
                #expect(String(decoding: line, as: UTF8.self) == expected.map { "," + $0 }.joined())
                quoted += expected.filter { $0.hasPrefix("\"") }.count
            }
        }
        #expect(quoted > 0)  // ICD-10 titles with commas
    }

    @Test func numbersAreWrittenAsPeopleWriteThem() {
        let cases: [(Float, String)] = [
            (3, "3"), (-3, "-3"), (0, "0"), (-0.0, "0"), (12.5, "12.5"), (1234.567, "1234.57"), (-7.25, "-7.25"),
            (2.001, "2"), (-0.001, "0"), (0.1, "0.1"), (1e16, "10000000272564224"),
            // A whole number a Float cannot hold is written as the Float it became.
            (Float(123_456_789 as Double), "123456792"),
        ]
        for (value, text) in cases { #expect(FeatureExtractor.number(value) == text, "\(value)") }
        #expect(Explainer.points(6.25) == "+6.2 pts")  // halves to even
        #expect(Explainer.points(-12.75) == "-12.8 pts")
        #expect(Explainer.points(-0.04) == "-0.0 pts")
        #expect(Explainer.points(.nan) == "nan pts")
    }

    /// Found by the model-file fuzzer: a tree model whose features cover only the first inputs
    /// (the rest read by no tree) explained every row out of bounds; those inputs now get 0.
    @Test func inputsNoTreeReadsContributeNothing() throws {
        let (file, batch) = Self.sample
        var model = try #require(file.trees)
        let kept = model.features.indices.filter { file.extractor.columnFeature[model.features[$0].column] < 3 }
        model.features = kept.map { model.features[$0] }
        var tree = Tree()
        let root = tree.addLeaf(value: 0, cover: 2)
        tree.left[root] = Int32(tree.addLeaf(value: -1, cover: 1))
        tree.right[root] = Int32(tree.addLeaf(value: 1, cover: 1))
        tree.feature[root] = 0
        tree.threshold[root] = 0.5
        model.trees = [tree]
        let small = ModelFile(extractor: file.extractor, model: .trees(model), training: file.training)
        let explanations = Explainer(small).explain(batch.matrix, rows: 0..<50)
        let margins = small.margins(batch.matrix)
        for (r, explanation) in explanations.enumerated() {
            #expect(explanation.inputs.count == file.extractor.schema.features.count)
            #expect(explanation.inputs[3...].allSatisfy { $0 == 0 })
            #expect(abs(explanation.margin - margins[r]) < 1e-12)
        }
    }

    @Test func reasonsAreAWaterfallLargestFirst() {
        let explanation = Explanation(base: -0.5, inputs: [0.2, 0, -0.9, 0.2, 1.4])
        let reasons = explanation.reasons()
        #expect(reasons.map(\.input) == [4, 2, 0, 3])  // zero left out; ties in schema order
        let total = reasons.reduce(0) { $0 + $1.points }
        #expect(abs(total - 100 * (explanation.probability - explanation.baseProbability)) < 1e-9)
        // The first reason moves from the base probability.
        #expect(abs(reasons[0].points - 100 * (sigmoid(0.9) - sigmoid(-0.5))) < 1e-12)
        #expect(reasons[1].points < 0)
        // The first k are those of all of them, whatever k.
        for k in 0...6 { #expect(explanation.reasons(first: k) == Array(reasons.prefix(k))) }
        let ties = Explanation(base: 0, inputs: [-0.3, 0.3, 0.1, -0.3, 0, 0.3])
        #expect(ties.reasons().map(\.input) == [0, 1, 3, 5, 2])
        #expect(ties.reasons(first: 3).map(\.input) == [0, 1, 3])
    }

    @Test func icd10TitlesFallBackToTheCategory() {
        #expect(ICD10CM.title("F33.2") == "Major depressive disorder, recurrent severe without psychotic features")
        #expect(ICD10CM.title("M54.50") == "Dorsalgia (category)")  // a 2022 code, newer than the titles
        #expect(ICD10CM.title("E11") == "Type 2 diabetes mellitus")
        #expect(ICD10CM.title("96365") == nil)
    }

    @Test func rowsAreDescribedInWords() throws {
        let schema = Schema(
            name: "words", id: "id", label: nil,
            features: [
                .category("payer"), .codes("dx", .icd10), .count("meds"), FeatureSpec(column: "amount", kind: .number),
                .flag("letter"),
            ])
        var text = "id,payer,dx,meds,amount,letter\n"
        for i in 0..<20 { text += "r\(i),Aetna,F33.2;F41.1,\(i % 4),12.5,\(i % 2)\n" }
        text += "new,Zeta,F33.2;Z99.9,,1234.567,\n"
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(text: text, name: "d.csv"), schema: schema, options: FeatureOptions(minCount: 2))
        let codes = "F33.2 Major depressive disorder, recurrent severe without psychotic features; "
        #expect(
            extractor.describe(row: 1, of: batch.matrix) == [
                "Aetna", codes + "F41.1 Generalized anxiety disorder", "1", "12.5", "yes",
            ])
        #expect(extractor.describe(row: 0, of: batch.matrix)[2...] == ["0", "12.5", "no"])
        #expect(
            extractor.describe(row: 20, of: batch.matrix) == ["other", codes + "other", "blank", "1234.57", "blank"])
        #expect(extractor.describe(row: 20, of: batch.matrix, only: [3]) == ["", "", "", "1234.57", ""])
        for r in [0, 1, 20] {
            let all = extractor.describe(row: r, of: batch.matrix)
            for f in all.indices { #expect(extractor.describe(row: r, of: batch.matrix, input: f) == all[f]) }
        }
    }
}
