import Foundation

/// How well probabilities fit outcomes: the numbers every report and model file carries.
///
/// ```swift
/// let m = Metrics(labels: batch.labels, probabilities: model.probabilities(batch.matrix))
/// print(m.auc, m.logLoss, m.brier)
/// ```
public struct Metrics: Sendable, Equatable, Codable {
    /// Rows measured.
    public var rows: Int
    /// The share of rows with outcome 1.
    public var positiveRate: Double
    /// Area under the ROC curve; ties count one half (NaN when one class is absent).
    public var auc: Double
    /// Mean negative log-likelihood, probabilities clipped to [1e-15, 1 − 1e-15] as scikit-learn does.
    public var logLoss: Double
    /// Mean squared difference of probability and outcome.
    public var brier: Double

    /// Measures `probabilities` against `labels` (1 or 0 each).
    public init(labels: [Float], probabilities: [Double]) {
        precondition(labels.count == probabilities.count)
        rows = labels.count
        var positives = 0
        var loss = 0.0
        var squared = 0.0
        for (y, p) in zip(labels, probabilities) {
            let q = min(max(p, 1e-15), 1 - 1e-15)
            if y == 1 { positives += 1 }
            loss -= y == 1 ? log(q) : log(1 - q)
            squared += (p - Double(y)) * (p - Double(y))
        }
        let n = Double(max(rows, 1))
        positiveRate = Double(positives) / n
        logLoss = loss / n
        brier = squared / n
        auc = Self.auc(labels: labels, scores: probabilities)
    }

    /// The area under the ROC curve: the chance that a random positive scores above a random
    /// negative, ties counting one half (the Mann–Whitney statistic).
    public static func auc(labels: [Float], scores: [Double]) -> Double {
        let ranks = midranks(scores)
        var positives = 0.0
        var rankSum = 0.0  // half-integers: exact in a Double, whatever the order of the sum
        for (y, rank) in zip(labels, ranks) where y == 1 {
            positives += 1
            rankSum += rank
        }
        let negatives = Double(scores.count) - positives
        guard positives > 0 && negatives > 0 else { return .nan }
        return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
    }

    /// Ranks from 1, ties given the mean of the ranks they span.
    static func midranks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] }
        var ranks = [Double](repeating: 0, count: values.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count && values[order[j + 1]] == values[order[i]] { j += 1 }
            for k in i...j { ranks[order[k]] = Double(i + j) / 2 + 1 }
            i = j + 1
        }
        return ranks
    }
}
