extension GradientBoostedTrees {
    /// The model's trees prepared for TreeSHAP, once: for explaining many batches.
    public func explainer() -> Explainer { Explainer(self) }

    /// Exact TreeSHAP contributions of a model's tree features (`TreeSHAP`), from extracted rows.
    public struct Explainer: Sendable {
        public let features: [TreeFeature]
        /// The margin expected before anything is known about a row: the base score plus every
        /// tree's cover-weighted mean leaf value. A row's margin is `base` plus its contributions.
        public let base: Double
        let shap: TreeSHAP

        init(_ model: GradientBoostedTrees) {
            features = model.features
            shap = TreeSHAP(trees: model.trees, width: model.features.count)
            base = model.baseScore + shap.expectedValue
        }

        /// Row `r`'s contribution of tree feature `f` at `[r * features.count + f]`, in log-odds,
        /// for the rows `rows` of `matrix`.
        public func contributions(_ matrix: FeatureMatrix, rows: Range<Int>? = nil, threads: Int = 1) -> [Double] {
            let rows = rows ?? 0..<matrix.rowCount
            let width = features.count
            let map = TreeFeatureMap(features: features, width: matrix.width)
            var phi = [Double](repeating: 0, count: rows.count * width)
            phi.withUnsafeMutableBufferPointer { phi in
                let out = SharedBuffer(phi)
                parallelBlocks(rows.count, threads: threads, block: 256) { range in
                    // Dense tree-feature values, 64 rows at a time, as the scorer lays them out.
                    let block = 64
                    var x = [Float](repeating: 0, count: block * width)
                    var touched: [Int32] = []
                    x.withUnsafeMutableBufferPointer { x in
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let count = min(block, range.upperBound - start)
                            for r in 0..<count {
                                let row = x.baseAddress! + r * width
                                row.update(from: map.absent, count: width)
                                map.fill(row, row: rows.lowerBound + start + r, of: matrix, touched: &touched)
                            }
                            shap.contributions(
                                x.baseAddress!, stride: width, rows: count, into: out.base + start * width,
                                phiStride: width)
                            start += count
                        }
                    }
                }
            }
            return phi
        }

        /// The contributions of `rows` rows given as tree-feature values, row after row
        /// (`features.count` values each, NaN for missing): TreeSHAP alone, without feature
        /// extraction. Row `r`'s contribution of feature `f` is at `[r * features.count + f]`.
        public func contributions(features x: UnsafeBufferPointer<Float>, rows: Int, threads: Int = 1) -> [Double] {
            let width = features.count
            precondition(x.count >= rows * width, "\(rows) rows of \(width) features need \(rows * width) values")
            var phi = [Double](repeating: 0, count: rows * width)
            phi.withUnsafeMutableBufferPointer { phi in
                let out = SharedBuffer(phi)
                let x = SharedBuffer(x)
                parallelBlocks(rows, threads: threads, block: 64) { range in
                    shap.contributions(
                        x.base + range.lowerBound * width, stride: width, rows: range.count,
                        into: out.base + range.lowerBound * width, phiStride: width)
                }
            }
            return phi
        }
    }
}
