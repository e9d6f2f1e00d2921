import Foundation

extension FeatureExtractor {
    /// Row `i` of `matrix` in words, one text per input column (schema order), rebuilt from its
    /// features: a category's value (`other` for one outside the vocabulary), the codes of a list
    /// (`other` for codes outside the vocabulary), a number, `yes`/`no` for a flag, and `blank`
    /// for a missing value.
    public func describe(row i: Int, of matrix: FeatureMatrix) -> [String] {
        var stored: [Int: Float] = [:]
        for k in matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1] {
            stored[Int(matrix.columns[k])] = matrix.values[k]
        }
        return blocks.enumerated().map { f, block in
            let spec = schema.features[f]
            if stored[block.offset + block.missingColumn] != nil { return "blank" }
            switch spec.kind {
            case .number, .flag:
                let v = stored[block.offset] ?? 0
                if v.isNaN { return "blank" }
                if spec.kind == .flag { return v != 0 ? "yes" : "no" }
                return Self.number(v)
            case .category, .codes:
                // The finest level: a category's only one, a code list's full codes.
                let level = block.levels.count - 1
                let first = block.offset + block.levelOffset(level)
                let values = block.levels[level].values
                var held = values.indices.filter { stored[first + $0] != nil }.map { values[$0] }
                if stored[first + values.count] != nil { held.append("other") }
                return held.isEmpty ? "none" : held.joined(separator: "; ")
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
