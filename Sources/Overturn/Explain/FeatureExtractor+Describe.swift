import Foundation

extension FeatureExtractor {
    /// Row `i` of `matrix` in words, one text per input column (schema order), rebuilt from its
    /// features: a category's value (`other` for one outside the vocabulary), the codes of a list
    /// (`other` for codes outside the vocabulary; ICD-10 codes with their title, `ICD10CM`), a
    /// number, `yes`/`no` for a flag, and `blank` for a missing value.
    /// With `only`, just those inputs are put in words (the others are empty).
    public func describe(row i: Int, of matrix: FeatureMatrix, only: [Int]? = nil) -> [String] {
        var wanted = [Bool](repeating: only == nil, count: blocks.count)
        for f in only ?? [] { wanted[f] = true }
        return blocks.indices.map { wanted[$0] ? describe(row: i, of: matrix, input: $0) : "" }
    }

    /// Input `f` (schema order) of row `i` of `matrix` in words, as `describe(row:of:only:)` puts it.
    public func describe(row i: Int, of matrix: FeatureMatrix, input f: Int) -> String {
        // What the row stores in the input's block: a number's value, or the finest level's values.
        let block = blocks[f]
        var blank = false
        var number: Float = 0
        var held: [String] = []
        var other = false
        for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
            let c = Int(matrix.columns[k])
            guard columnFeature[c] == f else { continue }
            let local = c - block.offset
            if local == block.missingColumn {
                blank = true
            } else if block.levels.isEmpty {
                number = matrix.values[k]
            } else {
                // The finest level: a category's only one, a code list's full codes.
                let level = block.levels.count - 1
                let first = block.levelOffset(level)
                let values = block.levels[level].values
                if local >= first && local < first + values.count {
                    held.append(values[local - first])
                } else if local == block.otherColumn(level: level) {
                    other = true
                }
            }
        }
        let kind = schema.features[f].kind
        if blank || ((kind == .number || kind == .flag) && number.isNaN) { return "blank" }
        switch kind {
        case .flag: return number != 0 ? "yes" : "no"
        case .number: return Self.number(number)
        case .category, .codes:
            if schema.features[f].hierarchy == .icd10 {
                held = held.map { code in ICD10CM.title(code).map { "\(code) \($0)" } ?? code }
            }
            if other { held.append("other") }
            return held.isEmpty ? "none" : held.joined(separator: "; ")
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
