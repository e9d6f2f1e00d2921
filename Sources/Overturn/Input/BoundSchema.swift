/// A schema matched against one CSV header: which field holds the id, the label, each feature.
///
/// Binding is where a CSV that does not fit its schema is caught, before any row is read:
///
/// ```swift
/// let reader = try CSVReader(path: "denials.csv")
/// let bound = try BoundSchema(.claims, header: reader.header, file: reader.file)
/// ```
public struct BoundSchema: Sendable {
    public let schema: Schema
    /// The field index of the id column, when the schema has one.
    public let idIndex: Int?
    /// The field index of the label column, or `nil` when the file has none or it is `ignored`.
    public let labelIndex: Int?
    /// The field index of each feature, in the schema's order.
    public let featureIndices: [Int]
    /// The header, for messages.
    public let header: [String]

    /// What a command does with the schema's label column.
    public enum LabelUse: Sendable {
        /// Training and evaluation: the file must have the column.
        case required
        /// Validation and feature export: the column is read where the file has it.
        case ifPresent
        /// Scoring, ranking and explaining: the column is not read, whatever it holds.
        case ignored

        /// `required` when every row needs a label (training), else `ifPresent`.
        public init(required: Bool) { self = required ? .required : .ifPresent }
    }

    /// Binds `schema` to `header`.
    ///
    /// - Throws: `SchemaError.missingColumn` or `.duplicateColumn` at line 1 of `file`.
    public init(_ schema: Schema, header: [String], file: String, label: LabelUse = .ifPresent) throws {
        self.schema = schema
        self.header = header
        let names = header.map(trimmedName)
        func index(of column: String, role: String, required: Bool) throws -> Int? {
            let hits = names.indices.filter { names[$0] == column }
            if hits.count > 1 {
                throw SchemaError.duplicateColumn(
                    at: SourceLocation(file: file, line: 1, column: hits[1] + 1), column: column)
            }
            if let hit = hits.first { return hit }
            guard required else { return nil }
            let suggestion =
                names.first { $0.lowercased() == column.lowercased() }
                ?? names.first { $0.lowercased().replacingSpaces == column.lowercased().replacingSpaces }
            throw SchemaError.missingColumn(
                at: SourceLocation(file: file, line: 1), column: column, role: role, suggestion: suggestion)
        }
        idIndex = try schema.id.flatMap { try index(of: $0, role: "id", required: true) }
        labelIndex =
            label == .ignored
            ? nil : try schema.label.flatMap { try index(of: $0.column, role: "label", required: label == .required) }
        featureIndices = try schema.features.map {
            try index(of: $0.column, role: "\($0.kind.rawValue) feature", required: true)!
        }
    }

    /// The 1-based CSV column of feature `i`, for messages.
    public func column(ofFeature i: Int) -> Int { featureIndices[i] + 1 }
}

extension String {
    /// Spaces and underscores removed: `Claim ID` and `claim_id` suggest each other.
    fileprivate var replacingSpaces: String { String(filter { $0 != " " && $0 != "_" }) }
}
