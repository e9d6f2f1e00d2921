extension Schema {
    /// The standard claim CSV of DESIGN.md (what `overturn generate` writes).
    ///
    /// Actionable features are the ones an advocate can change before filing: documenting more
    /// failed medications, adding a letter of medical necessity or peer-reviewed citations, escalating
    /// the appeal level, filing sooner. Costs are in rough hours of an advocate's work per unit.
    public static let claims = Schema(
        name: "claims",
        id: "claim_id",
        label: LabelSpec(column: "outcome", positive: ["1", "overturned"], negative: ["0", "upheld"]),
        features: [
            .category("payer"),
            .category("plan_type"),
            .category("state"),
            .codes("cpt_codes", .cpt),
            .codes("modifiers", .none),
            .codes("icd10_codes", .icd10),
            .category("denial_reason"),
            FeatureSpec(
                column: "appeal_level", kind: .number, integer: true, minimum: 1, maximum: 3,
                actionable: Actionability(direction: .increase, cost: 4)),
            .count("prior_appeals"),
            .count("failed_medications", actionable: Actionability(direction: .increase, cost: 1, maximum: 20)),
            FeatureSpec(column: "billed_amount", kind: .number, minimum: 0),
            .count("days_to_appeal", actionable: Actionability(direction: .decrease, cost: 0.05, minimum: 0)),
            .flag("has_medical_necessity_letter", actionable: Actionability(direction: .increase, cost: 2)),
            .count("peer_reviewed_citations", actionable: Actionability(direction: .increase, cost: 1.5, maximum: 10)),
        ])

    /// The California DMHC Independent Medical Review export (`Datasets/ca-imr/`).
    ///
    /// `Reference ID` is the id only: its prefix (MN, EI, UR) repeats `Type` and must not be learned
    /// from. Nothing in an IMR decision is actionable after the fact.
    public static let caIMR = Schema(
        name: "ca-imr",
        id: "Reference ID",
        label: LabelSpec(
            column: "Determination", positive: ["Overturned Decision of Health Plan"],
            negative: ["Upheld Decision of Health Plan"]),
        features: [
            FeatureSpec(column: "Report Year", kind: .number, integer: true, minimum: 1990, maximum: 2100),
            .category("Diagnosis Category"),
            .category("Diagnosis Sub Category"),
            .category("Treatment Category"),
            .category("Treatment Sub Category"),
            .category("Type"),
            .category("Age Range"),
            .category("Patient Gender"),
        ])

    /// The built-in schemas, by name.
    public static let builtIn: [Schema] = [.claims, .caIMR]

    /// A built-in schema by name, or else a schema file by path.
    public static func resolve(_ nameOrPath: String) throws -> Schema {
        if let schema = builtIn.first(where: { $0.name == nameOrPath }) { return schema }
        if nameOrPath.hasSuffix(".json") || nameOrPath.contains("/") {
            return try load(path: nameOrPath)
        }
        throw SchemaError.unknown(name: nameOrPath)
    }

    /// The first built-in schema whose id and feature columns are all in `header`.
    public static func detect(header: [String]) -> Schema? {
        let names = Set(header.map(trimmedName))
        return builtIn.first { schema in
            schema.features.allSatisfy { names.contains($0.column) }
                && (schema.id.map { names.contains($0) } ?? true)
        }
    }
}

/// Header names are compared without surrounding spaces.
func trimmedName(_ name: String) -> String {
    var scalars = Substring(name)
    while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(scalars)
}
