import Foundation

/// Reading LightGBM's text model format (`booster.save_model("m.txt")`): a header of `key=value`
/// lines, then one `Tree=N` block per tree with its internal nodes as parallel arrays
/// (`split_feature`, `threshold`, `decision_type`, `left_child`, `right_child`, `split_gain`,
/// `internal_weight`) and its leaves (`leaf_value`, `leaf_weight`); a negative child `c` is leaf
/// `-c - 1`. `decision_type` holds the categorical bit (1), the default-left bit (2) and the missing
/// type in bits 2–3 (0 none, 1 zero, 2 NaN).
extension ModelFile {
    /// Imports a LightGBM `binary` model with numeric splits.
    ///
    /// The result is an ordinary model file whose schema is one number column per LightGBM feature,
    /// named as the model names them. LightGBM compares `x <= threshold` in Double; the threshold
    /// becomes the largest Float at or below it, which decides every Float the same way. Missing
    /// values follow LightGBM: with missing type NaN they take the default direction; with type
    /// none they are read as 0 and go where 0 goes. With type zero (`zero_as_missing=true`) a zero
    /// or a NaN takes the default direction: the feature's column reads zero as missing
    /// (`FeatureSpec.zeroIsMissing`), so its splits become ordinary ones with that default.
    /// Categorical splits are not imported.
    public static func importLightGBM(path: String) throws -> ModelFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ImportError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        var blocks: [[String: String]] = [[:]]
        for line in text.split(whereSeparator: \.isNewline) {
            if line == "end of trees" { break }
            if line.hasPrefix("Tree=") { blocks.append([:]) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            blocks[blocks.count - 1][String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        let header = blocks.removeFirst()
        guard text.hasPrefix("tree\n") || text.hasPrefix("tree\r\n"), let objective = header["objective"] else {
            throw ImportError.notAModel(file: path, expected: "a LightGBM text model (it starts with \"tree\")")
        }
        let objectiveParts = objective.split(separator: " ")
        guard objectiveParts.first == "binary" else {
            throw ImportError.unsupported(file: path, what: "objective \"\(objective)\" (only binary)")
        }
        var sigmoid = 1.0
        for part in objectiveParts.dropFirst() where part.hasPrefix("sigmoid:") {
            sigmoid = Double(part.dropFirst("sigmoid:".count)) ?? .nan
        }
        guard sigmoid.isFinite && sigmoid > 0 else {
            throw ImportError.malformed(
                file: path, detail: "objective \"\(objective)\": sigmoid is not a positive number")
        }
        guard header["num_class"] == nil || header["num_class"] == "1",
            header["num_tree_per_iteration"] == nil || header["num_tree_per_iteration"] == "1"
        else {
            throw ImportError.unsupported(file: path, what: "a model of several classes")
        }
        guard let last = header["max_feature_idx"].flatMap(Int.init), last >= 0 else {
            throw ImportError.malformed(file: path, detail: "max_feature_idx is missing or not a number")
        }
        let count = last + 1
        var names = header["feature_names"].map { $0.split(separator: " ").map(String.init) } ?? []
        if names.isEmpty { names = (0..<count).map { "Column_\($0)" } }
        guard names.count == count, Set(names).count == count else {
            throw ImportError.malformed(file: path, detail: "feature_names do not name \(count) distinct features")
        }
        var trees: [Tree] = []
        var missingTypes = [Set<Int>](repeating: [], count: count)  // per feature, the types its splits use
        for (t, block) in blocks.enumerated() {
            trees.append(
                try lightGBMTree(
                    block, index: t, features: count, sigmoid: sigmoid, file: path, missingTypes: &missingTypes))
        }
        // LightGBM gives each feature one missing type (splits that cannot use it say none).
        if let f = missingTypes.indices.first(where: { missingTypes[$0].isSuperset(of: [1, 2]) }) {
            throw ImportError.unsupported(
                file: path, what: "feature \(names[f]): splits that read zero as missing and others that read NaN")
        }
        let zeroIsMissing = Set(missingTypes.indices.filter { missingTypes[$0].contains(1) })
        return try importedTrees(
            names: names, baseScore: 0, trees: trees, schemaName: "imported-lightgbm", file: path,
            zeroIsMissing: zeroIsMissing)
    }

    /// One `Tree=` block as an Overturn tree: internal node i is node i, leaf j node (leaves − 1) + j.
    private static func lightGBMTree(
        _ block: [String: String], index t: Int, features: Int, sigmoid: Double, file: String,
        missingTypes: inout [Set<Int>]
    ) throws -> Tree {
        func numbers(_ key: String, _ count: Int, infinities: Bool = false) throws -> [Double] {
            let values = (block[key] ?? "").split(separator: " ").compactMap { Double($0) }
            guard values.count == count, values.allSatisfy({ $0.isFinite || (infinities && !$0.isNaN) }) else {
                throw ImportError.malformed(
                    file: file, detail: "Tree=\(t): \(key) does not hold \(count) finite numbers")
            }
            return values
        }
        guard let leaves = block["num_leaves"].flatMap(Int.init), leaves >= 1 else {
            throw ImportError.malformed(file: file, detail: "Tree=\(t): num_leaves is missing or not a count")
        }
        if let categorical = block["num_cat"].flatMap(Int.init), categorical > 0 {
            throw ImportError.unsupported(file: file, what: "Tree=\(t): a categorical split")
        }
        let inner = leaves - 1
        let leafValue = try numbers("leaf_value", leaves)
        let leafWeight =
            block["leaf_weight"] == nil ? [Double](repeating: 0, count: leaves) : try numbers("leaf_weight", leaves)
        let feature = try numbers("split_feature", inner)
        // A threshold of inf sends every value left and only missing ones right.
        let threshold = try numbers("threshold", inner, infinities: true)
        let decision = try numbers("decision_type", inner)
        let left = try numbers("left_child", inner)
        let right = try numbers("right_child", inner)
        let gain = block["split_gain"] == nil ? [Double](repeating: 0, count: inner) : try numbers("split_gain", inner)
        let weight =
            block["internal_weight"] == nil
            ? [Double](repeating: 0, count: inner) : try numbers("internal_weight", inner)

        var tree = Tree()
        for i in 0..<inner { tree.addLeaf(value: 0, cover: weight[i]) }
        for j in 0..<leaves { tree.addLeaf(value: sigmoid * leafValue[j], cover: leafWeight[j]) }
        func node(_ child: Double) -> Int32 { child < 0 ? Int32(inner) + Int32(-child - 1) : Int32(child) }
        for i in 0..<inner {
            let type = Int(decision[i])
            guard type & 1 == 0 else {
                throw ImportError.unsupported(file: file, what: "Tree=\(t): a categorical split")
            }
            let missing = (type >> 2) & 3
            guard missing <= 2 else {
                throw ImportError.malformed(file: file, detail: "Tree=\(t): decision_type \(type) has no missing type")
            }
            guard Int(feature[i]) >= 0 && Int(feature[i]) < features else {
                throw ImportError.malformed(
                    file: file, detail: "Tree=\(t): split_feature \(Int(feature[i])) is not one of \(features) features"
                )
            }
            missingTypes[Int(feature[i])].insert(missing)
            // The largest finite Float at or below it (Overturn's thresholds are finite).
            var cut = Float(
                max(min(threshold[i], Double(Float.greatestFiniteMagnitude)), -Double(Float.greatestFiniteMagnitude)))
            if Double(cut) > threshold[i] && cut > -Float.greatestFiniteMagnitude { cut = cut.nextDown }
            tree.feature[i] = Int32(feature[i])
            tree.threshold[i] = cut
            // Missing type NaN, or zero (its zeros arrive as missing): the stored direction. None: a
            // NaN is read as 0 and goes where 0 goes.
            tree.defaultLeft[i] = missing != 0 ? type & 2 != 0 : 0 <= threshold[i]
            tree.left[i] = node(left[i])
            tree.right[i] = node(right[i])
            tree.gain[i] = gain[i]
        }
        return tree
    }

    /// A model file for imported trees over plain number columns: the schema, the extractor (one
    /// value column and one missing indicator per number), checks, inner node values.
    static func importedTrees(
        names: [String], baseScore: Double, trees: [Tree], schemaName: String, file: String,
        zeroIsMissing: Set<Int> = []
    ) throws -> ModelFile {
        let specs = names.enumerated().map { f, name in
            var spec = FeatureSpec(column: name, kind: .number)
            spec.zeroIsMissing = zeroIsMissing.contains(f)
            return spec
        }
        let schema = Schema(name: schemaName, id: nil, label: nil, features: specs)
        let blocks = names.indices.map { FeatureBlock(offset: 2 * $0, levels: []) }
        let extractor = FeatureExtractor(schema: schema, options: FeatureOptions(minCount: 1), blocks: blocks)
        let features = names.enumerated().map { TreeFeature(kind: .numeric, column: 2 * $0.offset, name: $0.element) }
        var ensemble = GradientBoostedTrees(features: features, baseScore: baseScore, trees: trees, fit: nil)
        if let problem = ensemble.problem(width: extractor.width) {
            throw ImportError.malformed(file: file, detail: "the trees do not form a valid model: \(problem)")
        }
        // An inner node's value: what it would output as a leaf, its children's cover-weighted mean.
        for t in ensemble.trees.indices { ensemble.trees[t].fillInnerValues() }
        return ModelFile(
            extractor: extractor, model: .trees(ensemble),
            training: TrainingMetadata(dataFile: file, rows: 0, positiveRows: 0, rejectedRows: 0))
    }
}
