import Foundation

/// Reading XGBoost's JSON model format (`booster.save_model("m.json")`, XGBoost 1.0 and later):
/// `learner.gradient_booster.model.trees[]` as parallel arrays per node (`left_children`,
/// `right_children`, `split_indices`, `split_conditions`, `default_left`, `sum_hessian`,
/// `loss_changes`), a leaf's value in its `split_conditions`, `learner.learner_model_param.base_score`
/// in probability space for `binary:logistic`.
extension ModelFile {
    /// An XGBoost model that cannot be imported.
    public enum ImportError: Error, Equatable, CustomStringConvertible {
        case unreadable(file: String, reason: String)
        case notAModel(file: String, expected: String)
        case unsupported(file: String, what: String)
        case malformed(file: String, detail: String)

        public var description: String {
            switch self {
            case .unreadable(let file, let reason): "\(file): cannot read the model: \(reason)"
            case .notAModel(let file, let expected): "\(file): not \(expected)"
            case .unsupported(let file, let what): "\(file): \(what) cannot be imported"
            case .malformed(let file, let detail): "\(file): \(detail)"
            }
        }
    }

    /// Imports an XGBoost `binary:logistic` gbtree model with numeric splits.
    ///
    /// The result is an ordinary model file whose schema is one number column per XGBoost feature,
    /// named as the model names them (`f0`, `f1`, … when it does not): a CSV with those columns is
    /// scored as XGBoost scores the same values, a blank cell being a missing value. XGBoost sends a
    /// row left when `x < threshold`; Overturn when `x <= threshold`, so thresholds become the next
    /// Float below.
    public static func importXGBoost(path: String) throws -> ModelFile {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ImportError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        let model: XGBoostModel
        do {
            model = try JSONDecoder().decode(XGBoostModel.self, from: data)
        } catch let error as DecodingError {
            throw ImportError.notAModel(
                file: path, expected: "an XGBoost JSON model (\(SchemaError(decoding: error, file: path)))")
        } catch {
            throw ImportError.notAModel(file: path, expected: "an XGBoost JSON model")
        }
        let learner = model.learner
        guard learner.objective.name == "binary:logistic" else {
            throw ImportError.unsupported(
                file: path, what: "objective \"\(learner.objective.name)\" (only binary:logistic)")
        }
        guard learner.gradient_booster.name == "gbtree", let trees = learner.gradient_booster.model?.trees else {
            throw ImportError.unsupported(
                file: path, what: "booster \"\(learner.gradient_booster.name)\" (only gbtree)")
        }
        let parameters = learner.learner_model_param
        guard let count = Int(parameters.num_feature), count > 0 else {
            throw ImportError.malformed(file: path, detail: "num_feature \"\(parameters.num_feature)\" is not a count")
        }
        let scoreText = parameters.base_score.trimmingCharacters(in: CharacterSet(charactersIn: "[] "))
        guard let baseProbability = Double(scoreText), baseProbability > 0, baseProbability < 1 else {
            throw ImportError.malformed(
                file: path, detail: "base_score \"\(parameters.base_score)\" is not a probability")
        }
        var names = learner.feature_names ?? []
        if names.isEmpty { names = (0..<count).map { "f\($0)" } }
        guard names.count == count, Set(names).count == count else {
            throw ImportError.malformed(file: path, detail: "feature_names do not name \(count) distinct features")
        }

        var converted: [Tree] = []
        for (t, tree) in trees.enumerated() {
            converted.append(try tree.converted(index: t, features: count, file: path))
        }
        return try importedTrees(
            names: names, baseScore: log(baseProbability / (1 - baseProbability)), trees: converted,
            schemaName: "imported-xgboost", file: path)
    }
}

/// The parts of XGBoost's JSON model that scoring needs (names as XGBoost spells them).
private struct XGBoostModel: Decodable {
    struct Learner: Decodable {
        var feature_names: [String]?
        var gradient_booster: Booster
        var learner_model_param: Parameters
        var objective: Objective
    }
    struct Parameters: Decodable {
        var base_score: String
        var num_feature: String
    }
    struct Objective: Decodable { var name: String }
    struct Booster: Decodable {
        var name: String
        var model: Trees?
    }
    struct Trees: Decodable { var trees: [XGBoostTree] }

    var learner: Learner
}

private struct XGBoostTree: Decodable {
    var left_children: [Int]
    var right_children: [Int]
    var split_indices: [Int]
    var split_conditions: [Double]
    var default_left: [Int]
    var split_type: [Int]?
    var sum_hessian: [Double]
    var loss_changes: [Double]

    /// The tree as Overturn stores it (see `Tree`).
    func converted(index t: Int, features: Int, file: String) throws -> Tree {
        let n = left_children.count
        for (name, count) in [
            ("right_children", right_children.count), ("split_indices", split_indices.count),
            ("split_conditions", split_conditions.count), ("default_left", default_left.count),
            ("sum_hessian", sum_hessian.count), ("loss_changes", loss_changes.count),
        ] where count != n {
            throw ModelFile.ImportError.malformed(
                file: file, detail: "trees[\(t)].\(name): \(count) entries for \(n) nodes")
        }
        if let types = split_type, types.contains(where: { $0 != 0 }) {
            throw ModelFile.ImportError.unsupported(file: file, what: "trees[\(t)]: a categorical split")
        }
        var tree = Tree()
        for i in 0..<n {
            let leaf = left_children[i] == -1
            let node = tree.addLeaf(value: leaf ? split_conditions[i] : 0, cover: sum_hessian[i])
            guard !leaf else { continue }
            guard (0..<features).contains(split_indices[i]) else {
                throw ModelFile.ImportError.malformed(
                    file: file,
                    detail: "trees[\(t)].split_indices[\(i)]: \(split_indices[i]) is not one of \(features) features")
            }
            tree.feature[node] = Int32(split_indices[i])
            // XGBoost: left when x < c. Overturn: left when x <= threshold.
            tree.threshold[node] = Float(split_conditions[i]).nextDown
            tree.defaultLeft[node] = default_left[i] != 0
            tree.left[node] = Int32(clamping: left_children[i])
            tree.right[node] = Int32(clamping: right_children[i])
            tree.gain[node] = loss_changes[i]
        }
        // An inner node's value: what it would output as a leaf, its children's cover-weighted mean.
        if tree.problem(
            features: [TreeFeature](repeating: TreeFeature(kind: .numeric, column: 0, name: ""), count: features))
            == nil
        {
            tree.fillInnerValues()
        }
        return tree
    }
}

extension Tree {
    /// Sets every inner node's value to the cover-weighted mean of its children's, bottom up.
    mutating func fillInnerValues() {
        var order: [Int] = []
        var stack = [0]
        while let n = stack.popLast() {
            order.append(n)
            if feature[n] >= 0 { stack += [Int(left[n]), Int(right[n])] }
        }
        for n in order.reversed() where feature[n] >= 0 {
            let (l, r) = (Int(left[n]), Int(right[n]))
            let total = cover[l] + cover[r]
            value[n] = total > 0 ? (cover[l] * value[l] + cover[r] * value[r]) / total : (value[l] + value[r]) / 2
        }
    }
}
