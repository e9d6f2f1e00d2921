/// A value a schema forbids, with what was expected. The field's value appears only as a short,
/// truncated excerpt: claims data is private.
public struct ValueProblem: Error, Sendable, Equatable {
    public var message: String
    /// The 1-based CSV column, once known.
    public var column: Int?

    public init(_ message: String) { self.message = message }
}

/// The rules that turn one field into a typed value, shared by `overturn validate` (which lists
/// every problem) and feature extraction (which rejects the row at the first one).
public enum FieldRules {
    /// What a numeric field holds, checked against a feature's limits (no message: the hot path).
    public enum NumberCheck: Equatable, Sendable {
        case value(Double), missing, notWhole, belowMinimum, aboveMaximum, nonFinite, invalid
    }

    /// Checks a numeric field against `integer`, `minimum` and `maximum` (±∞ for no limit).
    @inline(__always)
    public static func checkNumber(
        _ field: CSVField, integer: Bool, minimum: Double, maximum: Double, zeroIsMissing: Bool = false
    ) -> NumberCheck {
        switch NumberParser.parse(field) {
        case .missing: return .missing
        case .value(let v):
            if zeroIsMissing && abs(v) <= FeatureSpec.zeroBand { return .missing }
            if integer && v != v.rounded(.towardZero) { return .notWhole }
            if v < minimum { return .belowMinimum }
            if v > maximum { return .aboveMaximum }
            return .value(v)
        case .nonFinite: return .nonFinite
        case .invalid: return .invalid
        }
    }

    /// A number, or `nil` when blank; checks `integer`, `minimum` and `maximum`.
    public static func number(_ field: CSVField, _ spec: FeatureSpec) throws(ValueProblem) -> Double? {
        switch checkNumber(
            field, integer: spec.integer, minimum: spec.minimum ?? -.infinity, maximum: spec.maximum ?? .infinity,
            zeroIsMissing: spec.zeroIsMissing)
        {
        case .missing: return nil
        case .value(let v): return v
        case .notWhole: throw ValueProblem("\(spec.column): \(excerpt(field)) is not a whole number")
        case .belowMinimum:
            throw ValueProblem("\(spec.column): \(excerpt(field)) is below the minimum \(format(spec.minimum!))")
        case .aboveMaximum:
            throw ValueProblem("\(spec.column): \(excerpt(field)) is above the maximum \(format(spec.maximum!))")
        case .nonFinite: throw ValueProblem("\(spec.column): \(excerpt(field)) is not a finite number")
        case .invalid:
            throw ValueProblem(
                "\(spec.column): \(excerpt(field)) is not a number\(spec.integer ? " (expected a whole number)" : "")")
        }
    }

    /// A flag as 1 or 0, `nil` when blank, -1 when it is not a flag (no message: the hot path).
    @inline(__always)
    public static func checkFlag(_ field: CSVField) -> Double? {
        let f = field.trimmed
        if f.count == 0 { return nil }
        if f.count <= 5 {
            var word: UInt64 = 0
            for i in 0..<f.count { word = word << 8 | UInt64(asciiLower(f.start[i])) }
            switch word {
            case 0x31, 0x74, 0x79, 0x7965_73, 0x7472_7565: return 1  // 1 t y yes true
            case 0x30, 0x66, 0x6E, 0x6E6F, 0x66_616C_7365: return 0  // 0 f n no false
            default: break
            }
        }
        return -1
    }

    /// A flag as 1 or 0, or `nil` when blank. Accepts 1/0, true/false, yes/no, y/n, t/f in any case.
    public static func flag(_ field: CSVField, _ spec: FeatureSpec) throws(ValueProblem) -> Double? {
        let value = checkFlag(field)
        if value == -1 {
            throw ValueProblem(
                "\(spec.column): \(excerpt(field)) is not a flag (expected 1 or 0, yes or no, true or false)")
        }
        return value
    }

    /// Checks a feature's field by its kind's rule (categories take any value).
    public static func check(_ field: CSVField, _ spec: FeatureSpec, scratch: UnsafeMutablePointer<UInt8>)
        throws(ValueProblem)
    {
        switch spec.kind {
        case .category: break
        case .codes: try codes(field, spec, scratch: scratch) { _ in }
        case .number: _ = try number(field, spec)
        case .flag: _ = try flag(field, spec)
        }
    }

    /// The label as 1 (positive) or 0 (negative), or `nil` when blank.
    public static func label(_ field: CSVField, _ spec: LabelSpec) throws(ValueProblem) -> Float? {
        try label(field, LabelMatcher(spec), spec)
    }

    /// The label with values already prepared by `LabelMatcher` (the per-row path).
    static func label(_ field: CSVField, _ matcher: LabelMatcher, _ spec: LabelSpec) throws(ValueProblem) -> Float? {
        let value = matcher.match(field)
        if value != -1 { return value }
        throw ValueProblem(
            "\(spec.column): \(excerpt(field)) is neither a positive value (\(spec.positive.joined(separator: ", ")))"
                + " nor a negative one (\(spec.negative.joined(separator: ", ")))")
    }

    /// Calls `body` with each normalized code of a code list (blank tokens skipped). An invalid code
    /// is a problem, thrown after the valid codes before it were passed on.
    public static func codes(
        _ field: CSVField, _ spec: FeatureSpec, scratch: UnsafeMutablePointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(ValueProblem) {
        if spec.separator.utf8.count > 1 {
            try codesSplitOnString(field, spec, scratch: scratch, body)
            return
        }
        if let bad = forEachCode(
            field, separator: spec.separator.utf8.first!, hierarchy: spec.hierarchy, scratch: scratch, body)
        {
            throw ValueProblem("\(spec.column): \(excerpt(bad)) is not \(spec.hierarchy.expectedForm)")
        }
    }

    /// The hot path of `codes` for a one-byte separator: returns the first invalid token, or `nil`.
    @inline(__always)
    static func forEachCode(
        _ field: CSVField, separator: UInt8, hierarchy: CodeHierarchy, scratch: UnsafeMutablePointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) -> UnsafeBufferPointer<UInt8>? {
        var tokenStart = 0
        var i = 0
        let n = field.count
        while i <= n {
            if i == n || field.start[i] == separator {
                let token = UnsafeBufferPointer(start: field.start + tokenStart, count: i - tokenStart)
                let length = hierarchy.normalize(token, into: scratch)
                if length < 0 { return token }
                if length > 0 { body(UnsafeBufferPointer(start: scratch, count: length)) }
                tokenStart = i + 1
            }
            i += 1
        }
        return nil
    }

    static func codesSplitOnString(
        _ field: CSVField, _ spec: FeatureSpec, scratch: UnsafeMutablePointer<UInt8>,
        _ body: (UnsafeBufferPointer<UInt8>) -> Void
    ) throws(ValueProblem) {
        for token in field.string.split(separator: spec.separator, omittingEmptySubsequences: false) {
            var token = String(token)
            let length = token.withUTF8 { spec.hierarchy.normalize($0, into: scratch) }
            if length < 0 {
                throw ValueProblem("\(spec.column): \(excerpt(token)) is not \(spec.hierarchy.expectedForm)")
            }
            if length > 0 { body(UnsafeBufferPointer(start: scratch, count: length)) }
        }
    }

    /// A field's value for a message: quoted, at most 24 characters.
    static func excerpt(_ field: CSVField) -> String { excerpt(field.bytes) }

    static func excerpt(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        excerpt(String(decoding: bytes, as: UTF8.self))
    }

    static func excerpt(_ text: String) -> String {
        let limit = 24
        return text.count <= limit ? "\"\(text)\"" : "\"\(text.prefix(limit))…\""
    }

    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
    }
}

/// A label column's values as lower-case bytes, matched without making strings.
struct LabelMatcher: Sendable {
    let positive: [[UInt8]]
    let negative: [[UInt8]]

    init(_ spec: LabelSpec) {
        positive = spec.positive.map { Array(trimmedName($0).lowercased().utf8) }
        negative = spec.negative.map { Array(trimmedName($0).lowercased().utf8) }
    }

    /// 1 positive, 0 negative, `nil` blank, -1 neither.
    func match(_ field: CSVField) -> Float? {
        let f = field.trimmed
        if f.count == 0 { return nil }
        func equal(_ value: [UInt8]) -> Bool {
            guard value.count == f.count else { return false }
            for i in 0..<value.count where asciiLower(f.start[i]) != value[i] { return false }
            return true
        }
        if positive.contains(where: equal) { return 1 }
        if negative.isEmpty || negative.contains(where: equal) { return 0 }
        return -1
    }
}
