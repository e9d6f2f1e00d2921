import Foundation

extension Explainer {
    /// What a reason is about: `payer = Aetna` (the input column and the row's value).
    public func label(_ reason: Explanation.Reason, values: [String]) -> String {
        String(decoding: reasonWords.labels[reason.input], as: UTF8.self) + values[reason.input]
    }

    /// The largest `first` reasons of row `r` of `matrix` (explained as `explanation`) in words,
    /// as `rank` writes them (`appendWords`).
    public func words(_ explanation: Explanation, row r: Int, of matrix: FeatureMatrix, first: Int) -> [String] {
        explanation.reasons(first: first).map { reason in
            var text: [UInt8] = []
            appendWords(reason, row: r, of: matrix, to: &text)
            return String(decoding: text, as: UTF8.self)
        }
    }

    /// Appends row `r`'s largest `first` reasons to `line` as `first` CSV fields, each after a
    /// comma (empty past the row's last reason): what `score --reasons` writes. `inputs` are the
    /// row's contributions per input (`inputContributions`); `scratch` holds a reason's words
    /// before they are quoted.
    @inline(__always)
    func appendReasons(
        _ inputs: UnsafeBufferPointer<Double>, row r: Int, of matrix: FeatureMatrix, first: Int,
        to line: inout [UInt8], scratch: inout [UInt8]
    ) {
        var written = 0
        Explanation.forEachReason(inputs, base: base, calibrator: calibrator, first: first) { reason in
            scratch.removeAll(keepingCapacity: true)
            appendWords(reason, row: r, of: matrix, to: &scratch)
            line.append(UInt8(ascii: ","))
            scratch.withUnsafeBufferPointer { appendTextField($0, to: &line) }
            written += 1
        }
        for _ in written..<first { line.append(UInt8(ascii: ",")) }
    }

    /// A reason in words, for a caseworker: `payer = Aetna: -9.1 pts` (the input column, the
    /// row's value of that input as `FeatureExtractor.describe` puts it, and the reason's points),
    /// appended to `text`.
    @inline(__always)
    func appendWords(_ reason: Explanation.Reason, row r: Int, of matrix: FeatureMatrix, to text: inout [UInt8]) {
        let input = reason.input
        text += reasonWords.labels[input]
        extractor.appendDescription(row: r, of: matrix, input: input, to: &text) { k, text in
            text += reasonWords.levels[input][k]
        }
        text += ": ".utf8
        Self.appendPoints(reason.points, to: &text)
    }

    /// `+6.2 pts`, `-0.4 pts`: one decimal, rounded half to even.
    public static func points(_ points: Double) -> String {
        var text: [UInt8] = []
        appendPoints(points, to: &text)
        return String(decoding: text, as: UTF8.self)
    }

    /// `points(_:)` appended to `text`.
    @inline(__always)
    static func appendPoints(_ points: Double, to text: inout [UInt8]) {
        guard points.isFinite else { return text += "\(points) pts".utf8 }
        let tenths = Int((abs(points) * 10).rounded(.toNearestOrEven))
        text.append(UInt8(ascii: points < 0 ? "-" : "+"))
        appendInt(tenths / 10, to: &text)
        text.append(UInt8(ascii: "."))
        text.append(UInt8(ascii: "0") + UInt8(tenths % 10))
        text += " pts".utf8
    }

    /// One row's explanation as a JSON object on one line: `id`, `line`, `base`, `margin` and
    /// `probability`, and `contributions` in log-odds, by input column (every column) or, with
    /// `features`, by model feature (those that are not zero).
    public func json(
        _ explanation: Explanation, features: ArraySlice<Double>? = nil, recourse: Recourse? = nil, id: String,
        line: Int
    ) -> String {
        var text = "{\"id\":\(jsonString(id)),\"line\":\(line),\"base\":\(jsonNumber(explanation.base))"
        text += ",\"margin\":\(jsonNumber(explanation.margin)),\"probability\":\(jsonNumber(explanation.probability))"
        text += ",\"contributions\":{"
        var first = true
        func add(_ name: String, _ value: Double) {
            text += (first ? "" : ",") + jsonString(name) + ":" + jsonNumber(value)
            first = false
        }
        if let features {
            for (f, value) in zip(featureNames, features) where value != 0 { add(f, value) }
        } else {
            for (name, value) in zip(inputNames, explanation.inputs) { add(name, value) }
        }
        text += "}"
        if let recourse { text += ",\"recourse\":" + recourse.json }
        return text + "}"
    }
}

extension Recourse {
    /// `{"target":…,"probability":…,"plan":{…} or null,"exhaustive":…,"singles":[…],"changeable":…}`, each option
    /// as `{"changes":[{"column","from","to","cost"}],"probability","cost"}`.
    public var json: String {
        func option(_ o: Option) -> String {
            let changes = o.changes.map {
                "{\"column\":\(jsonString($0.name)),\"from\":\(jsonNumber($0.from)),\"to\":\(jsonNumber($0.to)),\"cost\":\(jsonNumber($0.cost))}"
            }
            return
                "{\"changes\":[\(changes.joined(separator: ","))],\"probability\":\(jsonNumber(o.probability)),\"cost\":\(jsonNumber(o.cost))}"
        }
        return "{\"target\":\(jsonNumber(target)),\"probability\":\(jsonNumber(probability)),\"plan\":"
            + (plan.map(option) ?? "null") + ",\"exhaustive\":\(exhaustive),\"singles\":["
            + singles.map(option).joined(separator: ",") + "],\"changeable\":\(changeable)}"
    }

    /// `34%`, `52.5%`: a probability as a person reads it.
    public static func percent(_ p: Double) -> String {
        let tenths = Int((1000 * p).rounded())
        return tenths % 10 == 0 ? "\(tenths / 10)%" : "\(tenths / 10).\(tenths % 10)%"
    }

    /// An option in words: `has_medical_necessity_letter: no → yes: 34% → 52% (cost 2)`.
    public func words(_ o: Option) -> String {
        "\(o.changes.map(\.words).joined(separator: ", ")): \(Self.percent(probability)) → \(Self.percent(o.probability))"
            + " (cost \(FeatureExtractor.number(Float(o.cost))))"
    }

    /// The recourse as lines for a person (after a waterfall).
    public var text: String {
        var text = ""
        if changeable == 0 {
            return "  No actionable input can change for this claim (none in the schema, or blank, or at its bound).\n"
        }
        if probability >= target {
            text += "  Already at or above the target of \(Self.percent(target)).\n"
        } else if let plan {
            text += "  The cheapest changes that reach \(Self.percent(target)):\n    \(words(plan))\n"
        } else {
            text += "  No change to the actionable inputs reaches \(Self.percent(target))"
            text += exhaustive ? " (every combination tried).\n" : " (none found in the combinations tried).\n"
        }
        if !singles.isEmpty {
            text += "  The single changes that raise it most:\n"
            for o in singles { text += "    \(words(o))\n" }
        }
        return text
    }
}

/// A JSON string literal of `text`.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

/// A JSON number: the shortest text that reads back as the same Double (non-finite: null).
func jsonNumber(_ value: Double) -> String {
    value.isFinite ? "\(value)" : "null"
}

/// The parts of reasons in words that do not depend on the row, made once per explainer
/// (`score --reasons` words three reasons of every row it scores).
struct ReasonWords: Sendable {
    /// Per input (schema order): `column = `.
    let labels: [[UInt8]]
    /// Per input: the words of its finest level's values (`FeatureExtractor.levelWords`); none for
    /// numbers and flags.
    let levels: [[[UInt8]]]

    init(_ extractor: FeatureExtractor) {
        labels = extractor.schema.features.map { Array("\($0.column) = ".utf8) }
        levels = extractor.blocks.indices.map { f in
            let block = extractor.blocks[f]
            guard let finest = block.levels.last else { return [] }
            return finest.values.indices.map { Array(extractor.levelWords($0, input: f).utf8) }
        }
    }
}
