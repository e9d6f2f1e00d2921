import Foundation

extension ModelFile {
    /// A model that cannot be written as XGBoost JSON.
    public enum ExportError: Error, Equatable, CustomStringConvertible {
        case notTrees
        case categoricalFeature(String)

        public var description: String {
            switch self {
            case .notTrees: "only tree models can be exported to XGBoost"
            case .categoricalFeature(let name):
                "the trees split the category \"\(name)\" as a group of levels, which XGBoost's numeric splits cannot say; train with --categories one-hot to export"
            }
        }
    }

    /// The tree model as an XGBoost JSON model (`binary:logistic`, gbtree) that `xgb.Booster(model_file=…)`
    /// loads and scores as Overturn does.
    ///
    /// XGBoost's features are the extractor's columns (`f0` … in `overturn features` order): feed it
    /// the dense matrix of those columns, 0 where the CSR matrix stores nothing and NaN for a missing
    /// number (a sparse input would read absent entries as missing). Overturn's `x <= t` becomes
    /// XGBoost's `x < nextUp(t)`; leaf values and the base score are rounded to Float as XGBoost
    /// stores them.
    public func xgboostJSON() throws -> Data {
        guard let ensemble = trees else { throw ExportError.notTrees }
        let width = extractor.width
        for tree in ensemble.trees {
            for f in tree.feature where f >= 0 {
                let feature = ensemble.features[Int(f)]
                if feature.kind == .categorical || feature.encoding != nil {
                    throw ExportError.categoricalFeature(feature.name)
                }
            }
        }
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
            let fields = [
                "\"base_weights\":" + floats(tree.value.map { Float($0) }),
                "\"categories\":[],\"categories_nodes\":[],\"categories_segments\":[],\"categories_sizes\":[]",
                "\"default_left\":" + ints((0..<n).map { !leaf[$0] && tree.defaultLeft[$0] ? 1 : 0 }),
                "\"id\":\(t)",
                "\"left_children\":" + ints((0..<n).map { leaf[$0] ? -1 : Int(tree.left[$0]) }),
                "\"loss_changes\":" + floats(tree.gain.map { Float($0) }),
                "\"parents\":" + ints(parents),
                "\"right_children\":" + ints((0..<n).map { leaf[$0] ? -1 : Int(tree.right[$0]) }),
                "\"split_conditions\":"
                    + floats((0..<n).map { leaf[$0] ? Float(tree.value[$0]) : tree.threshold[$0].nextUp }),
                "\"split_indices\":"
                    + ints((0..<n).map { leaf[$0] ? 0 : ensemble.features[Int(tree.feature[$0])].column }),
                "\"split_type\":" + ints([Int](repeating: 0, count: n)),
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
        let learner =
            "{\"attributes\":{},\"feature_names\":[],\"feature_types\":[],\"gradient_booster\":" + booster + ","
            + "\"learner_model_param\":{\"base_score\":\"[\(number(baseProbability))]\",\"boost_from_average\":\"1\","
            + "\"num_class\":\"0\",\"num_feature\":\"\(width)\",\"num_target\":\"1\"},"
            + "\"objective\":{\"name\":\"binary:logistic\",\"reg_loss_param\":{\"scale_pos_weight\":\"1\"}}}"
        return Data(("{\"learner\":" + learner + ",\"version\":[2,0,0]}\n").utf8)
    }
}
