/// How the columns of a CSV export map onto what Overturn needs: an id, a label, and features.
///
/// Use a built-in schema (`Schema.claims` for the standard claim CSV, `Schema.caIMR` for the
/// California IMR export) or load one from a JSON file that maps any export's columns onto roles:
///
/// ```json
/// {
///   "name": "our-export",
///   "id": "Claim No",
///   "label": { "column": "Result", "positive": ["Won"], "negative": ["Lost"] },
///   "features": [
///     { "column": "Insurer", "kind": "category" },
///     { "column": "Dx", "kind": "codes", "hierarchy": "icd10", "separator": "|" },
///     { "column": "Failed meds", "kind": "number", "integer": true, "minimum": 0,
///       "actionable": { "direction": "increase", "cost": 1, "maximum": 12 } },
///     { "column": "Letter", "kind": "flag", "actionable": { "direction": "increase", "cost": 2 } }
///   ]
/// }
/// ```
///
/// Unknown keys are errors (a misspelt `"actionabel"` must not vanish silently).
public struct Schema: Sendable, Equatable {
    /// A short name, written into model files.
    public var name: String
    /// The column that identifies a row (a claim number), copied to every output.
    public var id: String?
    /// The column with the outcome, needed for training and evaluation, ignored when scoring.
    public var label: LabelSpec?
    /// The columns the models learn from, in this order.
    public var features: [FeatureSpec]

    public init(name: String, id: String?, label: LabelSpec?, features: [FeatureSpec]) {
        self.name = name
        self.id = id
        self.label = label
        self.features = features
    }
}

/// The outcome column and which of its values mean the appeal won.
public struct LabelSpec: Sendable, Equatable {
    public var column: String
    /// Values that mean "overturned" (compared ignoring ASCII case and surrounding spaces).
    public var positive: [String]
    /// Values that mean "upheld". When empty, every other non-blank value does.
    public var negative: [String]

    public init(column: String, positive: [String], negative: [String] = []) {
        self.column = column
        self.positive = positive
        self.negative = negative
    }
}

/// One input column the models learn from.
public struct FeatureSpec: Sendable, Equatable {
    public var column: String
    public var kind: FeatureKind
    /// For `codes`: how codes group into coarser levels.
    public var hierarchy: CodeHierarchy
    /// For `codes`: the separator between codes in a cell.
    public var separator: String
    /// For `number`: whether only whole numbers are valid (counts, days).
    public var integer: Bool
    /// For `number`: the smallest valid value.
    public var minimum: Double?
    /// For `number`: the largest valid value.
    public var maximum: Double?
    /// Whether, and how, the person filing the appeal can change this feature (drives recourse).
    public var actionable: Actionability?
    /// For `number`: a zero (anything within `zeroBand` of it) is read as a missing value, as
    /// LightGBM reads a feature trained with `zero_as_missing=true` (set by `overturn import`).
    public var zeroIsMissing = false

    /// LightGBM's `kZeroThreshold`: values this close to zero are zero.
    public static let zeroBand = 1e-35

    public init(
        column: String, kind: FeatureKind, hierarchy: CodeHierarchy = .none, separator: String = ";",
        integer: Bool = false, minimum: Double? = nil, maximum: Double? = nil,
        actionable: Actionability? = nil
    ) {
        self.column = column
        self.kind = kind
        self.hierarchy = hierarchy
        self.separator = separator
        self.integer = integer
        self.minimum = minimum
        self.maximum = maximum
        self.actionable = actionable
    }

    public static func category(_ column: String) -> FeatureSpec {
        FeatureSpec(column: column, kind: .category)
    }

    public static func codes(_ column: String, _ hierarchy: CodeHierarchy, separator: String = ";") -> FeatureSpec {
        FeatureSpec(column: column, kind: .codes, hierarchy: hierarchy, separator: separator)
    }

    public static func count(_ column: String, maximum: Double? = nil, actionable: Actionability? = nil) -> FeatureSpec
    {
        FeatureSpec(column: column, kind: .number, integer: true, minimum: 0, maximum: maximum, actionable: actionable)
    }

    public static func flag(_ column: String, actionable: Actionability? = nil) -> FeatureSpec {
        FeatureSpec(column: column, kind: .flag, actionable: actionable)
    }
}

/// What a feature column holds.
public enum FeatureKind: String, Sendable, Codable, CaseIterable {
    /// One value from a set (payer, state): one-hot.
    case category
    /// A list of codes (ICD-10, CPT/HCPCS, modifiers): multi-hot at every level of the hierarchy.
    case codes
    /// A number (count, amount, days), with a missing indicator.
    case number
    /// Yes or no (`1`/`0`, `true`/`false`, `yes`/`no`, `y`/`n`), with a missing indicator.
    case flag
}

/// How the codes of a `codes` column group into coarser levels, so rare codes share strength.
public enum CodeHierarchy: String, Sendable, Codable, CaseIterable {
    /// ICD-10(-CM) diagnoses: chapter (F01-F99), 3-character category (F33), full code (F33.2).
    case icd10
    /// CPT and HCPCS Level II procedures: section (Medicine), range (963xx), full code (96365).
    case cpt
    /// No hierarchy: each code is its own column (modifiers, local codes).
    case none
}

/// How a feature may be changed by the person filing an appeal.
public struct Actionability: Sendable, Equatable, Codable {
    public enum Direction: String, Sendable, Codable, CaseIterable {
        case increase, decrease, any
    }

    public var direction: Direction
    /// The cost of one unit of change (a flag's one step), in whatever unit the group uses (hours).
    public var cost: Double
    /// Bounds of the changed value, when tighter than the feature's own.
    public var minimum: Double?
    public var maximum: Double?

    public init(direction: Direction, cost: Double, minimum: Double? = nil, maximum: Double? = nil) {
        self.direction = direction
        self.cost = cost
        self.minimum = minimum
        self.maximum = maximum
    }
}
