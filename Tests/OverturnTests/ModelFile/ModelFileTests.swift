import Foundation
import Testing

@testable import Overturn

private func trainedFile() throws -> (ModelFile, FeatureBatch) {
    let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
    let (extractor, batch) = try FeatureExtractor.fitTransform(
        try CSVReader(path: path), schema: .claims, requireLabel: true)
    let model = try LogisticRegression.fit(batch, extractor: extractor)
    let file = ModelFile(
        extractor: extractor, model: .logistic(model),
        training: .init(dataFile: "claims-sample.csv", rows: batch.matrix.rowCount, positiveRows: 2092, rejectedRows: 0)
    )
    return (file, batch)
}

@Suite struct ModelFileTests {
    @Test func roundTripGivesTheSameBytesAndScores() throws {
        let (file, batch) = try trainedFile()
        let folder = try TemporaryFolder()
        let path = folder.path("m.json")
        try file.write(to: path)
        let loaded = try ModelFile.load(path: path)
        #expect(loaded == file)
        #expect(loaded.probabilities(batch.matrix) == file.probabilities(batch.matrix))
        let again = folder.path("again.json")
        try loaded.write(to: again)
        #expect(try Data(contentsOf: URL(fileURLWithPath: again)) == Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test func theShippedModelScoresTheSample() throws {
        let model = try ModelFile.load(path: repositoryRoot.appendingPathComponent("Models/claims-logistic.json").path)
        let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
        let batch = try model.extractor.transform(try CSVReader(path: path))
        let p = model.probabilities(batch.matrix)
        #expect(p.count == 5000)
        #expect(p.allSatisfy { $0 > 0 && $0 < 1 })
        // Better than chance on data it never saw (Models/README.md: AUC 0.7457).
        var sums = [0.0, 0.0]
        var counts = [0.0, 0.0]
        for (probability, label) in zip(p, batch.labels) {
            sums[Int(label)] += probability
            counts[Int(label)] += 1
        }
        let meanOverturned = sums[1] / counts[1]
        let meanUpheld = sums[0] / counts[0]
        #expect(meanOverturned > meanUpheld + 0.1)
    }

    @Test func badFilesAreClearErrors() throws {
        let folder = try TemporaryFolder()
        let missing = folder.path("none.json")
        #expect(throws: ModelFileError.self) { try ModelFile.load(path: missing) }

        let notModel = try folder.write("x.json", #"{"name": "claims"}"#)
        #expect(throws: ModelFileError.notAModel(file: notModel)) { try ModelFile.load(path: notModel) }

        let newer = try folder.write(
            "n.json", #"{"format": "overturn-model", "formatVersion": 7, "overturnVersion": "9.0.0"}"#)
        #expect(throws: ModelFileError.newerFormat(file: newer, version: 7, writer: "9.0.0", supported: 1)) {
            try ModelFile.load(path: newer)
        }

        // A model whose weights do not fit its extractor.
        let (file, _) = try trainedFile()
        var broken = file
        if case .logistic(var m) = broken.model {
            m.weights.removeLast()
            broken.model = .logistic(m)
        }
        let path = folder.path("b.json")
        try broken.write(to: path)
        #expect(throws: ModelFileError.self) { try ModelFile.load(path: path) }
        do {
            _ = try ModelFile.load(path: path)
        } catch {
            #expect("\(error)".contains("does not fit the \(file.extractor.width) feature columns"))
        }
    }
}
