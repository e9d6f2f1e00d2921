import Foundation
import Testing

@testable import Overturn

/// The fast scorer (QuickScorer kernels, level-synchronous walk) against the plain walk of `Tree`
/// that its documentation defines, bit for bit, on random trees and rows built to hit the edges:
/// values equal to thresholds, missing values both ways, levels outside a category set, trees of
/// one leaf, of exactly 64 leaves and of more.
@Suite struct TreeEnsembleScorerTests {
    /// Features 0..<6 numeric, 6 and 7 categorical with 100 levels.
    static let numericFeatures = 6
    static let width = 8

    /// The value a split compares against: few, so that rows often equal a threshold.
    static let grid: [Float] = [-2, -0.5, 0, 0.5, 1, 3]

    /// A random tree grown to `depth` at most; `categories` allows categorical splits;
    /// `full` splits every node above `depth` (a perfect tree of 2^depth leaves).
    static func randomTree(_ random: inout RandomSource, depth: Int, categories: Bool, full: Bool = false) -> Tree {
        var tree = Tree()
        func grow(_ level: Int) -> Int32 {
            if level == depth || (!full && random.chance(0.25)) {
                return Int32(tree.addLeaf(value: random.uniform() * 2 - 1, cover: 1))
            }
            let n = tree.addLeaf(value: 0, cover: 1)
            if categories && random.chance(0.4) {
                tree.feature[n] = Int32(numericFeatures + random.int(2))
                let levels = (0..<100).filter { _ in random.chance(0.3) }.map(Int32.init)
                tree.categorySet[n] = Int32(tree.categorySets.count)
                tree.categorySets.append(levels.isEmpty ? [3] : levels)
            } else {
                tree.feature[n] = Int32(random.int(numericFeatures))
                tree.threshold[n] = grid[random.int(grid.count)]
            }
            tree.defaultLeft[n] = random.chance(0.5)
            let left = grow(level + 1)
            let right = grow(level + 1)
            tree.left[n] = left
            tree.right[n] = right
            return Int32(n)
        }
        _ = grow(0)
        return tree
    }

    /// Rows of `width` values: grid values, values between them, NaN; levels in and out of range.
    static func randomRows(_ random: inout RandomSource, count: Int) -> [Float] {
        (0..<(count * width)).map { i in
            if random.chance(0.1) { return .nan }
            if i % width >= numericFeatures { return [0, 5, 63, 64, 99, 150, -1, 2.5][random.int(8)] }
            return random.chance(0.5) ? grid[random.int(grid.count)] : Float(random.uniform() * 6 - 3)
        }
    }

    /// The definition: follow `left`/`right` from the root of each tree, add the leaves in order.
    static func reference(_ trees: [Tree], row: ArraySlice<Float>) -> Double {
        var sum = 0.0
        for tree in trees {
            var n = 0
            while tree.feature[n] >= 0 {
                let v = row[row.startIndex + Int(tree.feature[n])]
                let left: Bool
                if v.isNaN {
                    left = tree.defaultLeft[n]
                } else if tree.categorySet[n] >= 0 {
                    left = tree.categorySets[Int(tree.categorySet[n])].contains(where: { Float($0) == v })
                } else {
                    left = v <= tree.threshold[n]
                }
                n = Int(left ? tree.left[n] : tree.right[n])
            }
            sum += tree.value[n]
        }
        return sum
    }

    /// `count` rows of `width` columns as a sparse matrix and as dense rows (0 where not stored):
    /// `value(c)` gives column c's stored value in the next row, or nil to store none.
    static func sparseRows(
        _ count: Int, width: Int, _ value: (Int) -> Float?
    ) -> (matrix: FeatureMatrix, dense: [[Float]]) {
        var (offsets, columns, stored) = ([0], [Int32](), [Float]())
        var dense: [[Float]] = []
        for _ in 0..<count {
            var values = [Float](repeating: 0, count: width)
            for c in 0..<width {
                guard let v = value(c) else { continue }
                values[c] = v
                columns.append(Int32(c))
                stored.append(v)
            }
            offsets.append(columns.count)
            dense.append(values)
        }
        return (FeatureMatrix(width: width, rowOffsets: offsets, columns: columns, values: stored), dense)
    }

    static let ensembles: [(name: String, trees: [Tree])] = {
        var random = RandomSource(seed: 606)
        let shallow = (0..<40).map { _ in randomTree(&random, depth: 6, categories: false) }
        let perfect = (0..<3).map { _ in randomTree(&random, depth: 6, categories: false, full: true) }
        let deep = (0..<10).map { _ in randomTree(&random, depth: 9, categories: false, full: true) }
        let categorical = (0..<10).map { _ in randomTree(&random, depth: 5, categories: true) }
        let single = [randomTree(&random, depth: 0, categories: false)]
        return [
            ("numeric, at most 64 leaves", shallow + perfect + single),
            ("more than 64 leaves", deep),
            ("categorical", categorical),
            ("all kinds, interleaved", zip(shallow, zip(deep, categorical)).flatMap { [$0, $1.0, $1.1] } + single),
        ]
    }()

    @Test(arguments: ensembles.indices)
    func scoresAsTheTreesSay(ensemble: Int) {
        let (name, trees) = Self.ensembles[ensemble]
        let scorer = TreeEnsembleScorer(trees, width: Self.width)
        var random = RandomSource(seed: UInt64(ensemble))
        let rows = 200
        let x = Self.randomRows(&random, count: rows)
        let expected = (0..<rows).map { Self.reference(trees, row: x[($0 * Self.width)..<(($0 + 1) * Self.width)]) }
        for kernel in QuickScorer.Kernel.available {
            for count in [1, 7, 8, 9, 63, 64, 65, 200] {
                var out = [Double](repeating: .nan, count: count)
                x.withUnsafeBufferPointer { x in
                    out.withUnsafeMutableBufferPointer {
                        scorer.sums(
                            x.baseAddress!, stride: Self.width, rows: count, into: $0.baseAddress!, kernel: kernel)
                    }
                }
                #expect(out == Array(expected[..<count]), "\(name), \(kernel) kernel, \(count) rows")
            }
        }
    }

    @Test func noTreesScoreZero() {
        let x = [Float](repeating: 1, count: 3 * Self.width)
        var out = [Double](repeating: .nan, count: 3)
        TreeEnsembleScorer([], width: Self.width).sums(x, stride: Self.width, rows: 3, into: &out)
        #expect(out == [0, 0, 0])
    }

    @Test func eachEvaluatorHasItsTrees() {
        let (_, trees) = Self.ensembles[0]
        #expect(trees.contains { $0.leafCount == 64 })
        #expect(Self.ensembles[1].trees.allSatisfy { $0.leafCount > 64 })
        // Categorical splits in trees of up to 64 leaves go through the QuickScorer's level lists.
        let categorical = TreeEnsembleScorer(Self.ensembles[2].trees, width: Self.width)
        #expect(categorical.walk.roots.isEmpty && categorical.quick.categories.features == [6, 7])
        #expect(TreeEnsembleScorer(Self.ensembles[1].trees, width: Self.width).quick.trees == 0)
    }

    @Test func theSameOnAnyNumberOfThreads() {
        var random = RandomSource(seed: 7)
        let model = GradientBoostedTrees(
            features: (0..<Self.width).map {
                $0 < Self.numericFeatures
                    ? TreeFeature(kind: .numeric, column: $0, name: "f\($0)")
                    : TreeFeature(kind: .categorical, column: $0, levels: 100, name: "c\($0)")
            },
            baseScore: 0.25, trees: Self.ensembles[3].trees)
        let rows = 9_000
        let x = Self.randomRows(&random, count: rows)
        let one = x.withUnsafeBufferPointer { model.margins(features: $0, rows: rows, threads: 1) }
        let two = x.withUnsafeBufferPointer { model.margins(features: $0, rows: rows, threads: 2) }
        #expect(one == two)
        #expect(one[8_999] == 0.25 + Self.reference(model.trees, row: x[(8_999 * Self.width)...]))
    }

    /// Rows from a sparse matrix visit only the features they set, plus those whose absent value
    /// (0) sends a row right somewhere (the grid's negative thresholds): the same sums. The rows
    /// go straight from the matrix into the kernel's lanes (`readsSparseRows`), on every kernel,
    /// from any first row and with a last group of fewer than eight. Besides the numeric features,
    /// six binary ones that trees split at 0.5 (visited only by groups that set them) and one no
    /// tree splits on.
    @Test func sparseRowsScoreAsDenseOnes() {
        var random = RandomSource(seed: 11)
        let binary = Self.numericFeatures..<(Self.numericFeatures + 6)
        let unused = binary.upperBound
        let width = unused + 1
        let binaryTrees = Self.ensembles[0].trees.prefix(12).map { tree in
            var tree = tree
            for n in tree.feature.indices where tree.feature[n] >= 0 {
                tree.feature[n] += Int32(binary.lowerBound)
                tree.threshold[n] = 0.5
            }
            return tree
        }
        let trees = Self.ensembles[0].trees + binaryTrees
        let model = GradientBoostedTrees(
            features: (0..<width).map {
                TreeFeature(kind: binary.contains($0) ? .binary : .numeric, column: $0, name: "f\($0)")
            },
            baseScore: -0.5, trees: trees)
        let (matrix, dense) = Self.sparseRows(300, width: width) { c in
            guard random.chance(binary.contains(c) ? 0.15 : 0.3) else { return nil }
            return binary.contains(c) ? 1 : random.chance(0.2) ? .nan : Self.grid[random.int(Self.grid.count)]
        }
        let scorer = model.scorer()
        #expect(scorer.trees.readsSparseRows && !scorer.trees.alwaysVisit.isEmpty)
        #expect(!scorer.trees.alwaysVisit.contains { binary.contains(Int($0)) })
        #expect(!trees.contains { $0.feature.contains(Int32(unused)) })
        let expected = dense.map { Self.reference(trees, row: $0[...]) }
        let margins = model.margins(matrix)
        for r in dense.indices {
            #expect(margins[r] == -0.5 + expected[r], "row \(r)")
        }
        let map = TreeFeatureMap(features: model.features, width: width)
        for kernel in QuickScorer.Kernel.available {
            for rows in [5..<300, 0..<1, 17..<24, 290..<299] {
                var out = [Double](repeating: .nan, count: rows.count)
                out.withUnsafeMutableBufferPointer {
                    scorer.trees.sums(matrix, rows: rows, map: map, into: $0.baseAddress!, kernel: kernel)
                }
                #expect(out == Array(expected[rows]), "\(kernel) kernel, rows \(rows)")
            }
        }
        // Trees with categorical splits take the dense way.
        #expect(
            !TreeEnsembleScorer(
                Self.ensembles[2].trees, width: Self.width, absent: [Float](repeating: 0, count: Self.width)
            ).readsSparseRows)
    }
}

extension TreeEnsembleScorerTests {
    /// Trees that split two numeric features at many thresholds: rows scored from sparse data go
    /// through the QuickScorer's groups in `RowOrder`, and every row still gets its own sum, bit
    /// for bit, on every kernel and from any first row.
    @Test func rowsInTheOrderOfTheirBusiestFeaturesScoreAsTheirOwn() throws {
        var random = RandomSource(seed: 12)
        let fine = (0..<48).map { Float($0) / 8 - 3 }
        let trees = Self.ensembles[0].trees.map { tree in
            var tree = tree
            for n in tree.feature.indices where tree.feature[n] == 0 || tree.feature[n] == 1 {
                tree.threshold[n] = fine[random.int(fine.count)]
            }
            return tree
        }
        let width = Self.numericFeatures
        let model = GradientBoostedTrees(
            features: (0..<width).map { TreeFeature(kind: .numeric, column: $0, name: "f\($0)") }, baseScore: 0,
            trees: trees)
        let (matrix, dense) = Self.sparseRows(700, width: width) { c in
            guard random.chance(c < 2 ? 0.9 : 0.4) else { return nil }
            return random.chance(0.1) ? .nan : c < 2 ? Float(random.uniform() * 7 - 3.5) : Self.grid[random.int(6)]
        }
        let scorer = model.scorer()
        let order = try #require(scorer.trees.order)
        #expect(Set(order.features.map(\.feature)) == [0, 1])

        let expected = dense.map { Self.reference(trees, row: $0[...]) }
        let map = TreeFeatureMap(features: model.features, width: width)
        for kernel in QuickScorer.Kernel.available {
            for rows in [0..<700, 5..<300, 0..<1, 17..<24, 290..<299] {
                var out = [Double](repeating: .nan, count: rows.count)
                out.withUnsafeMutableBufferPointer {
                    scorer.trees.sums(matrix, rows: rows, map: map, into: $0.baseAddress!, kernel: kernel)
                }
                #expect(out == Array(expected[rows]), "\(kernel) kernel, rows \(rows)")
            }
        }

        // Rows that store nothing: every value absent, in a matrix without entries.
        let (empty, zeros) = Self.sparseRows(20, width: width) { _ in nil }
        #expect(empty.nonZeroCount == 0)
        #expect(model.margins(empty) == zeros.map { Self.reference(trees, row: $0[...]) })

        // The order: every row once, in runs by the first feature's place, each run by the second's.
        let rows = 3..<700
        let offsets = order.offsets(matrix, rows: rows, columns: order.features.map(\.feature), absent: [0, 0])
        #expect(Set(offsets) == Set(0..<UInt32(rows.count)) && offsets.count == rows.count)
        let placed = offsets.map { i in
            let row = dense[rows.lowerBound + Int(i)]
            return (
                order.features[0].place(row[Int(order.features[0].feature)]),
                order.features[1].place(row[Int(order.features[1].feature)])
            )
        }
        var starts = [0]
        for i in 1..<placed.count where placed[i].1 < placed[i - 1].1 { starts.append(i) }
        #expect(starts.count <= rows.count / RowOrder.run, "each run in the second feature's order")
        let spans = zip(starts, starts.dropFirst() + [placed.count]).map { placed[$0..<$1].map(\.0) }
        for (a, b) in zip(spans, spans.dropFirst()) {
            #expect(a.max()! <= b.min()!, "the runs in the first feature's order")
        }
    }

    /// A value's place among a feature's thresholds: the count below it, within a cell of the
    /// table; none below the lowest, all above the highest, NaN after.
    @Test func aValuesPlaceAmongThresholds() {
        let thresholds: [Float] = (0..<40).map { Float($0 * $0) / 16 - 5 }
        thresholds.withUnsafeBufferPointer { t in
            let feature = RowOrder.Feature(3, thresholds: t)
            let cell = (thresholds.last! - thresholds.first!) / Float(RowOrder.Feature.cells)
            var last: UInt32 = 0
            for step in 0...4000 {
                let v = Float(step) / 4000 * 110 - 8
                let place = feature.place(v)
                #expect(place >= last, "in the values' order at \(v)")
                last = place
                let exact = thresholds.count { $0 < v }
                if thresholds.allSatisfy({ abs($0 - v) > cell }) {
                    #expect(Int(place) == exact, "at \(v)")
                }
            }
            #expect(feature.place(-100) == 0 && feature.place(thresholds[0]) == 0)
            #expect(feature.place(1000) == 40 && feature.place(.infinity) == 40 && feature.place(.nan) == 41)
        }
    }
}
