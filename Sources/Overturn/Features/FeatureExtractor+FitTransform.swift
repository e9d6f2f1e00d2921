import Foundation

extension FeatureExtractor {
    /// Fits the vocabularies on `reader` and extracts its rows in the same read: what training does.
    ///
    /// The result equals `fit` followed by `transform` on the same file (the tests check it), at
    /// about half the cost: each row is parsed once, each value is hashed once (to a provisional key,
    /// as pandas' `factorize` does), and the provisional keys become columns in one linear pass once
    /// the counts are known. Rows with problems are not extracted; each goes to `report`.
    public static func fitTransform(
        _ reader: CSVReader, schema: Schema, options: FeatureOptions = FeatureOptions(),
        requireLabel: Bool = false, threads: Int = 1, report: (RowProblem) -> Void = { _ in }
    ) throws -> (extractor: FeatureExtractor, batch: FeatureBatch) {
        let bound = try BoundSchema(
            schema, header: reader.header, file: reader.file, label: .init(required: requireLabel))
        let pass = ProvisionalPass(schema: schema, bound: bound, requireLabel: requireLabel)

        // On several threads, each reads its own byte range of the file; a range that does not end
        // cleanly (a quote that fooled the split) sends the whole file through one thread instead.
        var parts: [ProvisionalPart]? = nil
        var lineOffset = 0  // range readers count lines from 1 after the header
        if threads > 1, let points = reader.splitPoints(parts: threads) {
            let results = ConcurrentResults<Result<ProvisionalPart, Error>>(count: points.count - 1)
            let (file, header, limit) = (reader.file, reader.header, reader.maxRecordBytes)
            DispatchQueue.concurrentPerform(iterations: points.count - 1) { p in
                results[p] = Result {
                    try pass.run(
                        try CSVReader(
                            path: file, range: points[p]..<points[p + 1], header: header, maxRecordBytes: limit))
                }
            }
            let outcomes = results.values
            let succeeded = outcomes.compactMap { try? $0.get() }
            if succeeded.count == outcomes.count {
                parts = succeeded
                lineOffset = reader.linesRead
            } else {
                for part in succeeded { part.counter.deallocate() }
            }
        }
        if parts == nil {
            parts = [try pass.run(reader)]  // the workers read their own copies: `reader` is still at the first row
        }
        var all = parts!
        parts = nil  // `finish` takes the only reference, so it can reuse the first part's storage
        return try finish(&all, pass: pass, options: options, firstLine: lineOffset, report: report)
    }
}

/// Values hashed to provisional keys, rows in the provisional columns: one thread's share of a file.
struct ProvisionalPart {
    var counter = VocabularyCounter()
    /// Entries hold a provisional key id (≥ 0), or a block's own column as -(2f + role) - 1 with role
    /// 0 for a number's value and 1 for `(missing)`.
    var rowOffsets: [Int] = [0]
    var columns: [Int32] = []
    var values: [Float] = []
    var ids: [String] = []
    var labels: [Float] = []
    /// Lines counted from the part's first line.
    var lines: [Int] = []
    var problems: [RowProblem] = []
    var linesRead = 0
}

/// The row loop of `fitTransform`: checks each row, counts its values, keeps its provisional entries.
struct ProvisionalPass: Sendable {
    let schema: Schema
    let bound: BoundSchema
    let requireLabel: Bool
    let plan: [CompiledFeature]
    let labels: LabelMatcher?
    /// Feature f's vocabulary levels are firstLevels[f] ..< firstLevels[f] + its level count.
    let firstLevels: [Int]

    init(schema: Schema, bound: BoundSchema, requireLabel: Bool) {
        self.schema = schema
        self.bound = bound
        self.requireLabel = requireLabel
        plan = schema.features.map {
            CompiledFeature(spec: $0, block: FeatureBlock(offset: 0, levels: []), firstLevel: 0)
        }
        labels = schema.label.map(LabelMatcher.init)
        var firstLevels: [Int] = []
        var count = 0
        for spec in schema.features {
            firstLevels.append(count)
            count += spec.levelCount
        }
        precondition(count < 1 << 16, "too many vocabulary levels")
        self.firstLevels = firstLevels
    }

    @inline(__always)
    private func own(_ f: Int, _ role: Int32) -> Int32 { -(2 * Int32(f) + role) - 1 }

    /// Reads every row of `reader` into a part (its problems kept in the part, in order).
    func run(_ reader: CSVReader) throws -> ProvisionalPart {
        var part = ProvisionalPart()
        let workspace = ExtractionWorkspace(features: plan.count)
        let (caches, scratch, hashes) = (workspace.caches, workspace.scratch, workspace.hashes)
        let (schema, bound, plan, labels, requireLabel, firstLevels) = (
            self.schema, self.bound, self.plan, self.labels, self.requireLabel, self.firstLevels
        )
        if let size = reader.fileSize {
            let rows = size / 96
            part.rowOffsets.reserveCapacity(rows + 1)
            part.columns.reserveCapacity(rows * 24)
            part.values.reserveCapacity(rows * 24)
        }
        var counter = part.counter
        var columns = part.columns
        var values = part.values
        part.columns = []
        part.values = []
        var row = 0
        var entries = RowBuffer()
        defer { entries.deallocate() }
        try reader.forEachRow(report: { part.problems.append($0) }) {
            row += 1
            entries.clear()
            let label: Float
            do {
                label = try FeatureExtractor.label(of: reader, bound, labels, requireLabel: requireLabel)
                plan.withUnsafeBufferPointer { plan in
                    bound.featureIndices.withUnsafeBufferPointer {
                        workspace.prefetchCodeLists(of: reader, plan: plan, fields: $0)
                    }
                }
                for f in plan.indices {
                    let feature = plan[f]
                    let field = reader.field(bound.featureIndices[f])
                    switch feature.kind {
                    case .category, .codes:
                        if feature.kind == .codes, let cached = caches[f].columns(of: field.bytes, hash: hashes[f]) {
                            for k in cached where counter.bump(Int(k), row: row) {
                                entries.append(column: Int(k), value: 1)
                            }
                            if cached.isEmpty {
                                entries.append(column: Int(own(f, 1)), value: 1)
                            }
                            continue
                        }
                        if feature.kind == .codes
                            && !feature.accepts(field, scratch: scratch, spec: { schema.features[f] })
                        {
                            throw FeatureExtractor.problem(
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
                                field, integer: feature.integer, minimum: feature.minimum, maximum: feature.maximum,
                                zeroIsMissing: feature.zeroIsMissing)
                            {
                            case .value(let v): value = v
                            case .missing: value = nil
                            default:
                                throw FeatureExtractor.problem(
                                    in: schema.features[f], field, column: bound.featureIndices[f] + 1, scratch: scratch
                                )
                            }
                        } else {
                            value = FieldRules.checkFlag(field)
                            if value == -1 {
                                throw FeatureExtractor.problem(
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
                part.problems.append(
                    RowProblem(
                        SourceLocation(file: reader.file, line: reader.line, column: problem.column), problem.message))
                return
            }
            columns.append(contentsOf: entries.columns(from: 0))
            values.append(contentsOf: UnsafeBufferPointer(start: entries.values, count: entries.count))
            part.rowOffsets.append(columns.count)
            part.labels.append(label)
            part.lines.append(reader.line)
            part.ids.append(bound.idIndex.map { reader.field($0).trimmed.string } ?? String(reader.line))
        }
        part.counter = counter
        part.columns = columns
        part.values = values
        part.linesRead = reader.linesRead
        return part
    }
}

extension FeatureExtractor {
    /// Merges the parts' vocabularies, builds the extractor, and turns provisional entries into
    /// columns: one linear pass, sorting each row and merging entries that now share a column.
    fileprivate static func finish(
        _ parts: inout [ProvisionalPart], pass: ProvisionalPass, options: FeatureOptions, firstLine: Int,
        report: (RowProblem) -> Void
    ) throws -> (extractor: FeatureExtractor, batch: FeatureBatch) {
        let schema = pass.schema
        var levelOwners: [(feature: FeatureSpec, level: Int)] = []  // for each global level
        var levelFeature: [Int] = []
        for (f, spec) in schema.features.enumerated() {
            for l in 0..<spec.levelCount {
                levelOwners.append((spec, l))
                levelFeature.append(f)
            }
        }
        // One vocabulary for all parts: each part's keys map to the merged ones, counts add up.
        var merged = VocabularyCounter()
        defer {
            merged.deallocate()
            for part in parts { part.counter.deallocate() }
        }
        let toMerged = parts.map { merged.absorb($0.counter) }
        let counter = merged

        // The vocabularies, then every provisional key's column.
        let extractor = counter.extractor(schema: schema, options: options)
        let blocks = extractor.blocks
        let positions = blocks.flatMap {
            $0.levels.map { Dictionary(uniqueKeysWithValues: $0.values.enumerated().map { ($1, $0) }) }
        }
        var keyColumn = [Int32](repeating: 0, count: counter.table.count)
        for k in keyColumn.indices {
            let (level, value) = counter.levelAndValue(k, schemaLevels: levelOwners)
            let f = levelFeature[level]
            let l = level - pass.firstLevels[f]
            let block = blocks[f]
            let within = positions[level][value] ?? block.levels[l].values.count  // rare: the level's (other)
            keyColumn[k] = Int32(block.offset + block.levelOffset(l) + within)
        }
        let ownColumns: [Int32] = blocks.indices.flatMap { f -> [Int32] in
            let block = blocks[f]
            return [Int32(block.offset), Int32(block.offset + block.missingColumn)]
        }

        // Remap, then sort each row and merge the entries that now share a column (two rare codes
        // in one `(other)`): each part in its own storage, in place (writing never overtakes
        // reading), the parts on threads of their own; `kept[p]` entries of part p remain, and its
        // row offsets are rewritten to them.
        var kept = [Int](repeating: 0, count: parts.count)
        kept.withUnsafeMutableBufferPointer { keptBuffer in
            let kept = SharedBuffer(keptBuffer)
            parts.withUnsafeMutableBufferPointer { partsBuffer in
                parallelFor(partsBuffer.count) { p in
                    let partColumn = toMerged[p].map { keyColumn[$0] }
                    kept.base[p] = Self.remap(&partsBuffer[p], columns: partColumn, ownColumns: ownColumns)
                }
            }
        }

        // The parts back to back, each copied by a thread of its own into arrays of the exact size
        // (a single part keeps its storage); their lines continue from the part before.
        var columns: [Int32]
        var values: [Float]
        var rowOffsets: [Int]
        if parts.count == 1 {
            columns = parts[0].columns
            values = parts[0].values
            rowOffsets = parts[0].rowOffsets
            parts[0].columns = []
            parts[0].values = []
            columns.removeSubrange(kept[0]...)
            values.removeSubrange(kept[0]...)
        } else {
            var entryStart = [0]  // part p's entries go to entryStart[p]..., its rows to rowStart[p]...
            var rowStart = [0]
            for p in parts.indices {
                entryStart.append(entryStart[p] + kept[p])
                rowStart.append(rowStart[p] + parts[p].rowOffsets.count - 1)
            }
            let (partColumns, partValues, partOffsets) = (
                parts.map(\.columns), parts.map(\.values), parts.map(\.rowOffsets)
            )
            columns = concatenate(parts.count, total: entryStart.last!) { p, to in
                if kept[p] > 0 { (to + entryStart[p]).initialize(from: partColumns[p], count: kept[p]) }
            }
            values = concatenate(parts.count, total: entryStart.last!) { p, to in
                if kept[p] > 0 { (to + entryStart[p]).initialize(from: partValues[p], count: kept[p]) }
            }
            rowOffsets = concatenate(parts.count, total: rowStart.last! + 1) { p, to in
                let offsets = partOffsets[p]
                let (at, base) = (rowStart[p], entryStart[p])
                if p == 0 { to[0] = 0 }
                for r in 1..<offsets.count { to[at + r] = offsets[r] + base }
            }
            for p in parts.indices {
                parts[p].columns = []
                parts[p].values = []
            }
        }
        var ids: [String] = []
        var labels: [Float] = []
        var lines: [Int] = []
        var lineOffset = firstLine
        for part in parts {
            ids += part.ids
            labels += part.labels
            lines += part.lines.map { $0 + lineOffset }
            for problem in part.problems {
                var moved = problem
                moved.location.line += lineOffset
                report(moved)
            }
            lineOffset += part.linesRead
        }

        var batch = FeatureBatch(width: extractor.width)
        batch.matrix = FeatureMatrix(width: extractor.width, rowOffsets: rowOffsets, columns: columns, values: values)
        batch.ids = ids
        batch.labels = labels
        batch.lines = lines
        return (extractor, batch)
    }

    /// An array of `total` elements that `fill(p, base)` writes on part `p`'s own thread (through
    /// the array's base address, at the indices part `p` alone owns).
    private static func concatenate<T>(
        _ parts: Int, total: Int, _ fill: (_ part: Int, _ base: UnsafeMutablePointer<T>) -> Void
    ) -> [T] {
        [T](unsafeUninitializedCapacity: total) { buffer, count in
            let base = SharedBuffer(buffer)
            parallelFor(parts) { p in fill(p, base.base) }
            count = total
        }
    }

    /// Turns `part`'s provisional entries into columns in place, sorting each row and merging the
    /// entries that now share a column, and rewrites its row offsets to match. Returns the number
    /// of entries kept (at the front of `part.columns` and `part.values`).
    private static func remap(_ part: inout ProvisionalPart, columns partColumn: [Int32], ownColumns: [Int32]) -> Int {
        var write = 0
        part.columns.withUnsafeMutableBufferPointer { c in
            part.values.withUnsafeMutableBufferPointer { v in
                part.rowOffsets.withUnsafeMutableBufferPointer { offsets in
                    var read = 0
                    for r in 1..<offsets.count {
                        let end = offsets[r]
                        let rowStart = write
                        while read < end {
                            let raw = c[read]
                            let column = raw >= 0 ? partColumn[Int(raw)] : ownColumns[Int(-raw - 1)]
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
                        offsets[r] = write
                    }
                }
            }
        }
        return write
    }
}
