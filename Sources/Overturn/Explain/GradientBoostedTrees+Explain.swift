import Foundation

extension GradientBoostedTrees {
    /// The model's trees prepared for TreeSHAP, once: for explaining many batches. With `output`
    /// (per tree feature, a column; `outputs` of them), contributions are summed into those columns
    /// (cheaper than summing them afterwards: `TreeSHAP`). `threads` build the tables.
    public func explainer(
        output: [Int]? = nil, outputs: Int? = nil, threads: Int = ProcessInfo.processInfo.activeProcessorCount
    ) -> Explainer {
        Explainer(self, output: output, outputs: outputs, threads: threads)
    }

    /// Exact TreeSHAP contributions of a model's tree features (`TreeSHAP`), from extracted rows.
    public struct Explainer: Sendable {
        public let features: [TreeFeature]
        /// The number of columns contributions go to: the tree features, or the output columns.
        public var width: Int { shap.outputs }
        /// The margin expected before anything is known about a row: the base score plus every
        /// tree's cover-weighted mean leaf value. A row's margin is `base` plus its contributions.
        public let base: Double
        let shap: TreeSHAP

        init(_ model: GradientBoostedTrees, output: [Int]?, outputs: Int?, threads: Int) {
            features = model.features
            shap = TreeSHAP(
                trees: model.trees, width: model.features.count, output: output, outputs: outputs, threads: threads)
            base = model.baseScore + shap.expectedValue
        }

        /// Row `r`'s contribution to column `c` at `[r * width + c]`, in log-odds, for the rows
        /// `rows` of `matrix`.
        public func contributions(_ matrix: FeatureMatrix, rows: Range<Int>? = nil, threads: Int = 1) -> [Double] {
            let rows = rows ?? 0..<matrix.rowCount
            let width = features.count
            let outputs = shap.outputs
            let map = TreeFeatureMap(features: features, width: matrix.width)
            var phi = [Double](repeating: 0, count: rows.count * outputs)
            phi.withUnsafeMutableBufferPointer { phi in
                let out = SharedBuffer(phi)
                parallelBlocks(rows.count, threads: threads, block: TreeSHAP.block) { range in
                    // A block of rows feature by feature (`TreeSHAP.contributions(columns:)`):
                    // every value absent, then each row's stored values, put back afterwards.
                    let block = TreeSHAP.block
                    var columns = [Float](repeating: 0, count: block * width)
                    for f in 0..<width {
                        columns.replaceSubrange(
                            (f * block)..<((f + 1) * block), with: repeatElement(map.absent[f], count: block))
                    }
                    columns.withUnsafeMutableBufferPointer { columns in
                        let columns = columns.baseAddress!
                        var start = range.lowerBound
                        while start < range.upperBound {
                            let count = min(block, range.upperBound - start)
                            var set: [(Int32, Int)] = []
                            for r in 0..<count {
                                let i = rows.lowerBound + start + r
                                map.forEachTarget(ofRow: i, in: matrix) { f, v in
                                    columns[f * block + r] = v
                                    set.append((Int32(f), r))
                                }
                            }
                            shap.contributions(
                                columns: columns, rows: count, into: out.base + start * outputs, phiStride: outputs)
                            for (f, r) in set { columns[Int(f) * block + r] = map.absent[Int(f)] }
                            start += count
                        }
                    }
                }
            }
            return phi
        }

        /// The contributions of `rows` rows given as tree-feature values, row after row
        /// (`features.count` values each, NaN for missing): TreeSHAP alone, without feature
        /// extraction. Row `r`'s contribution to column `c` is at `[r * width + c]`.
        public func contributions(features x: UnsafeBufferPointer<Float>, rows: Int, threads: Int = 1) -> [Double] {
            let width = features.count
            let outputs = shap.outputs
            precondition(x.count >= rows * width, "\(rows) rows of \(width) features need \(rows * width) values")
            var phi = [Double](repeating: 0, count: rows * outputs)
            phi.withUnsafeMutableBufferPointer { phi in
                let out = SharedBuffer(phi)
                let x = SharedBuffer(x)
                // Whole blocks: `TreeSHAP.contributions` lays out a block's columns whatever its rows.
                parallelBlocks(rows, threads: threads, block: TreeSHAP.block) { range in
                    shap.contributions(
                        x.base + range.lowerBound * width, stride: width, rows: range.count,
                        into: out.base + range.lowerBound * outputs, phiStride: outputs)
                }
            }
            return phi
        }
    }
}
