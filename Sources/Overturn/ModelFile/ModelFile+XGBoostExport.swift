import Foundation

extension ModelFile {
    /// A model that cannot be written as XGBoost JSON.
    public enum ExportError: Error, Equatable, CustomStringConvertible {
        case notTrees

        public var description: String {
            switch self {
            case .notTrees: "only tree models can be exported to XGBoost"
            }
        }
    }

    /// A column an exported XGBoost model reads after the extractor's: one per tree feature that reads
    /// a whole category block as one value.
    public struct AppendedColumn: Sendable, Equatable {
        /// `payer (level number)` or `payer (target statistic)`.
        public var name: String
        /// The tree feature it holds.
        public var feature: Int
        /// XGBoost splits it as a category (a set of level numbers) rather than a number.
        public var categorical: Bool
    }

    /// The columns after the extractor's that `xgboostJSON()` reads, in order: for each tree feature
    /// that groups category levels (`--categories native` or `both`), the number of the row's level
    /// within the block (0 for the block's first column, as `columns.txt` lists them); for each
    /// target-statistics feature, the row's level's statistic. Empty for one-hot and imported models.
    public var xgboostAppendedColumns: [AppendedColumn] {
        guard let ensemble = trees else { return [] }
        return ensemble.features.enumerated().compactMap { f, feature in
            if feature.encoding != nil {
                return AppendedColumn(name: "\(feature.name) (target statistic)", feature: f, categorical: false)
            }
            if feature.kind == .categorical {
                return AppendedColumn(name: "\(feature.name) (level number)", feature: f, categorical: true)
            }
            return nil
        }
    }

    /// `matrix` (the extractor's columns) with `xgboostAppendedColumns` after them: the matrix the
    /// exported XGBoost model scores as Overturn scores `matrix`. The appended values are the tree
    /// features' values as scoring reads them (`TreeFeatureMap`), every one stored, a level number 0
    /// included; a row with none of a block's columns (which extraction never writes) gets NaN.
    public func xgboostMatrix(_ matrix: FeatureMatrix) -> FeatureMatrix {
        let appended = xgboostAppendedColumns
        guard let ensemble = trees, !appended.isEmpty else { return matrix }
        let map = TreeFeatureMap(features: ensemble.features, width: matrix.width)
        var slot = [Int](repeating: -1, count: ensemble.features.count)  // tree feature → appended column
        for (a, extra) in appended.enumerated() { slot[extra.feature] = a }
        var offsets = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        offsets.reserveCapacity(matrix.rowCount + 1)
        var row = [Float](repeating: 0, count: appended.count)
        for i in 0..<matrix.rowCount {
            for (a, extra) in appended.enumerated() { row[a] = map.absent[extra.feature] }
            map.forEachTarget(ofRow: i, in: matrix) { f, v in
                if slot[f] >= 0 { row[slot[f]] = v }
            }
            let stored = matrix.row(i)
            columns += stored.columns
            values += stored.values
            columns += (0..<appended.count).map { Int32(matrix.width + $0) }
            values += row
            offsets.append(columns.count)
        }
        return FeatureMatrix(
            width: matrix.width + appended.count, rowOffsets: offsets, columns: columns, values: values)
    }

    /// The tree model as an XGBoost JSON model (`binary:logistic`, gbtree) that `xgb.Booster(model_file=…)`
    /// loads and scores as Overturn does.
    ///
    /// XGBoost's features are the extractor's columns (`f0` … in `overturn features` order) followed
    /// by `xgboostAppendedColumns`: feed it `xgboostMatrix` as a dense matrix, 0 where the CSR matrix
    /// stores nothing and NaN for a missing number (a sparse input would read absent entries as
    /// missing); `overturn features --model` writes it. Overturn's `x <= t` becomes XGBoost's
    /// `x < nextUp(t)`; a group of levels going left becomes XGBoost's categorical split, whose
    /// `categories` are the levels going right. Leaf values and the base score are rounded to Float as
    /// XGBoost stores them.
    public func xgboostJSON() throws -> Data {
        guard let ensemble = trees else { throw ExportError.notTrees }
        let appended = xgboostAppendedColumns
        let width = extractor.width + appended.count
        // The XGBoost column each tree feature is read from.
        var column = ensemble.features.map(\.column)
        for (a, extra) in appended.enumerated() { column[extra.feature] = extractor.width + a }
        // Written by hand: XGBoost reads a float written without a point ("1") as an integer and
        // refuses it, which is what JSONSerialization writes for 1.0.
        func number(_ v: Float) -> String {
            let text = "\(v)"
            return text.contains(where: { $0 == "." || $0 == "e" || $0 == "n" || $0 == "i" }) ? text : text + ".0"
        }
        func floats(_ values: [Float]) -> String { "[" + values.map(number).joined(separator: ",") + "]" }
        func ints(_ values: [Int]) -> String { "[" + values.map(String.init).joined(separator: ",") + "]" }
        var trees: [String] = []
        for (t, tree) in ensemble.trees.enumerated() {
            let n = tree.nodeCount
            var parents = [Int](repeating: 2_147_483_647, count: n)
            for i in 0..<n where tree.feature[i] >= 0 {
                parents[Int(tree.left[i])] = i
                parents[Int(tree.right[i])] = i
            }
            let leaf = tree.feature.map { $0 < 0 }
            // Categorical splits: XGBoost sends the levels it lists right, Overturn's set goes left.
            var categoryNodes: [Int] = []
            var segments: [Int] = []
            var categories: [Int] = []
            for i in 0..<n where tree.categorySet[i] >= 0 {
                let goesLeft = Set(tree.categorySets[Int(tree.categorySet[i])])
                let levels = ensemble.features[Int(tree.feature[i])].levels
                categoryNodes.append(i)
                segments.append(categories.count)
                categories += (0..<levels).filter { !goesLeft.contains(Int32($0)) }
            }
            let sizes = zip(segments, segments.dropFirst() + [categories.count]).map { $1 - $0 }
            let categorical = tree.categorySet.map { $0 >= 0 }
            let fields = [
                "\"base_weights\":" + floats(tree.value.map { Float($0) }),
                "\"categories\":" + ints(categories),
                "\"categories_nodes\":" + ints(categoryNodes),
                "\"categories_segments\":" + ints(segments),
                "\"categories_sizes\":" + ints(sizes),
                "\"default_left\":" + ints((0..<n).map { !leaf[$0] && tree.defaultLeft[$0] ? 1 : 0 }),
                "\"id\":\(t)",
                "\"left_children\":" + ints((0..<n).map { leaf[$0] ? -1 : Int(tree.left[$0]) }),
                "\"loss_changes\":" + floats(tree.gain.map { Float($0) }),
                "\"parents\":" + ints(parents),
                "\"right_children\":" + ints((0..<n).map { leaf[$0] ? -1 : Int(tree.right[$0]) }),
                "\"split_conditions\":"
                    + floats(
                        (0..<n).map {
                            leaf[$0] ? Float(tree.value[$0]) : categorical[$0] ? 0 : tree.threshold[$0].nextUp
                        }),
                "\"split_indices\":" + ints((0..<n).map { leaf[$0] ? 0 : column[Int(tree.feature[$0])] }),
                "\"split_type\":" + ints(categorical.map { $0 ? 1 : 0 }),
                "\"sum_hessian\":" + floats(tree.cover.map { Float($0) }),
                "\"tree_param\":{\"num_deleted\":\"0\",\"num_feature\":\"\(width)\",\"num_nodes\":\"\(n)\",\"size_leaf_vector\":\"1\"}",
            ]
            trees.append("{" + fields.joined(separator: ",") + "}")
        }
        let baseProbability = Float(1 / (1 + exp(-ensemble.baseScore)))
        let count = ensemble.trees.count
        let booster =
            "{\"model\":{\"cats\":{\"enc\":[],\"feature_segments\":[],\"sorted_idx\":[]},"
            + "\"gbtree_model_param\":{\"num_parallel_tree\":\"1\",\"num_trees\":\"\(count)\"},"
            + "\"iteration_indptr\":" + ints(Array(0...count)) + ","
            + "\"tree_info\":" + ints([Int](repeating: 0, count: count)) + ","
            + "\"trees\":[" + trees.joined(separator: ",") + "]},\"name\":\"gbtree\"}"
        // Feature types only when some are categories, as XGBoost writes a model trained on a matrix
        // without them.
        var types: [String] = []
        if appended.contains(where: \.categorical) {
            types = [String](repeating: "\"float\"", count: extractor.width)
            types += appended.map { $0.categorical ? "\"c\"" : "\"float\"" }
        }
        let learner =
            "{\"attributes\":{},\"feature_names\":[],\"feature_types\":[" + types.joined(separator: ",")
            + "],\"gradient_booster\":" + booster + ","
            + "\"learner_model_param\":{\"base_score\":\"[\(number(baseProbability))]\",\"boost_from_average\":\"1\","
            + "\"num_class\":\"0\",\"num_feature\":\"\(width)\",\"num_target\":\"1\"},"
            + "\"objective\":{\"name\":\"binary:logistic\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}}"
        return Data(("{\"learner\":" + learner + ",\"version\":[2,0,0]}\n").utf8)
    }
}
