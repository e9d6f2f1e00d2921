import Foundation
import Testing

@testable import Overturn

/// A matrix from dense rows; NaN is stored (a missing number), 0 is not.
private func matrix(_ rows: [[Float]]) -> FeatureMatrix {
    var offsets = [0]
    var columns: [Int32] = []
    var values: [Float] = []
    for row in rows {
        for (c, v) in row.enumerated() where v != 0 {
            columns.append(Int32(c))
            values.append(v)
        }
        offsets.append(columns.count)
    }
    return FeatureMatrix(width: rows.first?.count ?? 0, rowOffsets: offsets, columns: columns, values: values)
}

/// Options for hand-checked trees: no held-out rows, leaves of any size, whole steps.
private func exact(trees: Int = 1, leaves: Int = 2) -> GradientBoostedTrees.Options {
    var o = GradientBoostedTrees.Options()
    o.trees = trees
    o.maxLeaves = leaves
    o.learningRate = 1
    o.minSamplesLeaf = 1
    o.validationFraction = 0
    return o
}

private func * <T>(array: [T], count: Int) -> [T] { (0..<count).flatMap { _ in array } }

@Suite struct GradientBoostedTreesTests {
    /// x0 = 1…8, ten rows each, outcome 1 exactly when x0 > 4; x1 is noise. The best first split is
    /// x0 between 4 and 5, and with base score 0 (half the rows are positive) each side holds 40 rows
    /// of gradient ±0.5 and hessian 0.25: leaf values ∓20 / (10 + λ).
    @Test func findsTheSplitKnownByHand() throws {
        var rows: [[Float]] = []
        var labels: [Float] = []
        for v in 1...8 {
            for k in 0..<10 {
                rows.append([Float(v), Float((v * 7 + k * 3) % 5)])
                labels.append(v > 4 ? 1 : 0)
            }
        }
        let model = try GradientBoostedTrees.fit(
            matrix(rows), labels: labels, features: TreeFeature.numeric(names: ["x0", "x1"]), options: exact())
        #expect(model.baseScore == 0)
        let tree = try #require(model.trees.first)
        #expect(tree.nodeCount == 3)
        #expect(tree.feature[0] == 0)
        #expect(tree.threshold[0] == 4.5)
        #expect(abs(tree.value[Int(tree.left[0])] - (-20.0 / 11)) < 1e-12)
        #expect(abs(tree.value[Int(tree.right[0])] - 20.0 / 11) < 1e-12)
        #expect(tree.cover[0] == 20)
        let p = model.probabilities(matrix([[4, 0], [5, 0], [4.4, 3], [4.6, 3]]))
        #expect(p[0] < 0.5 && p[1] > 0.5 && p[2] < 0.5 && p[3] > 0.5)
    }

    /// Missing values go where their outcomes say: right when they behave like large values, left
    /// when like small ones; scoring a missing value follows the learned direction.
    @Test(arguments: [Float(1), 0])
    func routesMissingValuesByTheLearnedDefault(missingOutcome: Float) throws {
        var rows: [[Float]] = []
        var labels: [Float] = []
        for i in 0..<300 {
            switch i % 3 {
            case 0: rows.append([Float(i % 10)]); labels.append(0)  // small values: 0
            case 1: rows.append([Float(20 + i % 10)]); labels.append(1)  // large values: 1
            default: rows.append([.nan]); labels.append(missingOutcome)
            }
        }
        let model = try GradientBoostedTrees.fit(
            matrix(rows), labels: labels, features: TreeFeature.numeric(names: ["x"]), options: exact(leaves: 2))
        let tree = model.trees[0]
        #expect(tree.defaultLeft[0] == (missingOutcome == 0))
        let p = model.probabilities(matrix([[.nan], [5], [25]]))
        #expect(p[1] < 0.5 && p[2] > 0.5)
        #expect(missingOutcome == 1 ? p[0] > 0.5 : p[0] < 0.5)
    }

    /// A category of six levels, three mostly overturned: one native split sends exactly one of the
    /// two groups left.
    @Test func groupsCategoryLevelsInOneSplit() throws {
        let extractor = try FeatureExtractor.fit(
            CSVReader(text: "id,payer,y\n" + (0..<6).map { "r\($0),P\($0),0" }.joined(separator: "\n") + "\n"),
            schema: Schema(
                name: "t", id: "id", label: LabelSpec(column: "y", positive: ["1"], negative: ["0"]),
                features: [.category("payer")]),
            options: FeatureOptions(minCount: 1))
        var text = "id,payer,y\n"
        for i in 0..<600 {
            let level = i % 6
            let y = level % 2 == 0 && i % 10 != 0 ? 1 : 0  // even levels: 80% overturned, odd: none
            text += "r\(i),P\(level),\(y)\n"
        }
        let batch = try extractor.transform(CSVReader(text: text), requireLabel: true)
        var options = exact()
        options.minRowsPerCategory = 1
        options.categories = .native
        let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        let tree = model.trees[0]
        #expect(model.features.map(\.kind) == [.categorical])
        let set = tree.categorySets[Int(tree.categorySet[0])]
        // Levels are the payer vocabulary P0…P5, then (other) and (missing).
        #expect(set == [0, 2, 4] || set == [1, 3, 5])
        let p = model.probabilities(batch.matrix)
        #expect(p[0] > 0.7 && p[1] < 0.2)

        // Both spellings: eight one-level features and the categorical one; the group still wins.
        options.categories = .both
        let both = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        #expect(both.features.map(\.kind) == [.binary] * 8 + [.categorical])
        #expect(both.trees[0].feature[0] == 8)
        #expect(both.probabilities(batch.matrix) == p)
    }

    /// On noise, the validation loss stops improving and training stops: the model keeps the best
    /// trees, and says why it stopped.
    @Test func earlyStoppingStops() throws {
        var random = RandomSource(seed: 5)
        let rows = (0..<2000).map { _ in [Float(random.uniform()), Float(random.uniform())] }
        let labels = rows.map { _ in Float(random.int(2)) }
        var options = GradientBoostedTrees.Options()
        options.trees = 500
        options.validationFraction = 0.3
        options.earlyStoppingRounds = 5
        let model = try GradientBoostedTrees.fit(
            matrix(rows), labels: labels, features: TreeFeature.numeric(names: ["a", "b"]), options: options)
        #expect(model.fit!.iterations < 100)
        #expect(model.fit!.iterations == model.fit!.bestIteration + 5)
        #expect(model.trees.count == model.fit!.bestIteration)
        #expect(model.fit!.stoppedBy.hasPrefix("early stopping"))
        #expect(model.fit!.validationRows == 600 && model.fit!.trainingRows == 1400)
        #expect(model.fit!.validation?.rows == 600)
    }

    /// A validation set given replaces the held-out rows: every training row is used, and the
    /// metrics in the report are the validation set's, as its own probabilities give them.
    @Test func stopsOnAGivenValidationSet() throws {
        var random = RandomSource(seed: 8)
        func rows(_ n: Int) -> ([[Float]], [Float]) {
            let x = (0..<n).map { _ in [Float(random.uniform()), Float(random.uniform())] }
            let y = x.map { Float(random.chance(Double($0[0]) * 0.8 + 0.1) ? 1 : 0) }
            return (x, y)
        }
        let (train, labels) = rows(3000)
        let (valid, validLabels) = rows(700)
        var options = GradientBoostedTrees.Options()
        options.trees = 300
        options.earlyStoppingRounds = 10
        let model = try GradientBoostedTrees.fit(
            matrix(train), labels: labels, features: TreeFeature.numeric(names: ["signal", "noise"]), options: options,
            validation: (matrix(valid), validLabels))
        #expect(model.fit!.trainingRows == 3000 && model.fit!.validationRows == 700)
        #expect(model.fit!.iterations < 300 && model.trees.count == model.fit!.bestIteration)
        let expected = Metrics(labels: validLabels, probabilities: model.probabilities(matrix(valid)))
        #expect(model.fit!.validation == expected)
        #expect(expected.auc > 0.65)
    }

    /// Identical rows with conflicting outcomes cannot be split: the model is its base score, the
    /// weighted log-odds. Sample weights 3:1 give 0.75; balanced class weights give one half. (Each
    /// tree then adds a leaf of gradient sums that are zero up to the rounding of Float gradients.)
    @Test func weightsSetTheBaseScore() throws {
        let rows = [[Float]](repeating: [1], count: 40)
        let labels = (0..<40).map { Float($0 % 4 == 0 ? 1 : 0) }  // 10 overturned, 30 upheld
        let features = TreeFeature.numeric(names: ["x"])
        let weighted = try GradientBoostedTrees.fit(
            matrix(rows), labels: labels, features: features, options: exact(trees: 50),
            sampleWeights: labels.map { $0 == 1 ? 9 : 1 })
        // Nothing to split: training stops after the first tree, a single leaf.
        #expect(weighted.trees.count == 1 && weighted.trees[0].nodeCount == 1)
        #expect(weighted.fit!.stoppedBy == "no split gains anything: tree 1 is a single leaf")
        #expect(abs(weighted.probabilities(matrix([[1]]))[0] - 0.75) < 1e-6)
        var balanced = exact()
        balanced.balanced = true
        let model = try GradientBoostedTrees.fit(matrix(rows), labels: labels, features: features, options: balanced)
        #expect(abs(model.probabilities(matrix([[1]]))[0] - 0.5) < 1e-6)
        var explicit = exact()
        explicit.classWeights = [1, 3]
        let third = try GradientBoostedTrees.fit(matrix(rows), labels: labels, features: features, options: explicit)
        #expect(abs(third.baseScore) < 1e-12)
    }

    /// The same seed gives the same model file bytes on one thread and on two, with row and column
    /// subsampling and enough rows that histograms are built in parallel chunks.
    @Test func sameSeedSameModelOnAnyThreadCount() throws {
        let folder = try TemporaryFolder()
        let path = try folder.claims(rows: 40_000, seed: 3)
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(path: path), schema: .claims, requireLabel: true)
        var options = GradientBoostedTrees.Options()
        options.trees = 4
        options.maxLeaves = 8
        options.rowSubsample = 0.8
        options.columnSubsample = 0.7
        options.seed = 11
        var files: [Data] = []
        for threads in [1, 2, 2] {
            let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options, threads: threads)
            let file = ModelFile(
                extractor: extractor, model: .trees(model),
                training: .init(
                    dataFile: "c.csv", rows: 1, positiveRows: 1, rejectedRows: 0, date: Date(timeIntervalSince1970: 0)))
            try file.write(to: folder.path("m.json"))
            files.append(try Data(contentsOf: URL(fileURLWithPath: folder.path("m.json"))))
        }
        #expect(files[0] == files[1] && files[1] == files[2])
        options.seed = 12
        let other = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options, threads: 2)
        let first = try ModelFile.load(path: folder.path("m.json"))
        guard case .trees(let loaded) = first.model else {
            Issue.record("not a trees model")
            return
        }
        #expect(loaded.trees != other.trees)
    }

    /// Leaf-wise growth stops at the leaf budget; depth-wise at the depth.
    @Test func respectsLeafAndDepthLimits() throws {
        let folder = try TemporaryFolder()
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(path: try folder.claims(rows: 5000, seed: 4)), schema: .claims, requireLabel: true)
        var options = GradientBoostedTrees.Options()
        options.trees = 3
        options.maxLeaves = 5
        options.maxDepth = 0
        let wide = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        #expect(wide.trees.allSatisfy { $0.leafCount == 5 })
        options.maxLeaves = 1000
        options.maxDepth = 2
        options.growth = .depthWise
        let shallow = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        #expect(shallow.trees.allSatisfy { $0.depth <= 2 && $0.leafCount <= 4 })
        #expect(shallow.trees.contains { $0.depth == 2 })
    }

    /// Training rows can be scored through bins or through raw values: both give the same margins.
    @Test(arguments: GradientBoostedTrees.Options.CategorySplits.allCases)
    func modelFileRoundTripScoresTheSame(categories: GradientBoostedTrees.Options.CategorySplits) throws {
        let folder = try TemporaryFolder()
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(path: try folder.claims(rows: 4000, seed: 6)), schema: .claims, requireLabel: true)
        var options = GradientBoostedTrees.Options()
        options.trees = 20
        options.categories = categories
        options.validationFraction = 0
        let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        let file = ModelFile(
            extractor: extractor, model: .trees(model),
            training: .init(dataFile: "c.csv", rows: 1, positiveRows: 1, rejectedRows: 0))
        try file.write(to: folder.path("m.json"))
        let loaded = try ModelFile.load(path: folder.path("m.json"))
        #expect(loaded == file)
        #expect(loaded.margins(batch.matrix, threads: 2) == model.margins(batch.matrix, threads: 1))
        // The training loss the report gives is the loss of the kept trees' margins (with target
        // statistics, of the ordered ones training saw, which differ from those scoring uses).
        if categories != .targetStatistics {
            #expect(abs(logLoss(model.margins(batch.matrix), batch.labels) - model.fit!.trainingLogLoss) < 1e-9)
        }
    }
}
