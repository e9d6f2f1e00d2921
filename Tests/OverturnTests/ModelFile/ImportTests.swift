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

@Suite struct ImportTests {
    /// The fixture (Fixtures/make_xgboost_fixture.py): 12 trees of depth 4 on four named columns
    /// with missing values and zeros; the imported model scores 100 other rows as XGBoost does.
    @Test func xgboostModelScoresAsXGBoost() throws {
        let file = try ModelFile.importXGBoost(path: fixture("xgboost-small.json"))
        #expect(
            file.extractor.schema.features.map(\.column) == [
                "failed_medications", "days_to_appeal", "billed_amount", "letter",
            ])
        let batch = try file.extractor.transform(CSVReader(path: fixture("xgboost-small.csv")))
        #expect(batch.matrix.rowCount == 100)
        let margins = file.margins(batch.matrix)
        let probabilities = file.probabilities(batch.matrix)
        let reference = try expected("xgboost-small-expected.csv")
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

    @Test func whatCannotBeImportedIsSaid() throws {
        let folder = try TemporaryFolder()
        let text = try String(contentsOfFile: fixture("xgboost-small.json"), encoding: .utf8)
        let regression = try folder.write(
            "r.json", text.replacingOccurrences(of: "\"binary:logistic\"", with: "\"reg:squarederror\""))
        #expect(
            throws: ModelFile.ImportError.unsupported(
                file: regression, what: "objective \"reg:squarederror\" (only binary:logistic)")
        ) {
            try ModelFile.importXGBoost(path: regression)
        }
        let notModel = try folder.write("n.json", #"{"learner": 3}"#)
        #expect {
            try ModelFile.importXGBoost(path: notModel)
        } throws: { error in
            (error as? ModelFile.ImportError)?.description.hasPrefix("\(notModel): not an XGBoost JSON model") == true
        }
        let badChild = try folder.write(
            "c.json", text.replacingOccurrences(of: "\"left_children\":[1,", with: "\"left_children\":[99,"))
        #expect {
            try ModelFile.importXGBoost(path: badChild)
        } throws: { error in
            (error as? ModelFile.ImportError)?.description.contains("trees[0].left[0]: 99 is not a node") == true
        }
    }
}
