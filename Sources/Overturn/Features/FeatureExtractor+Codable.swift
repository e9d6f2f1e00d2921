import Foundation

// The fitted extractor goes into the model file: its schema, options and vocabularies. Column names
// and lookup tables are derived again on decoding, so a round trip gives identical vectors.

extension FeatureExtractor: Codable, Equatable {
    private enum Key: String, CodingKey { case schema, options, blocks }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        let schema = try c.decode(Schema.self, forKey: .schema)
        let options = try c.decode(FeatureOptions.self, forKey: .options)
        let blocks = try c.decode([FeatureBlock].self, forKey: .blocks)
        guard blocks.count == schema.features.count else {
            throw DecodingError.dataCorruptedError(
                forKey: .blocks, in: c,
                debugDescription: "has \(blocks.count) blocks for \(schema.features.count) schema features")
        }
        var offset = 0
        for (f, block) in blocks.enumerated() {
            let feature = schema.features[f]
            guard block.offset == offset else {
                throw DecodingError.dataCorruptedError(
                    forKey: .blocks, in: c,
                    debugDescription: "block \(f) starts at column \(block.offset), expected \(offset)")
            }
            guard block.levels.count == feature.levelCount else {
                throw DecodingError.dataCorruptedError(
                    forKey: .blocks, in: c,
                    debugDescription:
                        "block \(f) has \(block.levels.count) levels, its \(feature.kind.rawValue) feature needs \(feature.levelCount)"
                )
            }
            for level in block.levels where Set(level.values).count != level.values.count {
                throw DecodingError.dataCorruptedError(
                    forKey: .blocks, in: c, debugDescription: "block \(f) level \(level.name) repeats a value")
            }
            offset += block.width
        }
        self.init(schema: schema, options: options, blocks: blocks)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(schema, forKey: .schema)
        try c.encode(options, forKey: .options)
        try c.encode(blocks, forKey: .blocks)
    }

    public static func == (a: FeatureExtractor, b: FeatureExtractor) -> Bool {
        a.schema == b.schema && a.options == b.options && a.blocks == b.blocks
    }
}

extension FeatureExtractor {
    /// Loads a fitted extractor written by `FeatureExport` (`extractor.json`).
    ///
    /// Throws `SchemaError` naming the file and the place inside it.
    public static func load(path: String) throws -> FeatureExtractor {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw SchemaError.unreadable(file: path, reason: (error as NSError).localizedDescription)
        }
        do {
            return try JSONDecoder().decode(FeatureExtractor.self, from: data)
        } catch let error as DecodingError {
            throw SchemaError(decoding: error, file: path)
        }
    }
}
