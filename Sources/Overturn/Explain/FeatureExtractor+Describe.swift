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
        var text: [UInt8] = []
        appendDescription(row: i, of: matrix, input: f, to: &text) { k, text in
            text += levelWords(k, input: f).utf8
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The words of value `k` of input `f`'s finest level (a category's value, a list's full
    /// code): the value, and an ICD-10 code's title after it.
    func levelWords(_ k: Int, input f: Int) -> String {
        let value = blocks[f].levels[blocks[f].levels.count - 1].values[k]
        guard schema.features[f].hierarchy == .icd10, let title = ICD10CM.title(value) else { return value }
        return "\(value) \(title)"
    }

    /// `describe(row:of:input:)` appended to `text` as UTF-8, without a String: `level(k, &text)`
    /// appends the words of value `k` of the input's finest level (`levelWords`, or the same made
    /// once: `score --reasons` words three inputs of every row).
    @inline(__always)
    func appendDescription(
        row i: Int, of matrix: FeatureMatrix, input f: Int, to text: inout [UInt8],
        level: (Int, inout [UInt8]) -> Void
    ) {
        // What the row stores in the input's block: a number's value, or the finest level's values
        // (columns ascending, so a list's codes come in vocabulary order).
        let block = blocks[f]
        let columns = (block.offset, block.offset + block.width)
        let levels = block.levels.count
        let first = levels == 0 ? 0 : block.levelOffset(levels - 1)
        let values = levels == 0 ? 0 : block.levels[levels - 1].values.count
        var blank = false
        var number: Float = 0
        var held = 0
        var other = false
        let entries = matrix.rowOffsets[i]..<matrix.rowOffsets[i + 1]
        for k in entries {
            let c = Int(matrix.columns[k])
            guard c >= columns.0 && c < columns.1 else { continue }
            let local = c - block.offset
            if local == block.missingColumn {
                blank = true
            } else if levels == 0 {
                number = matrix.values[k]
            } else if local >= first && local < first + values {
                held += 1
            } else if local == first + values {
                other = true
            }
        }
        let kind = schema.features[f].kind
        if blank || ((kind == .number || kind == .flag) && number.isNaN) { return text += "blank".utf8 }
        switch kind {
        case .flag: text += (number != 0 ? "yes" : "no").utf8
        case .number: Self.appendNumber(number, to: &text)
        case .category, .codes:
            if held == 0 && !other { return text += "none".utf8 }
            var written = 0
            for k in entries where held > 0 {
                let local = Int(matrix.columns[k]) - block.offset - first
                guard local >= 0 && local < values else { continue }
                if written > 0 { text += "; ".utf8 }
                level(local, &text)
                written += 1
                if written == held { break }
            }
            if other { text += (held > 0 ? "; other" : "other").utf8 }
        }
    }

    /// A number as people write it: no trailing zeros, at most two decimals.
    static func number(_ v: Float) -> String {
        var text: [UInt8] = []
        appendNumber(v, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `number(_:)` appended to `text`; whole numbers without a String (`appendInt`).
    @inline(__always)
    static func appendNumber(_ v: Float, to text: inout [UInt8]) {
        let d = Double(v)
        if d == d.rounded() && abs(d) < 1e15 { return appendInt(Int(d), to: &text) }
        var decimals = Array(String(format: "%.2f", d).utf8)
        while decimals.last == UInt8(ascii: "0") { decimals.removeLast() }
        // A value within half a hundredth of a whole number (2.001) reads as that number.
        if decimals.last == UInt8(ascii: ".") { decimals.removeLast() }
        if decimals == Array("-0".utf8) { decimals = [UInt8(ascii: "0")] }
        text += decimals
    }
}
