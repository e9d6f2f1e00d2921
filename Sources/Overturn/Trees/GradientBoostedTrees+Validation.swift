extension GradientBoostedTrees {
    /// The deepest tree a model file may hold; deeper ones are rejected as malformed.
    public static let maxDepth = 64

    /// The first thing that makes this model unusable with an extractor of `width` columns, as a
    /// path inside the model and what is wrong there; nil when the model is sound.
    ///
    /// Checks everything scoring relies on: features within the columns, finite numbers, child
    /// indices in range, every node reached once from the root (no cycles, nothing unreachable),
    /// depth within `maxDepth`, categorical splits only on categorical features.
    public func problem(width: Int) -> String? {
        guard baseScore.isFinite else { return "baseScore: \(baseScore) is not a finite number" }
        for (f, feature) in features.enumerated() {
            let last = feature.column + max(feature.levels, 1)
            guard feature.column >= 0 && last <= width else {
                return "features[\(f)]: column \(feature.column) is outside the \(width) feature columns"
            }
            if feature.kind == .categorical && feature.levels < 1 {
                return "features[\(f)]: a categorical feature needs at least one level"
            }
            if let encoding = feature.encoding {
                guard feature.kind == .numeric, encoding.count == feature.levels, encoding.allSatisfy(\.isFinite) else {
                    return "features[\(f)].encoding: needs one finite number for each of its \(feature.levels) levels"
                }
            }
        }
        for (t, tree) in trees.enumerated() {
            if let problem = tree.problem(features: features) { return "trees[\(t)].\(problem)" }
        }
        return nil
    }
}

extension Tree {
    /// The first structural problem of this tree, or nil.
    func problem(features: [TreeFeature]) -> String? {
        let n = feature.count
        guard n > 0 else { return "feature: a tree needs at least one node" }
        for (name, count) in [
            ("threshold", threshold.count), ("defaultLeft", defaultLeft.count), ("left", left.count),
            ("right", right.count), ("value", value.count), ("cover", cover.count), ("gain", gain.count),
            ("categorySet", categorySet.count),
        ] where count != n {
            return "\(name): \(count) entries for \(n) nodes"
        }
        var parents = [Int](repeating: 0, count: n)
        for i in 0..<n {
            guard value[i].isFinite else { return "value[\(i)]: \(value[i]) is not a finite number" }
            guard cover[i].isFinite && cover[i] >= 0 else {
                return "cover[\(i)]: \(cover[i]) is not a finite number ≥ 0"
            }
            let f = Int(feature[i])
            if f < 0 {
                guard categorySet[i] < 0 else { return "categorySet[\(i)]: a leaf has no category set" }
                continue
            }
            guard f < features.count else {
                return "feature[\(i)]: \(f) is not one of the model's \(features.count) features"
            }
            for (side, child) in [("left", left[i]), ("right", right[i])] {
                guard child > 0 && Int(child) < n else {
                    return "\(side)[\(i)]: \(child) is not a node (the tree has \(n))"
                }
                parents[Int(child)] += 1
            }
            let set = Int(categorySet[i])
            if features[f].kind == .categorical {
                guard set >= 0 && set < categorySets.count else {
                    return "categorySet[\(i)]: \(set) is not one of the \(categorySets.count) category sets"
                }
                guard categorySets[set].allSatisfy({ $0 >= 0 && Int($0) < features[f].levels }) else {
                    return "categorySets[\(set)]: a level outside the feature's \(features[f].levels)"
                }
            } else {
                guard set < 0 else { return "categorySet[\(i)]: a category set on a \(features[f].kind) feature" }
                guard threshold[i].isFinite else {
                    return "threshold[\(i)]: \(threshold[i]) is not a finite number"
                }
            }
        }
        for i in 1..<n where parents[i] != 1 {
            return parents[i] == 0
                ? "left: node \(i) is not reached from the root" : "left: node \(i) has \(parents[i]) parents"
        }
        // One parent each and none for the root: a tree, unless the root is inside a cycle, which
        // the walk below would then never leave; count steps to be sure.
        var stack = [(0, 0)]
        var seen = 0
        while let (i, d) = stack.popLast() {
            seen += 1
            guard d <= GradientBoostedTrees.maxDepth else {
                return "left: deeper than \(GradientBoostedTrees.maxDepth) levels"
            }
            if feature[i] >= 0 {
                stack.append((Int(left[i]), d + 1))
                stack.append((Int(right[i]), d + 1))
            }
            if seen > n { return "left: the nodes form a cycle" }
        }
        return seen == n ? nil : "left: \(n - seen) nodes are not reached from the root"
    }
}
