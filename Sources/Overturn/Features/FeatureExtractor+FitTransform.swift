extension FeatureExtractor {
    /// Fits the vocabularies on `reader` and extracts its rows in the same read: what training does.
    ///
    /// The result equals `fit` followed by `transform` on the same file (the tests check it), at
    /// about half the cost: each row is parsed once, each value is hashed once (to a provisional key,
    /// as pandas' `factorize` does), and the provisional keys become columns in one linear pass once
    /// the counts are known. Rows with problems are not extracted; each goes to `report`.
    public static func fitTransform(
        _ reader: CSVReader, schema: Schema, options: FeatureOptions = FeatureOptions(),
        requireLabel: Bool = false, report: (RowProblem) -> Void = { _ in }
    ) throws -> (extractor: FeatureExtractor, batch: FeatureBatch) {
        let bound = try BoundSchema(schema, header: reader.header, file: reader.file, requireLabel: requireLabel)
        var counter = VocabularyCounter()
        defer { counter.deallocate() }
        var firstLevels: [Int] = []
        var levelOwners: [(feature: FeatureSpec, level: Int)] = []  // for each global level
        var levelFeature: [Int] = []
        for (f, spec) in schema.features.enumerated() {
            firstLevels.append(levelOwners.count)
            for l in 0..<spec.levelCount {
                levelOwners.append((spec, l))
                levelFeature.append(f)
            }
        }
        precondition(levelOwners.count < 1 << 16, "too many vocabulary levels")
        let plan = schema.features.map {
            CompiledFeature(spec: $0, block: FeatureBlock(offset: 0, levels: []), firstLevel: 0)
        }
        let labels = schema.label.map(LabelMatcher.init)
        let workspace = ExtractionWorkspace(features: plan.count)
        let (caches, scratch) = (workspace.caches, workspace.scratch)

        // Entries hold a provisional key id (≥ 0), or a block's own column as -(2f + role) - 1 with
        // role 0 for a number's value and 1 for `(missing)`; both become columns at the end.
        var rowOffsets: [Int] = [0]
        var columns: [Int32] = []
        var values: [Float] = []
        var ids: [String] = []
        var rowLabels: [Float] = []
        var lines: [Int] = []
        if let size = reader.fileSize {
            let rows = size / 96
            rowOffsets.reserveCapacity(rows + 1)
            columns.reserveCapacity(rows * 24)
            values.reserveCapacity(rows * 24)
        }
        @inline(__always) func own(_ f: Int, _ role: Int32) -> Int32 { -(2 * Int32(f) + role) - 1 }

        var row = 0
        var entries = RowBuffer()
        defer { entries.deallocate() }
        try reader.forEachRow(report: report) {
            row += 1
            entries.clear()
            let label: Float
            do {
                label = try Self.label(of: reader, bound, labels, requireLabel: requireLabel)
                for f in plan.indices {
                    let feature = plan[f]
                    let field = reader.field(bound.featureIndices[f])
                    switch feature.kind {
                    case .category, .codes:
                        if feature.kind == .codes, let cached = caches[f].columns(of: field.bytes) {
                            for k in cached where counter.bump(Int(k), row: row) {
                                entries.append(column: Int(k), value: 1)
                            }
                            if cached.isEmpty {
                                entries.append(column: Int(own(f, 1)), value: 1)
                            }
                            continue
                        }
                        if feature.kind == .codes && !feature.accepts(field, scratch: scratch) {
                            throw problem(
                                in: schema.features[f], field, column: bound.featureIndices[f] + 1, scratch: scratch)
                        }
                        let start = entries.count
                        counter.count(
                            field, feature, firstLevel: firstLevels[f], row: row, scratch: scratch,
                            spec: { schema.features[f] }
                        ) { k in
                            entries.append(column: k, value: 1)
                        }
                        if feature.kind == .codes && !caches[f].isFull {
                            caches[f].insert(field.bytes, columns: entries.columns(from: start))
                        }
                        if entries.count == start {
                            entries.append(column: Int(own(f, 1)), value: 1)
                        }
                    case .number, .flag:
                        let value: Double?
                        if feature.kind == .number {
                            switch FieldRules.checkNumber(
                                field, integer: feature.integer, minimum: feature.minimum, maximum: feature.maximum)
                            {
                            case .value(let v): value = v
                            case .missing: value = nil
                            default:
                                throw problem(
                                    in: schema.features[f], field, column: bound.featureIndices[f] + 1, scratch: scratch
                                )
                            }
                        } else {
                            value = FieldRules.checkFlag(field)
                            if value == -1 {
                                throw problem(
                                    in: schema.features[f], field, column: bound.featureIndices[f] + 1, scratch: scratch
                                )
                            }
                        }
                        if let value {
                            if value != 0 {
                                entries.append(column: Int(own(f, 0)), value: Float(value))
                            }
                        } else {
                            entries.append(column: Int(own(f, 0)), value: .nan)
                            entries.append(column: Int(own(f, 1)), value: 1)
                        }
                    }
                }
            } catch let problem as ValueProblem {
                // Undo the row: its keys were counted once each.
                for k in entries.columns(from: 0) where k >= 0 { counter.unbump(Int(k)) }
                report(
                    RowProblem(
                        SourceLocation(file: reader.file, line: reader.line, column: problem.column), problem.message))
                return
            }
            columns.append(contentsOf: entries.columns(from: 0))
            values.append(contentsOf: UnsafeBufferPointer(start: entries.values, count: entries.count))
            rowOffsets.append(columns.count)
            rowLabels.append(label)
            lines.append(reader.line)
            ids.append(bound.idIndex.map { reader.field($0).trimmed.string } ?? String(reader.line))
        }

        // The vocabularies, then every provisional key's column.
        let levels = counter.levels(of: schema, minCount: options.minCount)
        var offset = 0
        var blocks: [FeatureBlock] = []
        for f in schema.features.indices {
            blocks.append(FeatureBlock(offset: offset, levels: levels[f]))
            offset += blocks[f].width
        }
        let extractor = FeatureExtractor(schema: schema, options: options, blocks: blocks)
        let positions = levels.flatMap {
            $0.map { Dictionary(uniqueKeysWithValues: $0.values.enumerated().map { ($1, $0) }) }
        }
        var keyColumn = [Int32](repeating: 0, count: counter.table.count)
        for k in keyColumn.indices {
            let (level, value) = counter.levelAndValue(k, schemaLevels: levelOwners)
            let f = levelFeature[level]
            let l = level - firstLevels[f]
            let block = blocks[f]
            let within = positions[level][value] ?? block.levels[l].values.count  // rare: the level's (other)
            keyColumn[k] = Int32(block.offset + block.levelOffset(l) + within)
        }
        let ownColumns: [Int32] = blocks.indices.flatMap { f -> [Int32] in
            let block = blocks[f]
            return [Int32(block.offset), Int32(block.offset + block.missingColumn)]
        }

        // Remap, then sort each row and merge the entries that now share a column (two rare codes
        // in one `(other)`).
        var write = 0
        columns.withUnsafeMutableBufferPointer { c in
            values.withUnsafeMutableBufferPointer { v in
                var read = 0
                for r in 1..<rowOffsets.count {
                    let end = rowOffsets[r]
                    let rowStart = write
                    while read < end {
                        let raw = c[read]
                        let column = raw >= 0 ? keyColumn[Int(raw)] : ownColumns[Int(-raw - 1)]
                        let value = v[read]
                        read += 1
                        var j = write
                        while j > rowStart && c[j - 1] > column {
                            c[j] = c[j - 1]
                            v[j] = v[j - 1]
                            j -= 1
                        }
                        if j > rowStart && c[j - 1] == column {
                            // Already present (value 1): close the gap the shifting opened.
                            for m in j..<write {
                                c[m] = c[m + 1]
                                v[m] = v[m + 1]
                            }
                            continue
                        }
                        c[j] = column
                        v[j] = value
                        write += 1
                    }
                    rowOffsets[r] = write
                }
            }
        }
        columns.removeSubrange(write...)
        values.removeSubrange(write...)

        var batch = FeatureBatch(width: extractor.width)
        batch.matrix = FeatureMatrix(width: extractor.width, rowOffsets: rowOffsets, columns: columns, values: values)
        batch.ids = ids
        batch.labels = rowLabels
        batch.lines = lines
        return (extractor, batch)
    }
}
