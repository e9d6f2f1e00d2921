import Testing

@testable import Overturn

/// Runs `body` with a field holding `text`.
private func withField<T>(_ text: String, _ body: (CSVField) throws -> T) rethrows -> T {
    var text = text
    return try text.withUTF8 {
        try body(CSVField(start: $0.baseAddress ?? UnsafePointer(bitPattern: 1)!, count: $0.count))
    }
}

private func codes(_ text: String, _ hierarchy: CodeHierarchy) throws -> [String] {
    let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
    defer { scratch.deallocate() }
    var out: [String] = []
    try withField(text) { field in
        try FieldRules.codes(field, .codes("c", hierarchy), scratch: scratch) {
            out.append(String(decoding: $0, as: UTF8.self))
        }
    }
    return out
}

@Suite struct FieldRulesTests {
    let count = FeatureSpec.count("failed_medications", maximum: 20)

    @Test func numbersAndTheirLimits() throws {
        #expect(try withField("3") { try FieldRules.number($0, count) } == 3)
        #expect(try withField(" 4 ") { try FieldRules.number($0, count) } == 4)
        #expect(try withField("") { try FieldRules.number($0, count) } == nil)
        #expect(throws: ValueProblem("failed_medications: \"-1\" is below the minimum 0")) {
            try withField("-1") { try FieldRules.number($0, count) }
        }
        #expect(throws: ValueProblem("failed_medications: \"2.5\" is not a whole number")) {
            try withField("2.5") { try FieldRules.number($0, count) }
        }
        #expect(throws: ValueProblem("failed_medications: \"21\" is above the maximum 20")) {
            try withField("21") { try FieldRules.number($0, count) }
        }
        #expect(throws: ValueProblem("failed_medications: \"NaN\" is not a finite number")) {
            try withField("NaN") { try FieldRules.number($0, count) }
        }
        #expect(throws: ValueProblem("failed_medications: \"three\" is not a number (expected a whole number)")) {
            try withField("three") { try FieldRules.number($0, count) }
        }
    }

    @Test func longValuesAreTruncatedInMessages() {
        let long = String(repeating: "9", count: 40) + "x"
        #expect(
            throws: ValueProblem(
                "failed_medications: \"999999999999999999999999…\" is not a number (expected a whole number)")
        ) {
            try withField(long) { try FieldRules.number($0, count) }
        }
    }

    @Test func flags() throws {
        let flag = FeatureSpec.flag("letter")
        for yes in ["1", "true", "TRUE", "Yes", "y", "t", " yes "] {
            #expect(try withField(yes) { try FieldRules.flag($0, flag) } == 1, "\(yes)")
        }
        for no in ["0", "false", "No", "N", "f"] {
            #expect(try withField(no) { try FieldRules.flag($0, flag) } == 0, "\(no)")
        }
        #expect(try withField("") { try FieldRules.flag($0, flag) } == nil)
        #expect(throws: ValueProblem.self) { try withField("maybe") { try FieldRules.flag($0, flag) } }
        #expect(throws: ValueProblem.self) { try withField("2") { try FieldRules.flag($0, flag) } }
    }

    @Test func labels() throws {
        let spec = Schema.claims.label!
        #expect(try withField("1") { try FieldRules.label($0, spec) } == 1)
        #expect(try withField("Overturned") { try FieldRules.label($0, spec) } == 1)
        #expect(try withField("upheld") { try FieldRules.label($0, spec) } == 0)
        #expect(try withField(" ") { try FieldRules.label($0, spec) } == nil)
        #expect(
            throws: ValueProblem(
                "outcome: \"pending\" is neither a positive value (1, overturned) nor a negative one (0, upheld)")
        ) {
            try withField("pending") { try FieldRules.label($0, spec) }
        }
    }

    @Test func codesAreNormalizedNotRejected() throws {
        #expect(try codes("F33.2;F43.10", .icd10) == ["F33.2", "F43.10"])
        #expect(try codes(" f33.2 ; f332;F33", .icd10) == ["F33.2", "F33.2", "F33"])
        #expect(try codes("t14.91xa", .icd10) == ["T14.91XA"])
        #expect(try codes("96365; j3490 ;;0591t", .cpt) == ["96365", "J3490", "0591T"])
        #expect(try codes("25;jz", .none) == ["25", "JZ"])
        #expect(try codes("", .icd10) == [])
    }

    @Test func malformedCodesAreProblems() {
        #expect(throws: ValueProblem("c: \"3F3\" is not \(CodeHierarchy.icd10.expectedForm)")) {
            try codes("F33.2;3F3", .icd10)
        }
        #expect(throws: ValueProblem.self) { try codes("F3", .icd10) }
        #expect(throws: ValueProblem.self) { try codes("F33.12345", .icd10) }
        #expect(throws: ValueProblem.self) { try codes("9636", .cpt) }
        #expect(throws: ValueProblem.self) { try codes("963655", .cpt) }
        #expect(throws: ValueProblem.self) { try codes("J349A", .cpt) }
    }

    @Test func hierarchyLevels() {
        func level(_ code: String, _ h: CodeHierarchy, _ l: Int) -> String {
            var code = code
            let out = UnsafeMutablePointer<UInt8>.allocate(capacity: 128)
            defer { out.deallocate() }
            return code.withUTF8 { c in
                l == 0
                    ? h.groupNames[h.group(of: c.baseAddress!)]
                    : String(
                        decoding: UnsafeBufferPointer(
                            start: out, count: h.levelOneKey(code: c.baseAddress!, into: out)), as: UTF8.self)
            }
        }
        #expect(level("F33.2", .icd10, 0) == "F01-F99")
        #expect(level("F33.2", .icd10, 1) == "F33")
        #expect(level("D64.9", .icd10, 0) == "D50-D89")
        #expect(level("D49.2", .icd10, 0) == "C00-D49")
        #expect(level("H91.90", .icd10, 0) == "H60-H95")
        #expect(level("T14.91XA", .icd10, 0) == "S00-T88")
        #expect(level("96365", .cpt, 0) == "Medicine")
        #expect(level("96365", .cpt, 1) == "963xx")
        #expect(level("99214", .cpt, 0) == "Evaluation and Management")
        #expect(level("70450", .cpt, 0) == "Radiology")
        #expect(level("27447", .cpt, 0) == "Surgery")
        #expect(level("80053", .cpt, 0) == "Pathology and Laboratory")
        #expect(level("00142", .cpt, 0) == "Anesthesia")
        #expect(level("J3490", .cpt, 0) == "HCPCS J (drugs administered other than oral)")
        #expect(level("J3490", .cpt, 1) == "J34xx")
        #expect(level("0591T", .cpt, 0) == "Category III (emerging technology)")
        #expect(level("0591T", .cpt, 1) == "059xxT")
    }
}
