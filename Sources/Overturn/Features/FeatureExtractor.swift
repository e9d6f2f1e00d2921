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
    /// Lookup tables, one per block and level, rebuilt from the vocabularies.
    let tables: [[ByteKeyTable]]

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
        tables = blocks.map { $0.levels.map { ByteKeyTable(keys: $0.values) } }
    }

    /// Extracts every row of `reader`.
    ///
    /// Rows with a value the schema forbids, or (with `requireLabel`) without a valid label, are not
    /// extracted: each goes to `report` with its line, column and reason.
    ///
    /// - Parameters:
    ///   - requireLabel: training needs a label on every row; scoring ignores the label column.
    ///   - maxRows: stop after this many extracted rows (for chunked streaming); the reader is left
    ///     on the last row read.
    public func transform(
        _ reader: CSVReader, requireLabel: Bool = false, maxRows: Int = .max,
        report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureBatch {
        let bound = try BoundSchema(schema, header: reader.header, file: reader.file, requireLabel: requireLabel)
        return try transform(reader, bound: bound, requireLabel: requireLabel, maxRows: maxRows, report: report)
    }

    /// Extracts rows of `reader` with a schema already bound to its header.
    public func transform(
        _ reader: CSVReader, bound: BoundSchema, requireLabel: Bool = false, maxRows: Int = .max,
        report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureBatch {
        var batch = FeatureBatch(width: width)
        if let size = reader.fileSize, maxRows == .max {
            let rows = size / 96
            batch.matrix.reserve(rows: rows, entries: rows * 24)
        }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * (maxCodeBytes + 16))
        defer { scratch.deallocate() }
        guard maxRows > 0 else { return batch }
        do {
            try reader.forEachRow(report: report) {
            let label: Float
            do {
                label = try rowLabel(reader, bound, requireLabel: requireLabel)
                try extractRow(reader, bound, into: &batch.matrix, scratch: scratch)
            } catch let problem as ValueProblem {
                batch.matrix.discardOpenRow()
                report(RowProblem(SourceLocation(file: reader.file, line: reader.line, column: problem.column), problem.message))
                return
            }
            batch.matrix.endRow()
            batch.labels.append(label)
            batch.lines.append(reader.line)
            batch.ids.append(bound.idIndex.map { reader.field($0).trimmed.string } ?? String(reader.line))
            if batch.matrix.rowCount == maxRows { throw StopIteration() }
            }
        } catch is StopIteration {}
        return batch
    }

    private func rowLabel(_ reader: CSVReader, _ bound: BoundSchema, requireLabel: Bool) throws -> Float {
        guard let index = bound.labelIndex, let spec = schema.label else { return .nan }
        do {
            if let value = try FieldRules.label(reader.field(index), spec) { return value }
        } catch {
            throw ValueProblem(error.message, column: index + 1)
        }
        if requireLabel { throw ValueProblem("\(spec.column): the label is blank", column: index + 1) }
        return .nan
    }

    /// Appends one row's entries to `matrix` (left open: the caller ends or discards the row).
    func extractRow(
        _ reader: CSVReader, _ bound: BoundSchema, into matrix: inout FeatureMatrix,
        scratch: UnsafeMutablePointer<UInt8>
    ) throws {
        for (f, block) in blocks.enumerated() {
            let spec = schema.features[f]
            let fieldIndex = bound.featureIndices[f]
            let field = reader.field(fieldIndex)
            do {
                switch spec.kind {
                case .category:
                    let value = field.trimmed
                    if value.isEmpty {
                        matrix.append(column: block.offset + block.missingColumn, value: 1)
                    } else {
                        let k = tables[f][0].find(value.bytes)
                        matrix.append(column: block.offset + (k >= 0 ? Int(k) : block.otherColumn(level: 0)), value: 1)
                    }
                case .codes:
                    try extractCodes(field, spec: spec, block: block, tables: tables[f], into: &matrix, scratch: scratch)
                case .number, .flag:
                    let value = spec.kind == .number
                        ? try FieldRules.number(field, spec) : try FieldRules.flag(field, spec)
                    if let value {
                        if value != 0 { matrix.append(column: block.offset, value: Float(value)) }
                    } else {
                        matrix.append(column: block.offset, value: .nan)
                        matrix.append(column: block.offset + 1, value: 1)
                    }
                }
            } catch let problem as ValueProblem {
                throw ValueProblem(problem.message, column: fieldIndex + 1)
            }
        }
    }

    private func extractCodes(
        _ field: CSVField, spec: FeatureSpec, block: FeatureBlock, tables: [ByteKeyTable],
        into matrix: inout FeatureMatrix, scratch: UnsafeMutablePointer<UInt8>
    ) throws {
        let start = matrix.columns.count
        let levelScratch = scratch + maxCodeBytes + 8
        let last = block.levels.count - 1
        try FieldRules.codes(field, spec, scratch: scratch) { code in
            for level in 0...last {
                let k: Int32
                if level == last {
                    k = tables[level].find(code)
                } else {
                    let n = spec.hierarchy.levelKey(level, code: code.baseAddress!, count: code.count, into: levelScratch)
                    k = tables[level].find(UnsafeBufferPointer(start: levelScratch, count: n))
                }
                let column = block.offset + block.levelOffset(level) + (k >= 0 ? Int(k) : block.levels[level].values.count)
                // A code list may repeat a code, and codes share coarser levels: one entry per column.
                var seen = false
                for e in start..<matrix.columns.count where matrix.columns[e] == Int32(column) {
                    seen = true
                    break
                }
                if !seen { matrix.append(column: column, value: 1) }
            }
        }
        if matrix.columns.count == start {
            matrix.append(column: block.offset + block.missingColumn, value: 1)
        } else {
            matrix.sortOpenEntries(from: start)
        }
    }
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

    init(width: Int) {
        matrix = FeatureMatrix(width: width)
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
