import Foundation
import Testing

@testable import Overturn

/// Recourse on a model built by hand, where the answers are known: margin −2 (12%) for the row
/// below; a letter adds 1.5 (cost 2), three or more medications 1.0 (cost 1 each, at most 5),
/// days to appeal of 30 or fewer 2.5 (cost 0.1 a day, not below 0), payer A 3.0 (not actionable).
@Suite struct RecourseTests {
    static let schema = Schema(
        name: "hand", id: "id", label: nil,
        features: [
            .category("payer"),
            .flag("letter", actionable: Actionability(direction: .increase, cost: 2)),
            .count("meds", maximum: 5, actionable: Actionability(direction: .increase, cost: 1)),
            .count("days", actionable: Actionability(direction: .decrease, cost: 0.1, minimum: 0)),
        ])

    /// The model, and the row: payer B, no letter, one medication, 100 days.
    static func model() throws -> (ModelFile, FeatureMatrix) {
        var text = "id,payer,letter,meds,days\n"
        for i in 0..<10 { text += "r\(i),\(i % 2 == 0 ? "A" : "B"),\(i % 2),\(i % 4),\(10 * i)\n" }
        text += "row,B,0,1,100\n"
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(text: text, name: "hand.csv"), schema: schema, options: FeatureOptions(minCount: 1))
        let features = TreeFeature.features(of: extractor)
        #expect(features.map(\.name) == ["payer", "letter", "meds", "days"])
        /// A stump on `feature`: `left` when x <= threshold (or the level is in `levels`), else `right`.
        func stump(_ feature: Int32, _ threshold: Float, left: Double, right: Double, levels: [Int32]? = nil) -> Tree {
            var tree = Tree()
            let root = tree.addLeaf(value: 0, cover: 2)
            tree.left[root] = Int32(tree.addLeaf(value: left, cover: 1))
            tree.right[root] = Int32(tree.addLeaf(value: right, cover: 1))
            tree.feature[root] = feature
            tree.threshold[root] = threshold
            if let levels {
                tree.categorySet[root] = 0
                tree.categorySets = [levels]
            }
            return tree
        }
        let trees = [
            stump(1, 0.5, left: 0, right: 1.5),  // letter
            stump(2, 2.5, left: 0, right: 1.0),  // meds >= 3
            stump(3, 30, left: 2.5, right: 0),  // days <= 30
            stump(0, 0, left: 3, right: 0, levels: [0]),  // payer A
        ]
        let model = GradientBoostedTrees(features: features, baseScore: -2, trees: trees, fit: nil)
        let file = ModelFile(
            extractor: extractor, model: .trees(model),
            training: .init(dataFile: "hand.csv", rows: 10, positiveRows: 5, rejectedRows: 0))
        return (file, FeatureMatrix(rows: [10], of: batch.matrix))
    }

    @Test func theCheapestSetIsFound() throws {
        let (file, row) = try Self.model()
        let recourse = RecourseFinder(file).find(row: 0, of: row, target: 0.5)
        #expect(abs(recourse.probability - sigmoid(-2)) < 1e-12)
        // A letter and two more medications (cost 4, margin +0.5) beat 70 fewer days (cost 7).
        let plan = try #require(recourse.plan)
        #expect(plan.changes.map(\.name).sorted() == ["letter", "meds"])
        #expect(plan.changes.first { $0.name == "meds" }?.to == 3)
        #expect(abs(plan.cost - 4) < 1e-12)
        #expect(abs(plan.probability - sigmoid(0.5)) < 1e-12)
        // One change at a time: the days (+2.5) first, then the letter, then the medications.
        #expect(recourse.singles.map(\.changes[0].name) == ["days", "letter", "meds"])
        #expect(recourse.singles[0].changes[0].to == 30)
        #expect(recourse.singles[0].changes[0].words == "days: 100 → 30")
        #expect(recourse.singles[1].changes[0].words == "letter: no → yes")
    }

    /// Every row at once, on two threads: the answers of one row at a time.
    @Test func rowsOnThreadsAsOneByOne() throws {
        let (file, row) = try Self.model()
        // The row eleven times, with 0, 20, …, 200 days to appeal.
        var rows = FeatureMatrix(rows: [Int](repeating: 0, count: 11), of: row)
        let days = Int32(file.extractor.columnNames.firstIndex(of: "days")!)
        for r in 0..<rows.rowCount {
            let k = (rows.rowOffsets[r]..<rows.rowOffsets[r + 1]).first { rows.columns[$0] == days }!
            rows.values[k] = Float(20 * r)
        }
        let finder = RecourseFinder(file)
        let one = (0..<rows.rowCount).map { finder.find(row: $0, of: rows, target: 0.5) }
        #expect(finder.find(rows, target: 0.5, threads: 2) == one)
        #expect(Set(one.map(\.probability)).count == 2)  // days up to 30 count, beyond do not
    }

    @Test func noChangeReachingTheTargetIsSaid() throws {
        let (file, row) = try Self.model()
        // Everything at once gives margin 3 (95.3%): 99% cannot be reached.
        let recourse = RecourseFinder(file).find(row: 0, of: row, target: 0.99)
        #expect(recourse.plan == nil)
        #expect(recourse.exhaustive)
        #expect(recourse.text.contains("No change to the actionable inputs reaches 99% (every combination tried)."))
        #expect(recourse.changeable == 3)

        // A claim whose actionable inputs are all blank has nothing to change, and says so.
        let columns = file.extractor.columnNames
        let kept = (0..<row.nonZeroCount).filter {
            !["letter", "meds", "days"].contains(columns[Int(row.columns[$0])])
        }
        let missing = ["letter=(missing)", "meds=(missing)", "days=(missing)"].map {
            Int32(columns.firstIndex(of: $0)!)
        }
        let entries = (kept.map { (row.columns[$0], row.values[$0]) } + missing.map { ($0, Float(1)) }).sorted {
            $0.0 < $1.0
        }
        let blank = FeatureMatrix(
            width: row.width, rowOffsets: [0, entries.count], columns: entries.map(\.0), values: entries.map(\.1))
        let nothing = RecourseFinder(file).find(row: 0, of: blank, target: 0.5)
        #expect(nothing.changeable == 0 && nothing.plan == nil && nothing.singles.isEmpty)
        #expect(nothing.text.hasPrefix("  No actionable input can change for this claim"))
    }

    /// Whatever the target, suggestions never lower the probability, stay within the bounds and
    /// directions, and never touch the payer.
    @Test(arguments: [0.2, 0.5, 0.8, 0.95])
    func changesRaiseTheProbabilityWithinBounds(target: Double) throws {
        let (file, row) = try Self.model()
        let recourse = RecourseFinder(file).find(row: 0, of: row, target: target)
        let options = recourse.singles + (recourse.plan.map { [$0] } ?? [])
        #expect(!options.isEmpty)
        if let plan = recourse.plan { #expect(plan.probability >= target) }
        for option in options {
            #expect(option.probability > recourse.probability)
            for change in option.changes {
                #expect(change.name != "payer")
                switch change.name {
                case "letter": #expect(change.from == 0 && change.to == 1)
                case "meds": #expect(change.to > change.from && change.to <= 5)
                case "days": #expect(change.to < change.from && change.to >= 0)
                default: Issue.record("unexpected change \(change.name)")
                }
            }
        }
    }

    /// Logistic regression with weights set by hand (no scaling): margin = −1.92 + 1.5·letter +
    /// 0.5·meds − 0.05·days, days costing 0.09 each. For 50% the cheapest plan (cost 10.91) is the
    /// letter and 99 fewer days; the exact program finds it, and it is the cheapest of every
    /// combination counted out here.
    @Test func logisticRecourseIsExact() throws {
        var schema = Self.schema
        schema.features[3].actionable = Actionability(direction: .decrease, cost: 0.09, minimum: 0)
        var text = "id,payer,letter,meds,days\n"
        for i in 0..<10 { text += "r\(i),\(i % 2 == 0 ? "A" : "B"),\(i % 2),\(i % 4),\(10 * i)\n" }
        text += "row,B,0,1,100\n"
        let (extractor, batch) = try FeatureExtractor.fitTransform(
            CSVReader(text: text, name: "hand.csv"), schema: schema, options: FeatureOptions(minCount: 1),
            requireLabel: false)
        var labelled = batch
        labelled.labels = (0..<batch.matrix.rowCount).map { Float($0 % 2) }
        var model = try LogisticRegression.fit(labelled, extractor: extractor)
        model.scaling = []
        model.weights = [Double](repeating: 0, count: extractor.width)
        model.intercept = -1.92
        let column = { (name: String) in extractor.columnNames.firstIndex(of: name)! }
        model.weights[column("letter")] = 1.5
        model.weights[column("meds")] = 0.5
        model.weights[column("days")] = -0.05
        let file = ModelFile(
            extractor: extractor, model: .logistic(model),
            training: .init(dataFile: "hand.csv", rows: 10, positiveRows: 5, rejectedRows: 0))
        let row = FeatureMatrix(rows: [10], of: batch.matrix)
        let recourse = RecourseFinder(file).find(row: 0, of: row, target: 0.5)
        #expect(abs(recourse.probability - sigmoid(-1.92 + 0.5 - 5)) < 1e-6)
        let plan = try #require(recourse.plan)
        #expect(recourse.exhaustive)
        #expect(plan.changes.map(\.words) == ["letter: no → yes", "days: 100 → 1"])
        #expect(abs(plan.cost - 10.91) < 1e-9)
        // Every combination, counted out.
        var cheapest = Double.infinity
        for letter in 0...1 {
            for meds in 1...5 {
                for days in 0...100 {
                    let margin = -1.92 + 1.5 * Double(letter) + 0.5 * Double(meds) - 0.05 * Double(days)
                    if margin >= 1e-9 {
                        cheapest = min(cheapest, 2 * Double(letter) + Double(meds - 1) + 0.09 * Double(100 - days))
                    }
                }
            }
        }
        #expect(abs(plan.cost - cheapest) < 1e-9)
        // Out of reach: the program says so without searching.
        let none = RecourseFinder(file).find(row: 0, of: row, target: 0.999)
        #expect(none.plan == nil && none.exhaustive)
    }
}
