/// What a model file holds, in a few numbers and its most important inputs: what `overturn
/// inspect` prints.
extension ModelFile {
    /// One input the model leans on, and how much.
    public struct Importance: Sendable, Equatable {
        /// A tree feature's name (`payer`, `icd10_codes chapter=F01-F99`) or a column's.
        public var name: String
        /// Trees: the feature's share of the total split gain (0…1). Logistic regression: the
        /// column's weight in log-odds per standard deviation (per unit for one-hot columns).
        public var value: Double
    }

    /// The `count` most important inputs: for trees by total split gain, for logistic regression
    /// by |weight|, largest first.
    public func topInputs(_ count: Int) -> [Importance] {
        switch model {
        case .trees(let m):
            let gains = m.totalGain()
            let total = gains.reduce(0, +)
            return zip(m.features, gains).filter { $0.1 > 0 }
                .map { Importance(name: $0.0.name, value: total > 0 ? $0.1 / total : 0) }
                .sorted { $0.value > $1.value }
                .prefix(count).map { $0 }
        case .logistic(let m):
            return zip(extractor.columnNames, m.weights).filter { $0.1 != 0 }
                .map { Importance(name: $0.0, value: $0.1) }
                .sorted { abs($0.value) > abs($1.value) }
                .prefix(count).map { $0 }
        }
    }
}
