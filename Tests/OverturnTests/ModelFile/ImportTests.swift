import Foundation
import Testing

@testable import Overturn

private func fixture(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("Tests/OverturnTests/Fixtures/\(name)").path
}

/// XGBoost's margins and probabilities for the rows of the fixture CSV, in order.
private func expected(_ name: String) throws -> [(margin: Double, probability: Double)] {
    let text = try String(contentsOfFile: fixture(name), encoding: .utf8)
    return text.split(separator: "\n").dropFirst().map { line in
        let parts = line.split(separator: ",")
        return (Double(parts[1])!, Double(parts[2])!)
    }
}

/// Trees trained on the claims sample with `options`, as a model file, and the sample's features.
private func sampleTrees(_ options: GradientBoostedTrees.Options) throws -> (ModelFile, FeatureBatch) {
    let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
    let (extractor, batch) = try FeatureExtractor.fitTransform(
        CSVReader(path: path), schema: .claims, requireLabel: true)
    let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
    let file = ModelFile(
        extractor: extractor, model: .trees(model),
        training: .init(dataFile: "claims-sample.csv", rows: 5000, positiveRows: 0, rejectedRows: 0))
    return (file, batch)
}

@Suite struct ImportTests {
    /// The fixtures (Fixtures/make_xgboost_fixture.py, make_lightgbm_fixture.py): models of depth 3 to
    /// 8 and 10 to 500 trees on four named columns with missing values and zeros; each imported model
    /// scores 100 other rows as its library does: margins to 1e-5, probabilities to 1e-6.
    @Test(arguments: [
        ("xgboost-small.json", "xgboost-small.csv", "xgboost-small-expected.csv", 12),
        ("xgboost-d3-t10.json", "xgboost-small.csv", "xgboost-d3-t10-expected.csv", 10),
        ("xgboost-d8-t500.json", "xgboost-small.csv", "xgboost-d8-t500-expected.csv", 500),
        ("lightgbm-small.txt", "lightgbm-small.csv", "lightgbm-small-expected.csv", 15),
        ("lightgbm-l7-t10.txt", "lightgbm-small.csv", "lightgbm-l7-t10-expected.csv", 10),
        ("lightgbm-d8-t500.txt", "lightgbm-small.csv", "lightgbm-d8-t500-expected.csv", 500),
        ("lightgbm-zero-t20.txt", "lightgbm-small.csv", "lightgbm-zero-t20-expected.csv", 20),
    ])
    func importedModelScoresAsItsLibrary(model: String, rows: String, expectations: String, trees: Int) throws {
        let file =
            model.hasSuffix(".json")
            ? try ModelFile.importXGBoost(path: fixture(model)) : try ModelFile.importLightGBM(path: fixture(model))
        #expect(
            file.extractor.schema.features.map(\.column) == [
                "failed_medications", "days_to_appeal", "billed_amount", "letter",
            ])
        #expect(file.trees?.trees.count == trees)
        let batch = try file.extractor.transform(CSVReader(path: fixture(rows)))
        #expect(batch.matrix.rowCount == 100)
        let margins = file.margins(batch.matrix)
        let probabilities = file.probabilities(batch.matrix)
        let reference = try expected(expectations)
        #expect(reference.count == 100)
        var worst = 0.0
        for (i, (margin, probability)) in reference.enumerated() {
            #expect(abs(margins[i] - margin) < 1e-5, "row \(i)")
            worst = max(worst, abs(probabilities[i] - probability))
        }
        #expect(worst < 1e-6)
    }

    /// The import is an ordinary model file: written, loaded and scored the same.
    @Test func importedModelRoundTrips() throws {
        let file = try ModelFile.importXGBoost(path: fixture("xgboost-small.json"))
        let folder = try TemporaryFolder()
        try file.write(to: folder.path("m.json"))
        let loaded = try ModelFile.load(path: folder.path("m.json"))
        #expect(loaded == file)
        #expect(loaded.trees?.fit == nil)
    }

    /// Trees trained here on the claims sample (Fixtures/make_export_fixture.py), exported to
    /// XGBoost JSON, once per way of splitting categories (a group of levels becomes an XGBoost
    /// categorical split on an appended level-number column; a target statistic a numeric split on an
    /// appended column): the export is byte for byte the one XGBoost scored, and XGBoost's
    /// probabilities on the first 300 rows equal Overturn's to 1e-6.
    @Test(arguments: [
        ("xgboost-export", GradientBoostedTrees.Options.CategorySplits.oneHot, 0),
        ("xgboost-export-native", .native, 4),
        ("xgboost-export-target-statistics", .targetStatistics, 4),
    ])
    func exportedTreesScoreInXGBoostAsInOverturn(
        name: String, categories: GradientBoostedTrees.Options.CategorySplits, groupedCategories: Int
    ) throws {
        var options = GradientBoostedTrees.Options()
        options.trees = 20
        options.maxLeaves = 15
        options.categories = categories
        options.validationFraction = 0
        let (file, batch) = try sampleTrees(options)
        let exported = try file.xgboostJSON()
        #expect(exported == (try Data(contentsOf: URL(fileURLWithPath: fixture("\(name).json")))))
        // The claims schema's four categories (payer, plan type, state, denial reason).
        let appended = file.xgboostAppendedColumns
        #expect(appended.count == groupedCategories)
        #expect(appended.allSatisfy { $0.categorical == (categories == .native) })
        let text = try String(contentsOfFile: fixture("\(name)-expected.csv"), encoding: .utf8)
        let xgboost = text.split(separator: "\n").dropFirst().map { Double($0.split(separator: ",")[1])! }
        let ours = file.probabilities(batch.matrix)
        #expect(xgboost.count == 300)
        let worst = zip(xgboost, ours).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-6)
    }

    /// The matrix an export reads: the extractor's columns unchanged, then per grouped category the
    /// row's level number (its stored column's place in the block), stored even when it is 0.
    @Test func exportMatrixAppendsLevelNumbers() throws {
        var options = GradientBoostedTrees.Options()
        options.trees = 3
        options.categories = .native
        let (file, batch) = try sampleTrees(options)
        let appended = file.xgboostAppendedColumns
        let features = file.trees!.features
        #expect(!appended.isEmpty && appended.allSatisfy { $0.categorical && $0.name.hasSuffix(" (level number)") })
        let wide = file.xgboostMatrix(batch.matrix)
        #expect(wide.width == batch.matrix.width + appended.count && wide.rowCount == batch.matrix.rowCount)
        for i in [0, 1, 17, 4_999] {
            let (narrow, _) = batch.matrix.row(i)
            let (columns, values) = wide.row(i)
            #expect(Array(columns.prefix(narrow.count)) == Array(narrow))
            for (a, extra) in appended.enumerated() {
                let feature = features[extra.feature]
                let k = columns.firstIndex(of: Int32(batch.matrix.width + a))!
                let stored = narrow.first { $0 >= feature.column && $0 < feature.column + feature.levels }!
                #expect(values[k] == Float(Int(stored) - feature.column))
            }
        }
    }

    @Test func whatCannotBeImportedIsSaid() throws {
        let folder = try TemporaryFolder()
        /// What importing `text`, written to `name`, says.
        func importing(_ name: String, _ text: String) throws -> String {
            let path = try folder.write(name, text)
            do {
                _ =
                    name.hasSuffix(".json")
                    ? try ModelFile.importXGBoost(path: path) : try ModelFile.importLightGBM(path: path)
                return "imported"
            } catch let error as ModelFile.ImportError {
                return error.description.replacingOccurrences(of: path, with: name)
            }
        }
        let xgboost = try String(contentsOfFile: fixture("xgboost-small.json"), encoding: .utf8)
        let lightgbm = try String(contentsOfFile: fixture("lightgbm-small.txt"), encoding: .utf8)
        #expect(
            try importing(
                "r.json", xgboost.replacingOccurrences(of: "\"binary:logistic\"", with: "\"reg:squarederror\""))
                == "r.json: objective \"reg:squarederror\" (only binary:logistic) cannot be imported")
        #expect(
            try importing(
                "r.txt", lightgbm.replacingOccurrences(of: "objective=binary sigmoid:1", with: "objective=regression"))
                == "r.txt: objective \"regression\" (only binary) cannot be imported")
        #expect(
            try importing(
                "z.txt", lightgbm.replacingOccurrences(of: "decision_type=2 8 8 ", with: "decision_type=2 4 8 "))
                == "z.txt: feature days_to_appeal: splits that read zero as missing and others that read NaN cannot be imported"
        )
        #expect(try importing("n.json", #"{"learner": 3}"#).hasPrefix("n.json: not an XGBoost JSON model"))
        #expect(
            try importing(
                "c.json", xgboost.replacingOccurrences(of: "\"left_children\":[1,", with: "\"left_children\":[99,")
            )
            .contains("trees[0].left[0]: 99 is not a node"))
        #expect(
            try importing("t.txt", "tree\nversion=v4\n") == "t.txt: not a LightGBM text model (it starts with \"tree\")"
        )
    }
}
