import Foundation
import Testing

@testable import Overturn

private func fixture(_ name: String) -> String {
    repositoryRoot.appendingPathComponent("Tests/OverturnTests/Fixtures/\(name)").path
}

/// TreeSHAP against its definition (Shapley values of the path-dependent conditional expectation,
/// by enumerating coalitions) on random trees, and against XGBoost's `pred_contribs` and
/// `shap.TreeExplainer` on the checked-in fixtures (Fixtures/make_shap_fixture.py).
@Suite struct TreeSHAPTests {
    typealias Random = TreeEnsembleScorerTests

    /// A random tree (numeric and categorical splits, features repeated along paths) whose covers
    /// add up: random leaf covers, each inner node the sum of its children's.
    static func randomTree(_ random: inout RandomSource, depth: Int) -> Tree {
        var tree = Random.randomTree(&random, depth: depth, categories: true)
        func cover(_ n: Int) -> Double {
            if tree.feature[n] < 0 {
                tree.cover[n] = 0.5 + random.uniform() * 10
            } else {
                tree.cover[n] = cover(Int(tree.left[n])) + cover(Int(tree.right[n]))
            }
            return tree.cover[n]
        }
        _ = cover(0)
        return tree
    }

    /// The path-dependent expectation of the tree's output given the features in `known`.
    static func expectation(_ tree: Tree, _ x: ArraySlice<Float>, known: Int, node n: Int = 0) -> Double {
        let f = Int(tree.feature[n])
        if f < 0 { return tree.value[n] }
        let l = Int(tree.left[n])
        let r = Int(tree.right[n])
        if known & (1 << f) != 0 {
            return expectation(tree, x, known: known, node: tree.goesLeft(n, x[x.startIndex + f]) ? l : r)
        }
        return
            (tree.cover[l] * expectation(tree, x, known: known, node: l) + tree.cover[r]
            * expectation(tree, x, known: known, node: r)) / tree.cover[n]
    }

    /// Shapley values by their definition: every coalition of the other features, weighted.
    static func bruteForce(_ tree: Tree, _ x: ArraySlice<Float>, width: Int) -> [Double] {
        var factorial = [1.0]
        for k in 1...width { factorial.append(factorial[k - 1] * Double(k)) }
        var phi = [Double](repeating: 0, count: width)
        for coalition in 0..<(1 << width) {
            let size = coalition.nonzeroBitCount
            let without = expectation(tree, x, known: coalition)
            for i in 0..<width where coalition & (1 << i) == 0 {
                let weight = factorial[size] * factorial[width - size - 1] / factorial[width]
                phi[i] += weight * (expectation(tree, x, known: coalition | (1 << i)) - without)
            }
        }
        return phi
    }

    /// Trees of depth 2 to 11: leaves in tabled groups and leaves too deep for one (worked out per
    /// row), categorical splits, missing values both ways, repeated features: equal to the
    /// definition to 1e-12, and the expected value plus the contributions is the row's leaf value.
    @Test func equalsTheDefinitionOnRandomTrees() {
        var random = RandomSource(seed: 11)
        var deepLeaves = 0
        for t in 0..<40 {
            let tree = Self.randomTree(&random, depth: 2 + t % 10)
            let width = Random.width
            let shap = TreeSHAP(trees: [tree], width: width)
            deepLeaves += shap.trees[0].value.count
            let rows = 12
            let x = Random.randomRows(&random, count: rows)
            var phi = [Double](repeating: 0, count: rows * width)
            x.withUnsafeBufferPointer { x in
                phi.withUnsafeMutableBufferPointer {
                    shap.contributions(
                        x.baseAddress!, stride: width, rows: rows, into: $0.baseAddress!, phiStride: width)
                }
            }
            // Tables of 16 (both compilations of the kernel) and tables of the columns a group
            // feeds (more than 16 output columns) agree.
            for kernel in QuickScorer.Kernel.available {
                let dense = TreeSHAP(trees: [tree], width: width, output: nil, kernel: kernel)
                let sparse = TreeSHAP(trees: [tree], width: width, output: (0..<width).map { $0 + 20 }, kernel: kernel)
                #expect(dense.dense && !sparse.dense)
                var other = [Double](repeating: 0, count: rows * 28)
                x.withUnsafeBufferPointer { x in
                    other.withUnsafeMutableBufferPointer {
                        sparse.contributions(
                            x.baseAddress!, stride: width, rows: rows, into: $0.baseAddress!, phiStride: 28)
                    }
                }
                var again = [Double](repeating: 0, count: rows * width)
                x.withUnsafeBufferPointer { x in
                    again.withUnsafeMutableBufferPointer {
                        dense.contributions(
                            x.baseAddress!, stride: width, rows: rows, into: $0.baseAddress!, phiStride: width)
                    }
                }
                #expect(again == phi)
                for r in 0..<rows {
                    for f in 0..<width { #expect(abs(other[r * 28 + 20 + f] - phi[r * width + f]) < 1e-12) }
                }
            }
            #expect(abs(shap.expectedValue - Self.expectation(tree, x[0..<width], known: 0)) < 1e-12)
            for r in 0..<rows {
                let row = x[(r * width)..<((r + 1) * width)]
                let expected = Self.bruteForce(tree, row, width: width)
                for f in 0..<width {
                    #expect(abs(phi[r * width + f] - expected[f]) < 1e-12, "tree \(t) row \(r) feature \(f)")
                }
                let margin = TreeEnsembleScorerTests.reference([tree], row: row)
                let sum = shap.expectedValue + phi[(r * width)..<((r + 1) * width)].reduce(0, +)
                #expect(abs(sum - margin) < 1e-12, "tree \(t) row \(r)")
            }
        }
        #expect(deepLeaves > 0, "some leaves are too deep for a group and worked out per row")
    }

    /// A forest whose trees split the same features at the same few thresholds (`Random.grid`), so
    /// that a split is compared once for many nodes (`SplitRun`): equal to the sum of each tree's
    /// definition to 1e-12, in one run or in runs of at most 8 or 20 splits.
    @Test func forestsShareTheirSplits() {
        var random = RandomSource(seed: 5)
        let trees = (0..<12).map { Self.randomTree(&random, depth: 2 + $0 % 5) }
        let width = Random.width
        let rows = 12
        let x = Random.randomRows(&random, count: rows)
        let one = TreeSHAP(trees: trees, width: width)
        #expect(one.runs.count == 1)
        let nodes = trees.reduce(0) { $0 + $1.feature.count { $0 >= 0 } }
        #expect(one.runs[0].count < nodes, "some splits are shared")
        var expected = [[Double]](repeating: [Double](repeating: 0, count: width), count: rows)
        for tree in trees {
            for r in 0..<rows {
                let phi = Self.bruteForce(tree, x[(r * width)..<((r + 1) * width)], width: width)
                for f in 0..<width { expected[r][f] += phi[f] }
            }
        }
        for maxSplits in [8, 20, SplitRun.maxSplits] {
            let shap = TreeSHAP(trees: trees, width: width, output: nil, kernel: .best, maxSplits: maxSplits)
            #expect(shap.runs.count > 1 || maxSplits == SplitRun.maxSplits)
            #expect(shap.runs.map(\.trees.count).reduce(0, +) == trees.count)
            var phi = [Double](repeating: 0, count: rows * width)
            x.withUnsafeBufferPointer { x in
                phi.withUnsafeMutableBufferPointer {
                    shap.contributions(
                        x.baseAddress!, stride: width, rows: rows, into: $0.baseAddress!, phiStride: width)
                }
            }
            for r in 0..<rows {
                for f in 0..<width {
                    #expect(
                        abs(phi[r * width + f] - expected[r][f]) < 1e-12, "at most \(maxSplits) row \(r) feature \(f)")
                }
            }
        }
    }

    /// The tables are built tree by tree on as many threads as asked: one thread or three, the
    /// same tables, bit for bit.
    @Test func tablesDoNotDependOnTheThreads() {
        var random = RandomSource(seed: 8)
        let trees = (0..<13).map { Self.randomTree(&random, depth: 2 + $0 % 6) }
        let one = TreeSHAP(trees: trees, width: Random.width, threads: 1)
        let three = TreeSHAP(trees: trees, width: Random.width, threads: 3)
        #expect(one.trees.map(\.table) == three.trees.map(\.table))
        #expect(one.trees.map(\.nodes) == three.trees.map(\.nodes))
        #expect(one.expectedValue == three.expectedValue)
    }

    /// A dense table row is two whole cache lines only when every group's table starts on one.
    @Test func denseTablesStartOnCacheLines() {
        var random = RandomSource(seed: 9)
        let trees = (0..<6).map { Self.randomTree(&random, depth: 2 + $0) }
        let shap = TreeSHAP(trees: trees, width: Random.width)
        #expect(shap.dense)
        for tree in shap.trees {
            for start in tree.tableStart { #expect(Int(bitPattern: tree.table.base + start) % 64 == 0) }
        }
    }

    /// A stump by hand: 3 of 4 training rows went left (value −1), 1 right (value 3), so the
    /// expected value is 0.75·(−1) + 0.25·3 = 0 and the split's feature gets all of the leaf value.
    @Test func aStumpByHand() {
        var tree = Tree()
        let root = tree.addLeaf(value: 0, cover: 4)
        let left = tree.addLeaf(value: -1, cover: 3)
        let right = tree.addLeaf(value: 3, cover: 1)
        tree.feature[root] = 1
        tree.threshold[root] = 0.5
        tree.left[root] = Int32(left)
        tree.right[root] = Int32(right)
        let shap = TreeSHAP(trees: [tree], width: 2)
        #expect(shap.expectedValue == 0)
        var phi = [Double](repeating: 0, count: 4)
        let x: [Float] = [9, 0, 9, 1]
        shap.contributions(x, stride: 2, rows: 2, into: &phi, phiStride: 2)
        #expect(phi == [0, -1, 0, 3])
    }

    /// XGBoost's own TreeSHAP on imported models (depth 4, 3 and 8; 12, 10 and 500 trees; 15% of
    /// values missing): every contribution and the bias to 1e-5.
    @Test(arguments: ["xgboost-small", "xgboost-d3-t10", "xgboost-d8-t500"])
    func importedXGBoostExplainsAsXGBoost(name: String) throws {
        let file = try ModelFile.importXGBoost(path: fixture("\(name).json"))
        let model = try #require(file.trees)
        let batch = try file.extractor.transform(CSVReader(path: fixture("xgboost-small.csv")))
        let explainer = model.explainer()
        let phi = explainer.contributions(batch.matrix)
        let margins = file.margins(batch.matrix)
        let lines = try String(contentsOfFile: fixture("\(name)-contribs.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        #expect(lines.count == 100)
        let width = model.features.count
        var worst = 0.0
        for (r, line) in lines.enumerated() {
            let expected = line.split(separator: ",").dropFirst().map { Double($0)! }
            #expect(expected.count == width + 1)
            for f in 0..<width { worst = max(worst, abs(phi[r * width + f] - expected[f])) }
            worst = max(worst, abs(explainer.base - expected[width]))
            let sum = explainer.base + phi[(r * width)..<((r + 1) * width)].reduce(0, +)
            #expect(abs(sum - margins[r]) < 1e-9, "row \(r)")
        }
        #expect(worst < 1e-5)
    }

    /// Overturn's own trees (the export fixture's: 20 trees of at most 15 leaves, one-hot, on the
    /// claims sample) against `shap.TreeExplainer` on their XGBoost export, on the first 100 sample
    /// rows: each tree feature's contribution is its extractor column's, to 1e-5.
    @Test func ownTreesExplainAsShapExplainsTheirExport() throws {
        var options = GradientBoostedTrees.Options()
        options.trees = 20
        options.maxLeaves = 15
        options.categories = .oneHot
        options.validationFraction = 0
        let path = repositoryRoot.appendingPathComponent("Datasets/claims-sample.csv").path
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(path: path), schema: .claims, requireLabel: true)
        let model = try GradientBoostedTrees.fit(batch, extractor: extractor, options: options)
        let explainer = model.explainer()
        let phi = explainer.contributions(batch.matrix, rows: 0..<100)
        let width = model.features.count
        var expected = [Double](repeating: 0, count: 100 * extractor.width)
        var bias = [Double](repeating: .nan, count: 100)
        let lines = try String(contentsOfFile: fixture("xgboost-export-shap.csv"), encoding: .utf8)
            .split(separator: "\n").dropFirst()
        for line in lines {
            let parts = line.split(separator: ",")
            let (r, c, v) = (Int(parts[0])!, Int(parts[1])!, Double(parts[2])!)
            if c < 0 { bias[r] = v } else { expected[r * extractor.width + c] = v }
        }
        var worst = 0.0
        for r in 0..<100 {
            var ours = [Double](repeating: 0, count: extractor.width)
            for f in 0..<width { ours[model.features[f].column] += phi[r * width + f] }
            for c in 0..<extractor.width { worst = max(worst, abs(ours[c] - expected[r * extractor.width + c])) }
            worst = max(worst, abs(explainer.base - bias[r]))
        }
        #expect(worst < 1e-5)
    }

    /// The path game's weights: Σ_m C(d−1, m)·w(m, d) = 1 for every path length.
    @Test func weightsAreShapleys() {
        for d in 1...64 {
            var total = 0.0
            var binomial = 1.0
            for m in 0..<d {
                total += PathTree.weightTable[d * 64 + m] * binomial
                binomial = binomial * Double(d - 1 - m) / Double(m + 1)
            }
            #expect(abs(total - 1) < 1e-9, "d \(d)")
        }
    }
}
