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

    /// Trees decode array by array (`Tree.init(from:)`); written back, the shipped tree models,
    /// one with 489 category sets, are their files byte for byte.
    @Test(arguments: ["claims-trees.json", "ca-imr-trees.json"])
    func shippedTreeModelsWriteBackTheirBytes(_ name: String) throws {
        let path = repositoryRoot.appendingPathComponent("Models/\(name)").path
        let file = try ModelFile.load(path: path)
        #expect(file.trees != nil)
        let folder = try TemporaryFolder()
        try file.write(to: folder.path(name))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: folder.path(name)))
                == Data(contentsOf: URL(fileURLWithPath: path)))
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
        // JSON that is not an object, or whose header has the wrong types.
        for (i, text) in [
            "[1, 2]", "null", "7", #"{"format": 3}"#, #"{"format": "overturn-model", "formatVersion": "1"}"#,
        ]
        .enumerated() {
            let path = try folder.write("other\(i).json", text)
            #expect(throws: ModelFileError.notAModel(file: path), "\(text)") { try ModelFile.load(path: path) }
        }

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

/// A small trees model file (an imported XGBoost fixture) as `ModelFile.write` writes it.
private func treesFileText() throws -> String {
    let folder = try TemporaryFolder()
    let path = folder.path("good.json")
    try ModelFile.importXGBoost(
        path: repositoryRoot.appendingPathComponent("Tests/OverturnTests/Fixtures/xgboost-small.json").path
    ).write(to: path)
    return try String(contentsOfFile: path, encoding: .utf8)
}

/// `text`, a trees model file, with its first tree changed by `edit`.
private func editingFirstTree(_ text: String, _ edit: (inout [String: Any]) -> Void) throws -> String {
    var json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
    var model = json["model"] as! [String: Any]
    var trees = model["trees"] as! [String: Any]
    var list = trees["trees"] as! [[String: Any]]
    edit(&list[0])
    trees["trees"] = list
    model["trees"] = trees
    json["model"] = model
    return String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
}

/// What loading `text` from a file named bad.json says: the error's description, or "loaded".
private func loadMessage(_ text: String) throws -> String {
    let folder = try TemporaryFolder()
    let path = try folder.write("bad.json", text)
    do {
        _ = try ModelFile.load(path: path)
        return "loaded"
    } catch let error as ModelFileError {
        return error.description
    }
}

/// Sets `tree[key][index]` to `value` in a tree of a model file's JSON.
private func set(_ tree: inout [String: Any], _ key: String, _ index: Int, to value: Int) {
    var array = tree[key] as! [Int]
    array[index] = value
    tree[key] = array
}

@Suite struct TreesModelFileTests {
    /// Edits the first tree of a trees model and returns what loading it says.
    private func loadError(_ edit: (inout [String: Any]) -> Void) throws -> String {
        try loadMessage(try editingFirstTree(try treesFileText(), edit))
    }

    @Test func aChildOutOfRangeIsNamed() throws {
        let message = try loadError { set(&$0, "left", 0, to: 999) }
        #expect(message.contains("model.trees.trees[0].left[0]: 999 is not a node"))
    }

    @Test func aCycleIsRejected() throws {
        // A leaf takes the root's children: they have two parents, and a walk could loop.
        let message = try loadError { tree in
            let leaf = (tree["feature"] as! [Int]).lastIndex { $0 < 0 }!
            for key in ["feature", "left", "right"] { set(&tree, key, leaf, to: (tree[key] as! [Int])[0]) }
        }
        #expect(message.contains("model.trees.trees[0].left: node"))
        #expect(message.contains("parents"))
    }

    @Test func aFeatureThatIsNotThereIsNamed() throws {
        let message = try loadError { set(&$0, "feature", 0, to: 100_000) }
        #expect(message.contains("model.trees.trees[0].feature[0]: 100000 is not one of the model's"))
    }

    /// Found by the mutation run: a leaf pointing at a category set crashed scoring.
    @Test func aLeafWithACategorySetIsRefused() throws {
        let message = try loadError { tree in
            let leaf = (tree["feature"] as! [Int]).lastIndex { $0 < 0 }!
            set(&tree, "categorySet", leaf, to: 7)
        }
        #expect(message.contains("model.trees.trees[0].categorySet["))
        #expect(message.contains("]: a leaf has no category set"))
    }

    @Test func arraysOfDifferentLengthsAreNamed() throws {
        let message = try loadError { tree in
            tree["value"] = [0.5]
        }
        #expect(message.contains("model.trees.trees[0].value: 1 entries for"))
    }

    @Test func aSoundFileLoads() throws {
        #expect(try loadError { _ in } == "loaded")
    }
}

/// Broken model files: each is refused with its own error, and none crashes the loader.
@Suite struct BrokenModelFileTests {
    @Test func truncated() throws {
        let text = try treesFileText()
        let message = try loadMessage(String(text.prefix(text.count / 2)))
        #expect(
            message.hasSuffix(
                "bad.json: the model file is not valid JSON (cut short?): The given data was not valid JSON."))
    }

    @Test func aWrongTypeIsNamedWithItsPath() throws {
        let text = try treesFileText()
        let broken = text.replacingOccurrences(of: "\"baseScore\" : ", with: "\"baseScore\" : \"high\", \"x\" : ")
        let message = try loadMessage(broken)
        #expect(message.hasSuffix("bad.json: model.trees.baseScore: expected a number"))
    }

    @Test func anInfiniteLeafIsRefused() throws {
        let text = try treesFileText()
        // JSON has no NaN or infinity; a number beyond any Double is refused as invalid JSON.
        let range = try #require(text.range(of: "\"value\" : [\n"))
        let broken = text.replacingCharacters(in: range, with: "\"value\" : [\n1e999,\n")
        let message = try loadMessage(broken)
        #expect(message.hasSuffix("bad.json: the model file is not valid JSON: The given data was not valid JSON."))
    }

    @Test func deepNestingIsRefusedNotACrash() throws {
        let depth = 2_000_000
        let text = "{\"format\": " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "}"
        let message = try loadMessage(text)
        #expect(message.contains("not an Overturn model file"))
    }

    @Test func aTreeWithoutNodesIsRefused() throws {
        // Empty the first tree's arrays: a tree needs a root.
        let broken = try editingFirstTree(try treesFileText()) { tree in
            for key in tree.keys where tree[key] is [Any] { tree[key] = [Any]() }
        }
        let message = try loadMessage(broken)
        #expect(message.contains("model.trees.trees[0].feature: a tree needs at least one node"))
    }
}

/// A seeded mutation run over a small trees model file: every mutant either loads (and then scores
/// without trouble) or is refused with a `ModelFileError`. A crash or a hang fails the run.
@Suite struct ModelFileMutationTests {
    @Test func mutantsLoadOrAreRefused() throws {
        let folder = try TemporaryFolder()
        let claims = try folder.claims(rows: 300, seed: 12)
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(path: claims), schema: .claims, options: FeatureOptions(minCount: 20), requireLabel: true)
        var options = GradientBoostedTrees.Options()
        options.minSamplesLeaf = 5
        options.trees = 4
        options.maxLeaves = 6
        options.categories = .targetStatistics  // encodings in the file as well
        let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        let path = folder.path("m.json")
        try ModelFile(
            extractor: extractor, model: .trees(model),
            training: .init(dataFile: "c.csv", rows: 300, positiveRows: 130, rejectedRows: 0)
        ).write(to: path)
        let original = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        // Number tokens' positions: mutating them reaches the checks past JSON syntax.
        let digits = original.indices.filter { (48...57).contains(original[$0]) }
        let replacements: [[UInt8]] = ["-1", "0", "99999", "1e30", "2.5", "null", "\"x\"", "[]", "{}"].map {
            Array($0.utf8)
        }
        var random = RandomSource(seed: 2026)
        var loaded = 0
        var refused = 0
        let mutantPath = folder.path("mutant.json")
        for _ in 0..<400 {
            var bytes = original
            switch random.int(4) {
            case 0:  // a number becomes something else
                let at = digits[random.int(digits.count)]
                var end = at
                while end < bytes.count && (48...57).contains(bytes[end]) { end += 1 }
                bytes.replaceSubrange(at..<end, with: replacements[random.int(replacements.count)])
            case 1:  // a byte flips
                bytes[random.int(bytes.count)] ^= UInt8(1 << random.int(8))
            case 2:  // a piece goes missing
                let at = random.int(bytes.count)
                bytes.removeSubrange(at..<min(bytes.count, at + 1 + random.int(40)))
            default:  // a piece repeats
                let at = random.int(bytes.count)
                bytes.insert(contentsOf: bytes[at..<min(bytes.count, at + 1 + random.int(40))], at: at)
            }
            try Data(bytes).write(to: URL(fileURLWithPath: mutantPath))
            let file: ModelFile
            do {
                file = try ModelFile.load(path: mutantPath)
            } catch is ModelFileError {
                refused += 1
                continue
            }
            // Whatever loads must score what its own extractor reads (or say why it cannot).
            loaded += 1
            if let rows = try? file.extractor.transform(CSVReader(path: claims)) {
                _ = file.margins(rows.matrix)
            }
        }
        #expect(loaded + refused == 400)
        #expect(refused > 100 && loaded > 0)
    }
}
