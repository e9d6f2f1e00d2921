/// What a tree splits on: the extractor's columns seen the way trees see them.
///
/// Trees do not need the one-hot spelling of a category or the missing indicator of a number:
///
/// | schema kind | tree feature | value for a row |
/// |---|---|---|
/// | number, flag | `numeric` on the value column | the value; NaN when blank (routed by the learned default) |
/// | category | one `categorical` over the block | the index of the row's level within the block (values, `(other)`, `(missing)`) |
/// | codes | one `binary` per column | 1 when the row holds that code (or group), else 0 |
///
/// A model keeps its features, so scoring turns a CSR row into tree-feature values without the
/// schema (`TreeFeature.values(of:)`).
public struct TreeFeature: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        case numeric, binary, categorical
    }

    public var kind: Kind
    /// The extractor column: the value column, the code's column, or a category block's first column.
    public var column: Int
    /// Categorical: the number of levels (the block's width). Otherwise 0.
    public var levels: Int
    /// The column's name, or the schema column for a category.
    public var name: String
    /// A category encoded as one number per level (ordered target statistics): the number of each
    /// level. The feature is then `numeric` over the category block's `levels` columns.
    public var encoding: [Float]?

    public init(kind: Kind, column: Int, levels: Int = 0, name: String) {
        self.kind = kind
        self.column = column
        self.levels = levels
        self.name = name
    }

    /// The tree features of an extractor's columns, in column order. A category becomes one
    /// categorical feature (`native`, `target-statistics`, which encodes it later), one binary
    /// feature per level as one-hot input gives other libraries (`one-hot`), or both (`both`).
    public static func features(
        of extractor: FeatureExtractor, categories: GradientBoostedTrees.Options.CategorySplits = .native
    ) -> [TreeFeature] {
        let oneHot = categories == .oneHot || categories == .both
        var features: [TreeFeature] = []
        for (f, block) in extractor.blocks.enumerated() {
            let spec = extractor.schema.features[f]
            switch spec.kind {
            case .number, .flag:
                features.append(TreeFeature(kind: .numeric, column: block.offset, name: spec.column))
            case .category where oneHot:
                for c in block.offset..<(block.offset + block.width) {
                    features.append(TreeFeature(kind: .binary, column: c, name: extractor.columnNames[c]))
                }
                if categories == .both {
                    features.append(
                        TreeFeature(kind: .categorical, column: block.offset, levels: block.width, name: spec.column))
                }
            case .category:
                features.append(
                    TreeFeature(kind: .categorical, column: block.offset, levels: block.width, name: spec.column))
            case .codes:
                for c in block.offset..<(block.offset + block.width) {
                    features.append(TreeFeature(kind: .binary, column: c, name: extractor.columnNames[c]))
                }
            }
        }
        return features
    }

    /// Plain numeric features, one per column (imported models and schemas of numbers only).
    public static func numeric(names: [String]) -> [TreeFeature] {
        names.enumerated().map { TreeFeature(kind: .numeric, column: $0.offset, name: $0.element) }
    }
}

/// Where each extractor column goes among tree features: scoring's map from a CSR row to the
/// values trees compare. A column may feed several features (a category's level as a one-hot
/// feature and as its target statistic), or none (a number's missing indicator).
struct TreeFeatureMap: Sendable {
    /// Column `c` feeds `targets[start[c] ..< start[c + 1]]`.
    let start: [Int]
    /// The fed feature, and its value when the column is stored: a category's level index or
    /// encoding, or -1 meaning "the stored value".
    let targets: [(feature: Int32, value: Float)]
    /// Per tree feature: its value when none of its columns is stored (0 for numbers and codes).
    let absent: [Float]
    /// Per tree feature: the column whose stored value is the feature's value (a number or a
    /// code's 0/1), or -1 (a category's level, an encoding).
    let valueColumn: [Int32]
    /// The matrix columns it reads.
    var width: Int { start.count - 1 }

    init(features: [TreeFeature], width: Int) {
        var lists = [[(feature: Int32, value: Float)]](repeating: [], count: width)
        var valueColumn = [Int32](repeating: -1, count: features.count)
        for (f, spec) in features.enumerated() {
            switch spec.kind {
            case .numeric where spec.encoding != nil:
                for (l, v) in spec.encoding!.enumerated() { lists[spec.column + l].append((Int32(f), v)) }
            case .numeric, .binary:
                lists[spec.column].append((Int32(f), -1))
                valueColumn[f] = Int32(spec.column)
            case .categorical:
                for l in 0..<spec.levels { lists[spec.column + l].append((Int32(f), Float(l))) }
            }
        }
        let absent = Self.absentValues(features)
        var start = [0]
        var targets: [(feature: Int32, value: Float)] = []
        for list in lists {
            targets += list
            start.append(targets.count)
        }
        self.start = start
        self.targets = targets
        self.absent = absent
        self.valueColumn = valueColumn
    }

    /// Per feature, its value when none of its columns is stored: missing (NaN) for a category
    /// and its encoding, 0 for numbers and codes (a zero is not stored).
    static func absentValues(_ features: [TreeFeature]) -> [Float] {
        features.map { $0.kind == .categorical || $0.encoding != nil ? .nan : 0 }
    }

    /// Calls `body(feature, value)` for every feature that the stored entries of row `i` of
    /// `matrix` feed, in the order of the entries: a stored value, or the fixed value a category
    /// level's column stands for.
    @inline(__always)
    func forEachTarget(ofRow i: Int, in matrix: FeatureMatrix, _ body: (Int, Float) -> Void) {
        precondition(matrix.width <= width, "a matrix of \(matrix.width) columns, a map of \(width)")
        start.withUnsafeBufferPointer { start in
            targets.withUnsafeBufferPointer { targets in
                matrix.columns.withUnsafeBufferPointer { columns in
                    matrix.values.withUnsafeBufferPointer { values in
                        for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
                            let c = Int(columns[k])
                            for t in start[c]..<start[c &+ 1] {
                                let (f, v) = targets[t]
                                body(Int(f), v != -1 ? v : values[k])
                            }
                        }
                    }
                }
            }
        }
    }

    /// Writes row `i` of `matrix` into `values` (which holds `absent` on entry) and appends the
    /// features it set to `touched` as its next row, so the caller can put `absent` back.
    @inline(__always)
    func fill(
        _ values: UnsafeMutablePointer<Float>, row i: Int, of matrix: FeatureMatrix,
        touched: inout TouchedFeatures
    ) {
        forEachTarget(ofRow: i, in: matrix) { f, v in
            values[f] = v
            touched.append(Int32(f))
        }
        touched.endRow()
    }
}

/// The tree features each row of a block set (`TreeFeatureMap.fill`), row after row in one flat
/// buffer: what the QuickScorer visits for those rows. The owner calls `deallocate()`.
struct TouchedFeatures {
    private var features: GrowingBuffer<Int32>
    /// Row r's features are `features[rowStart[r] ..< rowStart[r + 1]]`.
    private let rowStart: UnsafeMutablePointer<Int>
    private let maxRows: Int
    private var rows = 0

    init(rows: Int, features: Int) {
        maxRows = rows
        self.features = GrowingBuffer(capacity: max(16, features))
        rowStart = .allocate(capacity: rows + 1)
        rowStart[0] = 0
    }

    func deallocate() {
        features.base.deallocate()
        rowStart.deallocate()
    }

    /// Forgets every row.
    mutating func clear() {
        features.removeAll()
        rows = 0
    }

    @inline(__always)
    mutating func append(_ feature: Int32) {
        features.append(feature)
    }

    /// Ends the row being appended to.
    @inline(__always)
    mutating func endRow() {
        precondition(rows < maxRows, "more rows than the block holds")
        rows += 1
        rowStart[rows] = features.count
    }

    /// Row `r`'s features.
    @inline(__always)
    func row(_ r: Int) -> UnsafeBufferPointer<Int32> {
        UnsafeBufferPointer(start: features.base + rowStart[r], count: rowStart[r + 1] - rowStart[r])
    }
}
