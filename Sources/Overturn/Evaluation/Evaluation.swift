import Foundation

/// Everything `overturn evaluate` reports about probabilities against outcomes: discrimination
/// (AUC with its 95% confidence interval), fit (log loss, Brier), calibration (a 10-bin table and
/// the expected calibration error) and what ranking needs (precision and lift at the top k%).
///
/// ```swift
/// let e = Evaluation(labels: batch.labels, probabilities: p)
/// print(e.metrics.auc, e.aucInterval, e.expectedCalibrationError, e.top[2].lift)
/// ```
public struct Evaluation: Sendable, Equatable, Codable {
    public var metrics: Metrics
    /// The 95% confidence interval of the AUC from DeLong's variance (DeLong, DeLong and
    /// Clarke-Pearson 1988), clipped to [0, 1].
    public var aucInterval: Interval
    /// Ten bins of equal width over [0, 1] (a probability of exactly 1 goes in the last).
    public var calibration: [CalibrationBin]
    /// Σ over bins of (rows in bin / rows) · |mean probability − overturn rate|.
    public var expectedCalibrationError: Double
    /// Precision and lift among the rows with the highest probabilities.
    public var top: [TopShare]

    public struct Interval: Sendable, Equatable, Codable {
        public var lower: Double
        public var upper: Double
    }

    public struct CalibrationBin: Sendable, Equatable, Codable {
        /// The bin holds probabilities in [lower, upper) (the last also holds 1).
        public var lower: Double
        public var upper: Double
        public var rows: Int
        /// nil when the bin is empty.
        public var meanProbability: Double?
        /// nil when the bin is empty.
        public var overturnRate: Double?
    }

    public struct TopShare: Sendable, Equatable, Codable {
        /// The share of rows taken, e.g. 0.1 for the top 10%.
        public var share: Double
        /// ⌈share · rows⌉ rows, the highest probabilities first; ties broken by row order.
        public var rows: Int
        /// The overturn rate among them.
        public var precision: Double
        /// Their precision over the overturn rate of all rows.
        public var lift: Double
    }

    /// The shares `top` reports by default.
    public static let topShares = [0.01, 0.05, 0.1, 0.2]

    /// Measures `probabilities` against `labels` (1 or 0 each).
    public init(labels: [Float], probabilities: [Double], topShares: [Double] = Evaluation.topShares) {
        metrics = Metrics(labels: labels, probabilities: probabilities)
        aucInterval = Self.delongInterval(labels: labels, scores: probabilities, auc: metrics.auc)
        (calibration, expectedCalibrationError) = Self.calibrationTable(labels: labels, probabilities: probabilities)
        let order = probabilities.indices.sorted {
            probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1
        }
        let rate = metrics.positiveRate
        top = topShares.map { share in
            let k = min(labels.count, Int((share * Double(labels.count)).rounded(.up)))
            let hits = order.prefix(k).reduce(0) { $0 + (labels[$1] == 1 ? 1 : 0) }
            let precision = k == 0 ? Double.nan : Double(hits) / Double(k)
            return TopShare(share: share, rows: k, precision: precision, lift: precision / rate)
        }
    }

    /// The calibration table and its expected calibration error.
    static func calibrationTable(labels: [Float], probabilities: [Double]) -> ([CalibrationBin], Double) {
        var rows = [Int](repeating: 0, count: 10)
        var sums = [Double](repeating: 0, count: 10)
        var positives = [Int](repeating: 0, count: 10)
        for (y, p) in zip(labels, probabilities) {
            let b = min(max(Int(p * 10), 0), 9)
            rows[b] += 1
            sums[b] += p
            if y == 1 { positives[b] += 1 }
        }
        var error = 0.0
        let bins = (0..<10).map { b in
            let mean = sums[b] / Double(rows[b])
            let rate = Double(positives[b]) / Double(rows[b])
            if rows[b] > 0 { error += Double(rows[b]) * abs(mean - rate) }
            return CalibrationBin(
                lower: Double(b) / 10, upper: Double(b + 1) / 10, rows: rows[b],
                meanProbability: rows[b] > 0 ? mean : nil, overturnRate: rows[b] > 0 ? rate : nil)
        }
        return (bins, labels.isEmpty ? .nan : error / Double(labels.count))
    }

    /// DeLong's 95% interval. With m positives X and n negatives Y, each positive's placement
    /// V₁₀(Xᵢ) is the share of negatives it outscores (ties one half) and each negative's V₀₁(Yⱼ)
    /// the share of positives that outscore it; Var(AUC) = s²(V₁₀)/m + s²(V₀₁)/n with sample
    /// variances. Placements come from midranks: sorting once, O(N log N).
    static func delongInterval(labels: [Float], scores: [Double], auc: Double) -> Interval {
        let positives = labels.indices.filter { labels[$0] == 1 }
        let negatives = labels.indices.filter { labels[$0] != 1 }
        let m = Double(positives.count)
        let n = Double(negatives.count)
        guard m >= 2 && n >= 2 && auc.isFinite else { return Interval(lower: .nan, upper: .nan) }
        let all = Metrics.midranks(scores)
        let amongPositives = Metrics.midranks(positives.map { scores[$0] })
        let amongNegatives = Metrics.midranks(negatives.map { scores[$0] })
        // Negatives below a positive (ties one half) = its rank among all − its rank among positives.
        let v10 = positives.indices.map { (all[positives[$0]] - amongPositives[$0]) / n }
        let v01 = negatives.indices.map { 1 - (all[negatives[$0]] - amongNegatives[$0]) / m }
        func variance(_ v: [Double]) -> Double {
            let mean = v.reduce(0, +) / Double(v.count)
            return v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(v.count - 1)
        }
        let se = (variance(v10) / m + variance(v01) / n).squareRoot()
        return Interval(lower: max(0, auc - 1.959964 * se), upper: min(1, auc + 1.959964 * se))
    }

    /// The ROC curve's corners: (false positive rate, true positive rate) from (0, 0) to (1, 1), one
    /// point per distinct probability, highest first.
    public static func rocCurve(labels: [Float], probabilities: [Double]) -> [(fpr: Double, tpr: Double)] {
        let order = probabilities.indices.sorted { probabilities[$0] > probabilities[$1] }
        let p = Double(labels.count { $0 == 1 })
        let n = Double(labels.count) - p
        guard p > 0 && n > 0 else { return [] }
        var points = [(fpr: 0.0, tpr: 0.0)]
        var tp = 0.0
        var fp = 0.0
        for (k, i) in order.enumerated() {
            if labels[i] == 1 { tp += 1 } else { fp += 1 }
            if k + 1 == order.count || probabilities[order[k + 1]] != probabilities[i] {
                points.append((fp / n, tp / p))
            }
        }
        return points
    }
}
