extension FeatureExtractor {
    /// Fits the vocabularies on the rows of `reader` and returns the frozen extractor.
    ///
    /// Rows that `transform(_:requireLabel:)` would reject (a value the schema forbids, a bad or,
    /// with `requireLabel`, blank label) are not counted; each goes to `report`. Only rows for which
    /// `including` is true (given the reader on the row) are read at all: training rows of a file
    /// that also holds test rows.
    public static func fit(
        _ reader: CSVReader, schema: Schema, options: FeatureOptions = FeatureOptions(),
        requireLabel: Bool = false, report: (RowProblem) -> Void = { _ in },
        including: (CSVReader) -> Bool = { _ in true }
    ) throws -> FeatureExtractor {
        let bound = try BoundSchema(
            schema, header: reader.header, file: reader.file, label: .init(required: requireLabel))
        var counter = VocabularyCounter()
        defer { counter.deallocate() }
        // The rules as plain values (no vocabulary yet): the same checks as `transform`, per row.
        let pass = ProvisionalPass(schema: schema, bound: bound, requireLabel: requireLabel)
        let (plan, labels, firstLevels) = (pass.plan, pass.labels, pass.firstLevels)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 2 * (maxCodeBytes + 16))
        defer { scratch.deallocate() }
        var row = 0
        try reader.forEachRow(report: report) {
            guard including(reader) else { return }
            row += 1
            do {
                _ = try label(of: reader, bound, labels, requireLabel: requireLabel)
                // Check the whole row before counting any of it.
                for f in plan.indices
                where !plan[f].accepts(
                    reader.field(bound.featureIndices[f]), scratch: scratch, spec: { schema.features[f] })
                {
                    let column = bound.featureIndices[f]
                    throw problem(in: schema.features[f], reader.field(column), column: column + 1, scratch: scratch)
                }
            } catch let problem as ValueProblem {
                report(
                    RowProblem(
                        SourceLocation(file: reader.file, line: reader.line, column: problem.column), problem.message))
                return
            }
            for f in plan.indices where plan[f].kind == .category || plan[f].kind == .codes {
                counter.count(
                    reader.field(bound.featureIndices[f]), plan[f], firstLevel: firstLevels[f], row: row,
                    scratch: scratch
                ) {
                    schema.features[f]
                }
            }
        }
        return counter.extractor(schema: schema, options: options)
    }

    /// The current row's label: 1, 0, or NaN when the file has no label column or (unless
    /// `requireLabel`) the label is blank. Throws the problem with its column.
    static func label(of reader: CSVReader, _ bound: BoundSchema, _ labels: LabelMatcher?, requireLabel: Bool) throws
        -> Float
    {
        guard let index = bound.labelIndex, let spec = bound.schema.label, let labels else { return .nan }
        let value: Float?
        do {
            value = try FieldRules.label(reader.field(index), labels, spec)
        } catch {
            throw ValueProblem(error.message, column: index + 1)
        }
        if value == nil && requireLabel {
            throw ValueProblem("\(spec.column): the label is blank", column: index + 1)
        }
        return value ?? .nan
    }

    /// The problem of a field that a feature's rules reject, with its message (the slow path).
    static func problem(in spec: FeatureSpec, _ field: CSVField, column: Int, scratch: UnsafeMutablePointer<UInt8>)
        -> ValueProblem
    {
        do {
            try FieldRules.check(field, spec, scratch: scratch)
        } catch {
            return ValueProblem(error.message, column: column)
        }
        fatalError("\(spec.column) was rejected on the fast path but accepted on the slow one")
    }
}

extension CompiledFeature {
    /// Whether the field passes this feature's rules (no message: the hot path). `spec` is asked for
    /// only by a code list with a separator of several bytes, which takes the general path.
    @inline(__always)
    func accepts(_ field: CSVField, scratch: UnsafeMutablePointer<UInt8>, spec: () -> FeatureSpec) -> Bool {
        switch kind {
        case .category:
            return true
        case .codes:
            if separator == 0 { return (try? FieldRules.codes(field, spec(), scratch: scratch) { _ in }) != nil }
            return FieldRules.forEachCode(field, separator: separator, hierarchy: hierarchy, scratch: scratch) { _ in }
                == nil
        case .number:
            switch FieldRules.checkNumber(field, integer: integer, minimum: minimum, maximum: maximum) {
            case .value, .missing: return true
            default: return false
            }
        case .flag:
            return FieldRules.checkFlag(field) != -1
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

/// Counts, per level, how many rows hold each value: one table for every level of every feature,
/// keyed by two bytes of level id followed by the value's bytes.
struct VocabularyCounter {
    var table = ByteKeyTable(capacity: 4096)
    var counts = GrowingBuffer<Int>()
    var lastRow = GrowingBuffer<Int>()  // the row that last counted a key: a code counts once per row
    var key: UnsafeMutablePointer<UInt8>

    init() { key = .allocate(capacity: 2 * maxCodeBytes + 64) }

    func deallocate() {
        key.deallocate()
        table.deallocate()
        counts.base.deallocate()
        lastRow.base.deallocate()
    }

    /// Counts a checked field's values; `spec` is needed only for a separator of several bytes.
    ///
    /// `emit` gets the key id of each value the first time it appears in the row.
    mutating func count(
        _ field: CSVField, _ feature: CompiledFeature, firstLevel: Int, row: Int, scratch: UnsafeMutablePointer<UInt8>,
        spec: () -> FeatureSpec, emit: (Int) -> Void = { _ in }
    ) {
        switch feature.kind {
        case .category:
            let value = field.trimmed
            if !value.isEmpty { add(value.bytes, level: firstLevel, row: row, emit) }
        case .codes:
            let levelScratch = scratch + maxCodeBytes + 8
            let hierarchy = feature.hierarchy
            let last = hierarchy.levelNames.count - 1
            let countCode = { (code: UnsafeBufferPointer<UInt8>) in
                if last == 2 {
                    // Level 0 is counted by group index, named when the vocabulary is built.
                    levelScratch[0] = UInt8(hierarchy.group(of: code.baseAddress!))
                    add(UnsafeBufferPointer(start: levelScratch, count: 1), level: firstLevel, row: row, emit)
                    let n = hierarchy.levelOneKey(code: code.baseAddress!, into: levelScratch)
                    add(UnsafeBufferPointer(start: levelScratch, count: n), level: firstLevel + 1, row: row, emit)
                }
                add(code, level: firstLevel + last, row: row, emit)
            }
            if feature.separator == 0 {
                try? FieldRules.codes(field, spec(), scratch: scratch, countCode)
            } else {
                _ = FieldRules.forEachCode(
                    field, separator: feature.separator, hierarchy: hierarchy, scratch: scratch, countCode)
            }
        case .number, .flag:
            break
        }
    }

    private mutating func add(_ value: UnsafeBufferPointer<UInt8>, level: Int, row: Int, _ emit: (Int) -> Void) {
        let k: Int
        if value.count > 2 * maxCodeBytes + 62 {
            // Categories are not length-limited: a long value goes through a buffer of its own.
            let long = [UInt8(level >> 8), UInt8(level & 0xFF)] + Array(value)
            k = long.withUnsafeBufferPointer { table.insert($0) }
        } else {
            key[0] = UInt8(level >> 8)
            key[1] = UInt8(level & 0xFF)
            if let base = value.baseAddress { (key + 2).update(from: base, count: value.count) }
            k = table.insert(UnsafeBufferPointer(start: key, count: value.count + 2))
        }
        if bump(k, row: row) { emit(k) }
    }

    /// Counts key `k` for `row` unless the row counted it already; `true` when it was counted.
    @inline(__always)
    mutating func bump(_ k: Int, row: Int) -> Bool {
        if k == counts.count {
            counts.append(0)
            lastRow.append(0)
        }
        guard lastRow[k] != row else { return false }
        lastRow[k] = row
        counts[k] += 1
        return true
    }

    /// Adds another counter's keys and counts (rows of different parts of a file); returns, for each
    /// of its keys, the key here.
    mutating func absorb(_ other: VocabularyCounter) -> [Int] {
        (0..<other.table.count).map { k in
            let merged = other.table.key(k).withUnsafeBufferPointer { table.insert($0) }
            if merged == counts.count {
                counts.append(0)
                lastRow.append(0)
            }
            counts[merged] += other.counts[k]
            return merged
        }
    }

    /// Takes back one count of key `k` (its row was rejected after the key was counted).
    @inline(__always)
    func unbump(_ k: Int) {
        counts[k] -= 1
    }

    /// The level and value of key `k`, as `levels(of:minCount:)` names it.
    func levelAndValue(_ k: Int, schemaLevels: [(feature: FeatureSpec, level: Int)]) -> (level: Int, value: String) {
        let bytes = table.key(k)
        let level = Int(bytes[0]) << 8 | Int(bytes[1])
        let (spec, l) = schemaLevels[level]
        let value =
            spec.kind == .codes && spec.hierarchy != .none && l == 0
            ? spec.hierarchy.groupNames[Int(bytes[2])]
            : String(decoding: bytes[2...], as: UTF8.self)
        return (level, value)
    }

    /// The extractor whose vocabularies are the values counted in at least `options.minCount` rows.
    func extractor(schema: Schema, options: FeatureOptions) -> FeatureExtractor {
        var offset = 0
        var blocks: [FeatureBlock] = []
        for featureLevels in levels(of: schema, minCount: options.minCount) {
            let block = FeatureBlock(offset: offset, levels: featureLevels)
            blocks.append(block)
            offset += block.width
        }
        return FeatureExtractor(schema: schema, options: options, blocks: blocks)
    }

    /// The values of each level counted in at least `minCount` rows, sorted by their bytes.
    func levels(of schema: Schema, minCount: Int) -> [[FeatureBlock.Level]] {
        var kept: [[[UInt8]]] = []
        for k in 0..<table.count where counts[k] >= minCount {
            let bytes = table.key(k)
            let level = Int(bytes[0]) << 8 | Int(bytes[1])
            while kept.count <= level { kept.append([]) }
            kept[level].append(Array(bytes[2...]))
        }
        var level = 0
        return schema.features.map { spec in
            let names = spec.kind == .category ? ["value"] : (spec.kind == .codes ? spec.hierarchy.levelNames : [])
            defer { level += names.count }
            return names.enumerated().map { l, name in
                let keys = level + l < kept.count ? kept[level + l] : []
                let values =
                    spec.kind == .codes && names.count == 3 && l == 0
                    ? keys.map { spec.hierarchy.groupNames[Int($0[0])] }
                    : keys.map { String(decoding: $0, as: UTF8.self) }
                return FeatureBlock.Level(name: name, values: values.sorted(by: utf8Less))
            }
        }
    }
}

/// Byte order, so that vocabularies sort the same on every platform and locale.
func utf8Less(_ a: String, _ b: String) -> Bool {
    a.utf8.lexicographicallyPrecedes(b.utf8)
}
