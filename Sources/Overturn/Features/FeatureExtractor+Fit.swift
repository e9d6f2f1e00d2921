extension FeatureExtractor {
    /// Fits the vocabularies on the rows of `reader` and returns the frozen extractor.
    ///
    /// Rows that `transform(_:requireLabel:)` would reject (a value the schema forbids, a bad or,
    /// with `requireLabel`, blank label) are not counted; each goes to `report`.
    public static func fit(
        _ reader: CSVReader, schema: Schema, options: FeatureOptions = FeatureOptions(),
        requireLabel: Bool = false, report: (RowProblem) -> Void = { _ in }
    ) throws -> FeatureExtractor {
        let bound = try BoundSchema(schema, header: reader.header, file: reader.file, requireLabel: requireLabel)
        var counters = schema.features.map { VocabularyCounter(levelCount: $0.levelCount) }
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * (maxCodeBytes + 16))
        defer { scratch.deallocate() }
        var row = 0
        try reader.forEachRow(report: report) {
            row += 1
            do {
                if let index = bound.labelIndex, let spec = schema.label {
                    let label: Float?
                    do {
                        label = try FieldRules.label(reader.field(index), spec)
                    } catch let error as ValueProblem {
                        throw ValueProblem(error.message, column: index + 1)
                    }
                    if label == nil && requireLabel {
                        throw ValueProblem("\(spec.column): the label is blank", column: index + 1)
                    }
                }
                // Check the whole row before counting any of it.
                for (f, spec) in schema.features.enumerated() {
                    try check(reader.field(bound.featureIndices[f]), spec, column: bound.featureIndices[f] + 1, scratch: scratch)
                }
            } catch let problem as ValueProblem {
                report(RowProblem(SourceLocation(file: reader.file, line: reader.line, column: problem.column), problem.message))
                return
            }
            for (f, spec) in schema.features.enumerated() {
                counters[f].count(reader.field(bound.featureIndices[f]), spec, row: row, scratch: scratch)
            }
        }
        var offset = 0
        var blocks: [FeatureBlock] = []
        for (f, spec) in schema.features.enumerated() {
            let block = FeatureBlock(offset: offset, levels: counters[f].levels(spec, minCount: options.minCount))
            blocks.append(block)
            offset += block.width
        }
        return FeatureExtractor(schema: schema, options: options, blocks: blocks)
    }

    private static func check(_ field: CSVField, _ spec: FeatureSpec, column: Int, scratch: UnsafeMutablePointer<UInt8>) throws {
        do {
            switch spec.kind {
            case .category: break
            case .codes: try FieldRules.codes(field, spec, scratch: scratch) { _ in }
            case .number: _ = try FieldRules.number(field, spec)
            case .flag: _ = try FieldRules.flag(field, spec)
            }
        } catch {
            throw ValueProblem(error.message, column: column)
        }
    }
}

extension FeatureSpec {
    /// The number of vocabulary levels of this feature's block.
    var levelCount: Int {
        switch kind {
        case .category: 1
        case .codes: hierarchy.levelNames.count
        case .number, .flag: 0
        }
    }
}

/// Counts, per level, how many rows hold each value.
private struct VocabularyCounter {
    var tables: [ByteKeyTable]
    var counts: [[Int]]
    var lastRow: [[Int]]     // the row that last counted a key: a code counts once per row

    init(levelCount: Int) {
        tables = Array(repeating: ByteKeyTable(), count: levelCount)
        counts = Array(repeating: [], count: levelCount)
        lastRow = Array(repeating: [], count: levelCount)
    }

    mutating func count(_ field: CSVField, _ spec: FeatureSpec, row: Int, scratch: UnsafeMutablePointer<UInt8>) {
        switch spec.kind {
        case .category:
            let value = field.trimmed
            if !value.isEmpty { add(value.bytes, level: 0, row: row) }
        case .codes:
            let levelScratch = scratch + maxCodeBytes + 8
            let last = tables.count - 1
            try? FieldRules.codes(field, spec, scratch: scratch) { code in
                for level in 0..<last {
                    let n = spec.hierarchy.levelKey(level, code: code.baseAddress!, count: code.count, into: levelScratch)
                    add(UnsafeBufferPointer(start: levelScratch, count: n), level: level, row: row)
                }
                add(code, level: last, row: row)
            }
        case .number, .flag:
            break
        }
    }

    private mutating func add(_ key: UnsafeBufferPointer<UInt8>, level: Int, row: Int) {
        let k = Int(tables[level].insert(key))
        if k == counts[level].count {
            counts[level].append(0)
            lastRow[level].append(0)
        }
        if lastRow[level][k] != row {
            lastRow[level][k] = row
            counts[level][k] += 1
        }
    }

    func levels(_ spec: FeatureSpec, minCount: Int) -> [FeatureBlock.Level] {
        let names = spec.kind == .category ? ["value"] : (spec.kind == .codes ? spec.hierarchy.levelNames : [])
        return names.enumerated().map { level, name in
            let kept = (0..<tables[level].count).filter { counts[level][$0] >= minCount }.map { tables[level].key($0) }
            return FeatureBlock.Level(name: name, values: kept.sorted(by: utf8Less))
        }
    }
}

/// Byte order, so that vocabularies sort the same on every platform and locale.
func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
