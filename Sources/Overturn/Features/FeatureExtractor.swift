/// Turns CSV rows into feature vectors, with a vocabulary fitted on training rows and then frozen.
///
/// Each schema feature becomes a block of columns, in the schema's order:
///
/// | kind | columns |
/// |---|---|
/// | category | one per vocabulary value, `(other)` for rare and unseen values, `(missing)` |
/// | codes | per hierarchy level (ICD-10: chapter, category, code; CPT: section, range, code): one per vocabulary value and an `(other)`; then one `(missing)` for an empty list |
/// | number, flag | the value (NaN when blank), `(missing)` |
///
/// A value enters the vocabulary when at least `minCount` training rows hold it (a code counts once
/// per row). Fit once, encode into the model file, and every later transform gives the same vectors:
///
/// ```swift
/// let extractor = try FeatureExtractor.fit(CSVReader(path: "train.csv"), schema: .claims)
/// let batch = try extractor.transform(CSVReader(path: "denials.csv"))
/// print(batch.matrix.rowCount, extractor.columnNames[Int(batch.matrix.columns[0])])
/// ```
public struct FeatureExtractor: Sendable {
    public let schema: Schema
    public let options: FeatureOptions
    /// One block per schema feature, in order.
    public let blocks: [FeatureBlock]
    /// A human-readable name for every column: `payer=Aetna`, `icd10_codes chapter=F01-F99`.
    public let columnNames: [String]
    /// For every column, the index of the schema feature it comes from (explanations group by it).
    public let columnFeature: [Int]
    /// The vocabularies as one lookup table, and each feature's layout as plain numbers: what the
    /// extraction loop reads, rebuilt from `blocks` on decoding.
    let index: ColumnIndex
    let plan: [CompiledFeature]
    /// For code features with a hierarchy: the column of each level-0 group (chapter, section).
    let groupColumns: [Int]
    let labels: LabelMatcher?

    /// The number of columns.
    public var width: Int { columnNames.count }

    init(schema: Schema, options: FeatureOptions, blocks: [FeatureBlock]) {
        self.schema = schema
        self.options = options
        self.blocks = blocks
        var names: [String] = []
        var owner: [Int] = []
        for (f, block) in blocks.enumerated() {
            let feature = schema.features[f]
            precondition(block.offset == names.count)
            for column in block.columnNames(feature: feature) {
                names.append(column)
                owner.append(f)
            }
        }
        columnNames = names
        columnFeature = owner
        var entries: [(level: Int, value: String, column: Int)] = []
        var plan: [CompiledFeature] = []
        var groupColumns: [Int] = []
        var level = 0
        for (f, block) in blocks.enumerated() {
            let spec = schema.features[f]
            var compiled = CompiledFeature(spec: spec, block: block, firstLevel: level)
            compiled.feature = f
            if spec.kind == .codes && spec.hierarchy != .none {
                compiled.groupBase = groupColumns.count
                let groups = block.levels[0].values
                for name in spec.hierarchy.groupNames {
                    groupColumns.append(block.offset + (groups.firstIndex(of: name) ?? groups.count))
                }
            }
            plan.append(compiled)
            for (l, vocabulary) in block.levels.enumerated() {
                let first = block.offset + block.levelOffset(l)
                for (i, value) in vocabulary.values.enumerated() { entries.append((level + l, value, first + i)) }
            }
            level += block.levels.count
        }
        self.plan = plan
        self.groupColumns = groupColumns
        labels = schema.label.map(LabelMatcher.init)
        index = ColumnIndex(entries)
    }

    /// Extracts every row of `reader`.
    ///
    /// Rows with a value the schema forbids, or (with `requireLabel`) without a valid label, are not
    /// extracted: each goes to `report` with its line, column and reason, in file order.
    ///
    /// - Parameters:
    ///   - requireLabel: training needs a label on every row; scoring ignores the label column.
    ///   - maxRows: stop after this many extracted rows (for chunked streaming); the reader is left
    ///     on the last row read.
    public func transform(
        _ reader: CSVReader, requireLabel: Bool = false, maxRows: Int = .max,
        report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureBatch {
        let bound = try BoundSchema(
            schema, header: reader.header, file: reader.file, label: .init(required: requireLabel))
        return try transform(
            reader, bound: bound, requireLabel: requireLabel, maxRows: maxRows, report: report)
    }

    /// Extracts rows of `reader` with a schema already bound to its header; the text of columns
    /// `keeping` (indices in the header) goes to `FeatureBatch.kept`.
    public func transform(
        _ reader: CSVReader, bound: BoundSchema, requireLabel: Bool = false, maxRows: Int = .max,
        keeping: [Int] = [], report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureBatch {
        try transform(
            reader, bound: bound, requireLabel: requireLabel, maxRows: maxRows, keeping: keeping,
            workspace: ExtractionWorkspace(features: plan.count), report: report)
    }

    /// `transform(_:bound:…)` with the code-list caches of `workspace`, which a caller extracting
    /// many chunks keeps from one chunk to the next (one thread at a time).
    func transform(
        _ reader: CSVReader, bound: BoundSchema, requireLabel: Bool = false, maxRows: Int = .max,
        keeping: [Int] = [], workspace: ExtractionWorkspace, report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureBatch {
        precondition(workspace.features == plan.count, "a workspace made for another extractor")
        var batch = FeatureBatch(width: width)
        if let size = reader.fileSize, maxRows == .max {
            let rows = size / 96
            batch.matrix.reserve(rows: rows, entries: rows * 24)
        }
        var row = RowBuffer()  // a local, not the workspace's: the extraction loop mutates it per value
        defer { row.deallocate() }
        guard maxRows > 0 else { return batch }
        do {
            try reader.forEachRow(report: report) {
                if extract(
                    reader, bound, requireLabel: requireLabel, into: &batch, row: &row, workspace: workspace,
                    report: report)
                {
                    for k in keeping { batch.kept.append(reader.field(k).string) }
                }
                if batch.matrix.rowCount == maxRows { throw StopIteration() }
            }
        } catch is StopIteration {}
        return batch
    }

    /// Extracts the current row of `source` into `batch`, or reports why it cannot (and returns
    /// false).
    @inline(__always)
    @discardableResult
    private func extract(
        _ source: CSVReader, _ bound: BoundSchema, requireLabel: Bool, into batch: inout FeatureBatch,
        row: inout RowBuffer, workspace: ExtractionWorkspace, report: (RowProblem) -> Void
    ) -> Bool {
        let label: Float
        do {
            label = try Self.label(of: source, bound, labels, requireLabel: requireLabel)
            row.clear()
            try extractRow(source, bound, into: &row, workspace)
        } catch let problem as ValueProblem {
            report(
                RowProblem(
                    SourceLocation(file: source.file, line: source.line, column: problem.column), problem.message))
            return false
        } catch {
            preconditionFailure("extraction throws only value problems, not \(error)")
        }
        batch.matrix.append(row)
        batch.labels.append(label)
        batch.lines.append(source.line)
        batch.ids.append(bound.idIndex.map { source.field($0).trimmed.string } ?? String(source.line))
        return true
    }

    /// Appends one row's entries to `row`.
    ///
    /// Hot path (guarded by Benchmarks/Ingestion "Features: parse + extract"): plain-number plan,
    /// one hash probe per value, no allocation. Messages are built only for a bad row.
    func extractRow(
        _ reader: CSVReader, _ bound: BoundSchema, into row: inout RowBuffer, _ workspace: ExtractionWorkspace
    ) throws {
        let (caches, scratch, hashes) = (workspace.caches, workspace.scratch, workspace.hashes)
        try plan.withUnsafeBufferPointer { plan in
            try bound.featureIndices.withUnsafeBufferPointer { fields in
                workspace.prefetchCodeLists(of: reader, plan: plan, fields: fields)
                for f in 0..<plan.count {
                    let feature = plan[f]
                    let field = reader.field(fields[f])
                    switch feature.kind {
                    case .category:
                        let value = field.trimmed
                        if value.isEmpty {
                            row.append(column: feature.missing, value: 1)
                        } else {
                            let column = index.column(level: feature.firstLevel, value.bytes)
                            row.append(column: column >= 0 ? column : feature.firstOther, value: 1)
                        }
                    case .codes:
                        if let cached = caches[f].columns(of: field.bytes, hash: hashes[f]) {
                            row.append(columns: cached)
                            continue
                        }
                        let start = row.count
                        if extractCodes(field, feature, into: &row, scratch: scratch) {
                            if !caches[f].isFull { caches[f].insert(field.bytes, columns: row.columns(from: start)) }
                        } else {
                            try rethrowProblem(f, field, column: fields[f] + 1, scratch: scratch)
                        }
                    case .number:
                        switch FieldRules.checkNumber(
                            field, integer: feature.integer, minimum: feature.minimum, maximum: feature.maximum,
                            zeroIsMissing: feature.zeroIsMissing)
                        {
                        case .value(let v):
                            if v != 0 { row.append(column: feature.offset, value: Float(v)) }
                        case .missing:
                            row.append(column: feature.offset, value: .nan)
                            row.append(column: feature.missing, value: 1)
                        default:
                            try rethrowProblem(f, field, column: fields[f] + 1, scratch: scratch)
                        }
                    case .flag:
                        switch FieldRules.checkFlag(field) {
                        case nil:
                            row.append(column: feature.offset, value: .nan)
                            row.append(column: feature.missing, value: 1)
                        case 1:
                            row.append(column: feature.offset, value: 1)
                        case 0:
                            break
                        default:
                            try rethrowProblem(f, field, column: fields[f] + 1, scratch: scratch)
                        }
                    }
                }
            }
        }
    }

    /// Multi-hot columns of a code list at every level; `false` when a code is invalid.
    @inline(__always)
    private func extractCodes(
        _ field: CSVField, _ feature: CompiledFeature, into row: inout RowBuffer,
        scratch: UnsafeMutablePointer<UInt8>
    ) -> Bool {
        if feature.separator == 0 {  // a separator of several bytes: the general path
            var codes: [[UInt8]] = []
            do {
                try FieldRules.codes(field, schema.features[feature.feature], scratch: scratch) {
                    codes.append(Array($0))
                }
            } catch {
                return false
            }
            let start = row.count
            for code in codes {
                code.withUnsafeBufferPointer { addCode($0, feature, start: start, into: &row, scratch: scratch) }
            }
            finishCodes(feature, start: start, into: &row)
            return true
        }
        let start = row.count
        let bad = FieldRules.forEachCode(
            field, separator: feature.separator, hierarchy: feature.hierarchy, scratch: scratch
        ) { code in
            addCode(code, feature, start: start, into: &row, scratch: scratch)
        }
        if bad != nil { return false }
        finishCodes(feature, start: start, into: &row)
        return true
    }

    @inline(__always)
    private func addCode(
        _ code: UnsafeBufferPointer<UInt8>, _ feature: CompiledFeature, start: Int, into row: inout RowBuffer,
        scratch: UnsafeMutablePointer<UInt8>
    ) {
        // A list may repeat a code, and codes share coarser levels: one entry per column.
        func add(_ column: Int) {
            if !row.contains(column: column, from: start) { row.append(column: column, value: 1) }
        }
        if feature.levelCount == 3 {
            add(groupColumns[feature.groupBase + feature.hierarchy.group(of: code.baseAddress!)])
            let levelScratch = scratch + maxCodeBytes + 8
            let n = feature.hierarchy.levelOneKey(code: code.baseAddress!, into: levelScratch)
            let column = index.column(level: feature.firstLevel + 1, UnsafeBufferPointer(start: levelScratch, count: n))
            add(column >= 0 ? column : feature.other(1))
        }
        let column = index.column(level: feature.firstLevel + Int32(feature.levelCount - 1), code)
        add(column >= 0 ? column : feature.other(feature.levelCount - 1))
    }

    @inline(__always)
    private func finishCodes(_ feature: CompiledFeature, start: Int, into row: inout RowBuffer) {
        if row.count == start {
            row.append(column: feature.missing, value: 1)
        } else {
            row.sort(from: start)
        }
    }

    /// Throws the problem of feature `f`'s field, with its message (the slow path of a bad row).
    private func rethrowProblem(_ f: Int, _ field: CSVField, column: Int, scratch: UnsafeMutablePointer<UInt8>) throws
        -> Never
    {
        throw Self.problem(in: schema.features[f], field, column: column, scratch: scratch)
    }
}

/// One feature's layout and rules as plain values, for the extraction loop.
struct CompiledFeature: Sendable {
    var feature: Int
    var kind: FeatureKind
    /// The block's first column (a number's or flag's value column).
    var offset: Int
    /// The `(missing)` column.
    var missing: Int
    /// The global level id of the block's first vocabulary level.
    var firstLevel: Int32
    var levelCount: Int
    /// The `(other)` column of the first level.
    var firstOther: Int
    /// `(other)` columns of every level (at most three levels: stored inline).
    var others: (Int, Int, Int)
    var hierarchy: CodeHierarchy
    /// Where this feature's level-0 groups start in `groupColumns`.
    var groupBase = 0
    /// The code separator byte, or 0 when the separator is longer than one byte.
    var separator: UInt8
    var integer: Bool
    var zeroIsMissing: Bool
    var minimum: Double
    var maximum: Double

    init(spec: FeatureSpec, block: FeatureBlock, firstLevel: Int) {
        feature = 0
        kind = spec.kind
        offset = block.offset
        missing = block.offset + block.missingColumn
        self.firstLevel = Int32(firstLevel)
        levelCount = block.levels.count
        let otherColumns = block.levels.indices.map { block.offset + block.otherColumn(level: $0) }
        firstOther = otherColumns.first ?? -1
        others = (
            otherColumns.count > 0 ? otherColumns[0] : -1, otherColumns.count > 1 ? otherColumns[1] : -1,
            otherColumns.count > 2 ? otherColumns[2] : -1
        )
        precondition(otherColumns.count <= 3, "a code hierarchy has at most three levels")
        hierarchy = spec.hierarchy
        separator = spec.separator.utf8.count == 1 ? spec.separator.utf8.first! : 0
        integer = spec.integer
        zeroIsMissing = spec.zeroIsMissing
        minimum = spec.minimum ?? -.infinity
        maximum = spec.maximum ?? .infinity
    }

    @inline(__always)
    func other(_ level: Int) -> Int { level == 0 ? others.0 : (level == 1 ? others.1 : others.2) }
}

/// Options of feature extraction, fixed at fitting time.
public struct FeatureOptions: Sendable, Equatable, Codable {
    /// How many training rows must hold a value (or code) for it to get its own column.
    public var minCount: Int

    public init(minCount: Int = 5) {
        self.minCount = minCount
    }
}

/// The columns of one schema feature.
public struct FeatureBlock: Sendable, Equatable, Codable {
    /// One level of a vocabulary: a category's values, or one hierarchy level of a code list.
    public struct Level: Sendable, Equatable, Codable {
        /// `value` for categories; the hierarchy's level name for codes.
        public var name: String
        /// The values with their own column, sorted.
        public var values: [String]
    }

    /// The first column of this block.
    public var offset: Int
    /// Category: one level; codes: one per hierarchy level; number and flag: none.
    public var levels: [Level]

    /// The number of columns.
    public var width: Int { levels.isEmpty ? 2 : levels.reduce(1) { $0 + $1.values.count + 1 } }

    /// Offset of a level's first column within the block.
    func levelOffset(_ level: Int) -> Int {
        var offset = 0
        for l in 0..<level { offset += levels[l].values.count + 1 }
        return offset
    }

    /// Within the block: the `(other)` column of a level.
    func otherColumn(level: Int) -> Int { levelOffset(level) + levels[level].values.count }

    /// Within the block: the `(missing)` column.
    var missingColumn: Int { width - 1 }

    func columnNames(feature: FeatureSpec) -> [String] {
        let column = feature.column
        if levels.isEmpty { return [column, "\(column)=(missing)"] }
        var names: [String] = []
        for (l, level) in levels.enumerated() {
            let prefix = feature.kind == .codes && l < levels.count - 1 ? "\(column) \(level.name)" : column
            names += level.values.map { "\(prefix)=\($0)" }
            names.append("\(prefix)=(other)")
        }
        names.append("\(column)=(missing)")
        return names
    }
}

/// Extracted rows: the matrix and, per row, its id, label and line in the file.
public struct FeatureBatch: Sendable {
    public var matrix: FeatureMatrix
    /// The id column's value (the line number when the schema has no id).
    public var ids: [String] = []
    /// 1 or 0; NaN when the file has no label or the row's label is blank.
    public var labels: [Float] = []
    /// The line each row starts on.
    public var lines: [Int] = []
    /// Per row, the text of the columns the transform was asked to keep, row after row.
    public var kept: [String] = []

    init(width: Int) {
        matrix = FeatureMatrix(width: width)
    }

    /// The given rows, in the order given.
    public func rows(_ indices: [Int]) -> FeatureBatch {
        var out = FeatureBatch(width: matrix.width)
        out.matrix = FeatureMatrix(rows: indices, of: matrix)
        out.ids = indices.map { ids[$0] }
        out.labels = indices.map { labels[$0] }
        out.lines = indices.map { lines[$0] }
        let keep = matrix.rowCount == 0 ? 0 : kept.count / matrix.rowCount
        out.kept.reserveCapacity(indices.count * keep)
        for i in indices { out.kept += kept[(i * keep)..<((i + 1) * keep)] }
        return out
    }
}

extension ValueProblem {
    init(_ message: String, column: Int) {
        self.init(message)
        self.column = column
    }
}

/// Thrown inside a row loop to stop it early.
struct StopIteration: Error {}

/// What extracting rows needs besides the extractor and its row buffer: code-list caches, the
/// current row's code-list hashes, scratch space. Used by one thread at a time (hence unchecked).
final class ExtractionWorkspace: @unchecked Sendable {
    let caches: UnsafeMutablePointer<CodeListCache>
    let hashes: UnsafeMutablePointer<UInt64>
    let scratch: UnsafeMutablePointer<UInt8>
    let features: Int

    /// - Parameter listsPerCache: the most code lists each code feature's cache remembers.
    init(features: Int, listsPerCache: Int = CodeListCache.defaultCapacity) {
        self.features = features
        caches = .allocate(capacity: features)
        for f in 0..<features { (caches + f).initialize(to: CodeListCache(capacity: listsPerCache)) }
        hashes = .allocate(capacity: features)
        hashes.initialize(repeating: 0, count: features)
        scratch = .allocate(capacity: 2 * (maxCodeBytes + 16))
    }

    /// Hashes the current row's code lists into `hashes` and asks for their cache slots, then their
    /// entries: a lookup of a rare list waits on memory twice, and this way a row's lookups wait side
    /// by side rather than one after another. `fields[f]` is feature `f`'s field in `reader`.
    @inline(__always)
    func prefetchCodeLists(
        of reader: CSVReader, plan: UnsafeBufferPointer<CompiledFeature>, fields: UnsafeBufferPointer<Int>
    ) {
        for f in plan.indices where plan[f].kind == .codes {
            hashes[f] = CodeListCache.hash(reader.field(fields[f]).bytes)
            caches[f].prefetchSlot(hashes[f])
        }
        for f in plan.indices where plan[f].kind == .codes { caches[f].prefetchEntry(hashes[f]) }
    }

    deinit {
        for f in 0..<features { caches[f].deallocate() }
        caches.deallocate()
        hashes.deallocate()
        scratch.deallocate()
    }
}
