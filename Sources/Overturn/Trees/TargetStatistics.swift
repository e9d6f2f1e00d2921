/// CatBoost's ordered target statistics: a category becomes one number per row, the smoothed
/// overturn rate of its level among the training rows *before* it in a random order.
///
/// A plain per-level rate leaks each row's own outcome into its feature, which trees then overfit
/// (most of all for levels with a handful of rows); counting only earlier rows keeps every training
/// value honest (Prokhorenkova et al., "CatBoost: unbiased boosting with categorical features",
/// NeurIPS 2018). Scoring uses the rate over all training rows, stored in `TreeFeature.encoding`:
///
///     value = (positives before + strength · prior) / (rows before + strength)
enum TargetStatistics {
    /// Encodes every categorical feature of `features` as a numeric one.
    ///
    /// - Returns: the new features, and per encoded feature the ordered statistic of every row of
    ///   `matrix` listed in `rows` (NaN elsewhere), for binning and training.
    static func encode(
        _ matrix: FeatureMatrix, rows: [Int], labels: [Float], features: [TreeFeature], strength: Double = 1,
        random: inout RandomSource
    ) -> (features: [TreeFeature], trainingValues: [Int: [Float]]) {
        let categorical = features.indices.filter { features[$0].kind == .categorical }
        guard !categorical.isEmpty else { return (features, [:]) }
        let prior = Double(rows.count { labels[$0] == 1 }) / Double(max(1, rows.count))
        var order = rows
        for i in order.indices.dropLast() { order.swapAt(i, i + random.int(order.count - i)) }
        var encoded = features
        var trainingValues: [Int: [Float]] = [:]
        for f in categorical {
            let spec = features[f]
            var positives = [Double](repeating: 0, count: spec.levels)
            var counts = [Double](repeating: 0, count: spec.levels)
            var values = [Float](repeating: .nan, count: matrix.rowCount)
            for i in order {
                guard let l = level(of: i, spec, matrix) else { continue }
                values[i] = Float((positives[l] + strength * prior) / (counts[l] + strength))
                positives[l] += Double(labels[i])
                counts[l] += 1
            }
            encoded[f] = TreeFeature(kind: .numeric, column: spec.column, levels: spec.levels, name: spec.name)
            encoded[f].encoding = (0..<spec.levels).map {
                Float((positives[$0] + strength * prior) / (counts[$0] + strength))
            }
            trainingValues[f] = values
        }
        return (encoded, trainingValues)
    }

    /// The level row `i` holds of categorical feature `spec`, or nil when it holds none.
    private static func level(of i: Int, _ spec: TreeFeature, _ matrix: FeatureMatrix) -> Int? {
        for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
            let c = Int(matrix.columns[k])
            if c >= spec.column && c < spec.column + spec.levels { return c - spec.column }
        }
        return nil
    }
}
