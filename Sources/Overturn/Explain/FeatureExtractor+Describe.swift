import Foundation

extension FeatureExtractor {
    /// Row `i` of `matrix` in words, one text per input column (schema order), rebuilt from its
    /// features: a category's value (`other` for one outside the vocabulary), the codes of a list
    /// (`other` for codes outside the vocabulary; ICD-10 codes with their title, `ICD10CM`), a
    /// number, `yes`/`no` for a flag, and `blank` for a missing value.
    /// With `only`, just those inputs are put in words (the others are empty).
    public func describe(row i: Int, of matrix: FeatureMatrix, only: [Int]? = nil) -> [String] {
        // What the row stores, block by block: a number's value, or the finest level's values.
        var blank = [Bool](repeating: false, count: blocks.count)
        var number = [Float](repeating: 0, count: blocks.count)
        var held = [[String]](repeating: [], count: blocks.count)
        var other = [Bool](repeating: false, count: blocks.count)
        var wanted = [Bool](repeating: only == nil, count: blocks.count)
        for f in only ?? [] { wanted[f] = true }
        for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
            let c = Int(matrix.columns[k])
            let f = columnFeature[c]
            guard wanted[f] else { continue }
            let block = blocks[f]
            let local = c - block.offset
            if local == block.missingColumn {
                blank[f] = true
            } else if block.levels.isEmpty {
                number[f] = matrix.values[k]
            } else {
                // The finest level: a category's only one, a code list's full codes.
                let level = block.levels.count - 1
                let first = block.levelOffset(level)
                let values = block.levels[level].values
                if local >= first && local < first + values.count {
                    held[f].append(values[local - first])
                } else if local == block.otherColumn(level: level) {
                    other[f] = true
                }
            }
        }
        return blocks.indices.map { f in
            guard wanted[f] else { return "" }
            let kind = schema.features[f].kind
            if blank[f] || ((kind == .number || kind == .flag) && number[f].isNaN) { return "blank" }
            switch kind {
            case .flag: return number[f] != 0 ? "yes" : "no"
            case .number: return Self.number(number[f])
            case .category, .codes:
                var values = held[f]
                if schema.features[f].hierarchy == .icd10 {
                    values = values.map { code in ICD10CM.title(code).map { "\(code) \($0)" } ?? code }
                }
                values += other[f] ? ["other"] : []
                return values.isEmpty ? "none" : values.joined(separator: "; ")
            }
        }
    }

    /// A number as people write it: no trailing zeros, at most two decimals.
    static func number(_ v: Float) -> String {
        let d = Double(v)
        if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
        var text = String(format: "%.2f", d)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
