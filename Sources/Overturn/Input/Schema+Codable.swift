import Foundation

// Strict JSON for schemas: every object rejects keys it does not know, options that do not fit the
// feature's kind are errors, and `Schema.load(path:)` turns decoding failures into messages that
// name the file and the place inside it (`features[2].kind`).

extension Schema: Codable {
    private enum Key: String, CodingKey, CaseIterable { case name, id, label, features }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Key.self)
        let c = try decoder.container(keyedBy: Key.self)
        name = try c.decode(String.self, forKey: .name)
        id = try c.decodeIfPresent(String.self, forKey: .id)
        label = try c.decodeIfPresent(LabelSpec.self, forKey: .label)
        features = try c.decode([FeatureSpec].self, forKey: .features)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(name, forKey: .name)
        try c.encodeIfPresent(id, forKey: .id)
        try c.encodeIfPresent(label, forKey: .label)
        try c.encode(features, forKey: .features)
    }
}

extension LabelSpec: Codable {
    private enum Key: String, CodingKey, CaseIterable { case column, positive, negative }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Key.self)
        let c = try decoder.container(keyedBy: Key.self)
        column = try c.decode(String.self, forKey: .column)
        positive = try c.decode([String].self, forKey: .positive)
        negative = try c.decodeIfPresent([String].self, forKey: .negative) ?? []
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(column, forKey: .column)
        try c.encode(positive, forKey: .positive)
        if !negative.isEmpty { try c.encode(negative, forKey: .negative) }
    }
}

extension FeatureSpec: Codable {
    private enum Key: String, CodingKey, CaseIterable {
        case column, kind, hierarchy, separator, integer, minimum, maximum, actionable, zeroIsMissing
    }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Key.self)
        let c = try decoder.container(keyedBy: Key.self)
        column = try c.decode(String.self, forKey: .column)
        kind = try c.decode(FeatureKind.self, forKey: .kind)
        hierarchy = try c.decodeIfPresent(CodeHierarchy.self, forKey: .hierarchy) ?? .none
        separator = try c.decodeIfPresent(String.self, forKey: .separator) ?? ";"
        integer = try c.decodeIfPresent(Bool.self, forKey: .integer) ?? false
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
        actionable = try c.decodeIfPresent(Actionability.self, forKey: .actionable)
        zeroIsMissing = try c.decodeIfPresent(Bool.self, forKey: .zeroIsMissing) ?? false

        func onlyFor(_ key: Key, _ kinds: FeatureKind...) throws {
            if c.contains(key), !kinds.contains(kind) {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: c,
                    debugDescription:
                        "\"\(key.rawValue)\" applies to kind \(kinds.map(\.rawValue).joined(separator: " or ")), not \(kind.rawValue)"
                )
            }
        }
        try onlyFor(.hierarchy, .codes)
        try onlyFor(.separator, .codes)
        try onlyFor(.integer, .number)
        try onlyFor(.minimum, .number)
        try onlyFor(.maximum, .number)
        try onlyFor(.zeroIsMissing, .number)
        try onlyFor(.actionable, .number, .flag)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(column, forKey: .column)
        try c.encode(kind, forKey: .kind)
        if kind == .codes {
            try c.encode(hierarchy, forKey: .hierarchy)
            try c.encode(separator, forKey: .separator)
        }
        if kind == .number {
            if integer { try c.encode(integer, forKey: .integer) }
            try c.encodeIfPresent(minimum, forKey: .minimum)
            try c.encodeIfPresent(maximum, forKey: .maximum)
            if zeroIsMissing { try c.encode(zeroIsMissing, forKey: .zeroIsMissing) }
        }
        try c.encodeIfPresent(actionable, forKey: .actionable)
    }
}

extension Actionability {
    private enum Key: String, CodingKey, CaseIterable { case direction, cost, minimum, maximum }

    public init(from decoder: Decoder) throws {
        try decoder.rejectUnknownKeys(Key.self)
        let c = try decoder.container(keyedBy: Key.self)
        direction = try c.decode(Direction.self, forKey: .direction)
        cost = try c.decode(Double.self, forKey: .cost)
        minimum = try c.decodeIfPresent(Double.self, forKey: .minimum)
        maximum = try c.decodeIfPresent(Double.self, forKey: .maximum)
    }
}

// MARK: - Loading and checking

extension Schema {
    /// Loads and checks a schema file.
    ///
    /// Throws `SchemaError` naming the file and the place inside it.
    public static func load(path: String) throws -> Schema {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SchemaError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        return try decode(data, file: path)
    }

    /// Decodes and checks schema JSON; `file` names it in errors.
    public static func decode(_ data: Data, file: String) throws -> Schema {
        let schema: Schema
        do {
            schema = try JSONDecoder().decode(Schema.self, from: data)
        } catch let error as DecodingError {
            throw SchemaError(decoding: error, file: file)
        }
        try schema.check(file: file)
        return schema
    }

    /// Checks what JSON decoding cannot: names, duplicates, bounds, costs.
    public func check(file: String = "<schema>") throws {
        func fail(_ path: String, _ message: String) -> SchemaError {
            SchemaError.invalid(file: file, path: path, message: message)
        }
        if name.isEmpty { throw fail("name", "must not be empty") }
        if features.isEmpty { throw fail("features", "must list at least one feature") }
        var seen: [String: String] = [:]
        func claim(_ column: String, _ path: String) throws {
            if column.isEmpty { throw fail(path, "the column name must not be empty") }
            if let other = seen[column] {
                throw fail(path, "column \"\(column)\" is already used by \(other)")
            }
            seen[column] = path
        }
        if let id { try claim(id, "id") }
        if let label {
            try claim(label.column, "label.column")
            if label.positive.isEmpty { throw fail("label.positive", "must list at least one value") }
            let positives = Set(label.positive.map { $0.lowercased() })
            if let both = label.negative.first(where: { positives.contains($0.lowercased()) }) {
                throw fail("label.negative", "\"\(both)\" is listed as both positive and negative")
            }
        }
        for (i, feature) in features.enumerated() {
            let path = "features[\(i)]"
            try claim(feature.column, "\(path).column")
            if feature.kind == .codes && feature.separator.isEmpty {
                throw fail("\(path).separator", "must not be empty")
            }
            for (key, bound) in [("minimum", feature.minimum), ("maximum", feature.maximum)] {
                if let bound, !bound.isFinite { throw fail("\(path).\(key)", "must be a finite number") }
            }
            if let lo = feature.minimum, let hi = feature.maximum, lo > hi {
                throw fail("\(path).maximum", "is below the minimum \(lo)")
            }
            if let action = feature.actionable {
                if !(action.cost.isFinite && action.cost > 0) {
                    throw fail("\(path).actionable.cost", "must be a positive number")
                }
                if let lo = action.minimum, let hi = action.maximum, lo > hi {
                    throw fail("\(path).actionable.maximum", "is below the minimum \(lo)")
                }
            }
        }
    }
}

/// A `CodingKey` for any key, to list the keys an object holds.
private struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Throws when the object holds a key that `Keys` does not name.
    fileprivate func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try container(keyedBy: AnyKey.self)
        let known = Keys.allCases.map(\.stringValue)
        for key in container.allKeys where !known.contains(key.stringValue) {
            throw DecodingError.dataCorrupted(
                DecodingError.Context(
                    codingPath: codingPath + [key],
                    debugDescription:
                        "unknown key \"\(key.stringValue)\"; expected one of: \(known.joined(separator: ", "))"))
        }
    }
}
