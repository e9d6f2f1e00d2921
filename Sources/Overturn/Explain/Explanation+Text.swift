import Foundation

extension Explainer {
    /// A reason in words, for a caseworker: `payer = Aetna: -9.1 pts` (the input column, the row's
    /// value of that input from `FeatureExtractor.describe`, and the reason's points).
    public func words(_ reason: Explanation.Reason, value: String) -> String {
        "\(label(reason, value: value)): \(Self.points(reason.points))"
    }

    /// What a reason is about: `payer = Aetna` (the input column and the row's value).
    public func label(_ reason: Explanation.Reason, values: [String]) -> String {
        label(reason, value: values[reason.input])
    }

    /// `label(_:values:)` given the row's value of the reason's input alone.
    public func label(_ reason: Explanation.Reason, value: String) -> String {
        "\(extractor.schema.features[reason.input].column) = \(value)"
    }

    /// The largest `first` reasons of row `r` of `matrix` (explained as `explanation`) in words:
    /// what `score --reasons` and `rank` write. Only the inputs the reasons name are described.
    public func words(_ explanation: Explanation, row r: Int, of matrix: FeatureMatrix, first: Int) -> [String] {
        explanation.reasons(first: first).map { reason in
            words(reason, value: extractor.describe(row: r, of: matrix, input: reason.input))
        }
    }

    /// `+6.2 pts`, `-0.4 pts`: one decimal, rounded half to even (made by hand: this runs for
    /// every reason of every row that `score --reasons` writes).
    public static func points(_ points: Double) -> String {
        guard points.isFinite else { return "\(points) pts" }
        let tenths = Int((abs(points) * 10).rounded(.toNearestOrEven))
        return "\(points < 0 ? "-" : "+")\(tenths / 10).\(tenths % 10) pts"
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
