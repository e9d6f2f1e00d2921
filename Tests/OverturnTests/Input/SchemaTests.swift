import Foundation
import Testing

@testable import Overturn

private func decode(_ json: String) throws -> Schema {
    try Schema.decode(Data(json.utf8), file: "s.json")
}

/// The message a schema JSON fails with.
private func failure(_ json: String) -> String {
    do {
        _ = try decode(json)
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Suite struct SchemaTests {
    @Test func builtInSchemasAreValidAndRoundTrip() throws {
        for schema in Schema.builtIn {
            try schema.check()
            let data = try JSONEncoder().encode(schema)
            #expect(try Schema.decode(data, file: "x") == schema)
        }
    }

    @Test func userSchemaFile() throws {
        let folder = try TemporaryFolder()
        let path = try folder.write(
            "s.json",
            """
            {
              "name": "our-export",
              "id": "Claim No",
              "label": { "column": "Result", "positive": ["Won"], "negative": ["Lost"] },
              "features": [
                { "column": "Insurer", "kind": "category" },
                { "column": "Dx", "kind": "codes", "hierarchy": "icd10", "separator": "|" },
                { "column": "Failed meds", "kind": "number", "integer": true, "minimum": 0,
                  "actionable": { "direction": "increase", "cost": 1, "maximum": 12 } },
                { "column": "Letter", "kind": "flag", "actionable": { "direction": "increase", "cost": 2 } }
              ]
            }
            """)
        let schema = try Schema.resolve(path)
        #expect(schema.name == "our-export")
        #expect(schema.label == LabelSpec(column: "Result", positive: ["Won"], negative: ["Lost"]))
        #expect(schema.features[1] == .codes("Dx", .icd10, separator: "|"))
        #expect(schema.features[2].integer && schema.features[2].minimum == 0)
        #expect(schema.features[2].actionable == Actionability(direction: .increase, cost: 1, maximum: 12))
        #expect(schema.features[3].kind == .flag)
    }

    @Test func badSchemasNameTheProblemAndThePlace() {
        let base = #"{"name": "x", "features": [FEATURE]}"#
        func feature(_ f: String) -> String { base.replacingOccurrences(of: "FEATURE", with: f) }
        #expect(
            failure(#"{"name": "x", "features": [{"column": "a", "kind": "category", "actionabel": {}}]}"#)
                == #"s.json: features[0].actionabel: unknown key "actionabel"; expected one of: column, kind, hierarchy, separator, integer, minimum, maximum, actionable, zeroIsMissing"#
        )
        #expect(
            failure(feature(#"{"column": "a", "kind": "text"}"#))
                == #"s.json: features[0].kind: not a valid value for "kind"; expected one of: category, codes, number, flag"#
        )
        #expect(failure(feature(#"{"column": "a"}"#)) == "s.json: features[0].kind: is required")
        #expect(
            failure(feature(#"{"column": "a", "kind": "category", "hierarchy": "icd10"}"#))
                == #"s.json: features[0].hierarchy: "hierarchy" applies to kind codes, not category"#)
        #expect(
            failure(feature(#"{"column": 3, "kind": "number"}"#)) == "s.json: features[0].column: expected a string")
        #expect(
            failure(feature(#"{"column": "a", "kind": "number", "minimum": 5, "maximum": 1}"#))
                == "s.json: features[0].maximum: is below the minimum 5.0")
        #expect(
            failure(feature(#"{"column": "a", "kind": "flag", "actionable": {"direction": "up", "cost": 1}}"#))
                == #"s.json: features[0].actionable.direction: not a valid value for "direction"; expected one of: increase, decrease, any"#
        )
        #expect(
            failure(feature(#"{"column": "a", "kind": "flag", "actionable": {"direction": "increase", "cost": 0}}"#))
                == "s.json: features[0].actionable.cost: must be a positive number")
        #expect(failure(#"{"name": "x", "features": []}"#) == "s.json: features: must list at least one feature")
        #expect(
            failure(#"{"name": "x", "id": "a", "features": [{"column": "a", "kind": "category"}]}"#)
                == #"s.json: features[0].column: column "a" is already used by id"#)
        #expect(
            failure(
                #"{"name": "x", "label": {"column": "y", "positive": ["1"], "negative": ["1"]}, "features": [{"column": "a", "kind": "category"}]}"#
            )
                == #"s.json: label.negative: "1" is listed as both positive and negative"#)
        #expect(failure("{\"name\": ").hasPrefix("s.json: the schema is not valid JSON"))
    }

    @Test func unknownSchemaName() {
        #expect(throws: SchemaError.unknown(name: "claimz")) { try Schema.resolve("claimz") }
    }

    @Test func bindingFindsColumnsAndReportsMissingOnes() throws {
        let header = ClaimsGenerator.header.split(separator: ",").map(String.init)
        let bound = try BoundSchema(.claims, header: header, file: "c.csv", label: .required)
        #expect(bound.idIndex == 0)
        #expect(bound.labelIndex == 15)
        #expect(bound.featureIndices == Array(1...14))
        #expect(try BoundSchema(.claims, header: header, file: "c.csv", label: .ignored).labelIndex == nil)

        var renamed = header
        renamed[1] = "Payer"
        #expect(
            throws: SchemaError.missingColumn(
                at: SourceLocation(file: "c.csv", line: 1), column: "payer", role: "category feature",
                suggestion: "Payer")
        ) {
            try BoundSchema(.claims, header: renamed, file: "c.csv")
        }
        // A scoring file may lack the label, a training file may not.
        let unlabeled = Array(header.dropLast())
        #expect(try BoundSchema(.claims, header: unlabeled, file: "c.csv").labelIndex == nil)
        #expect(throws: SchemaError.self) {
            try BoundSchema(.claims, header: unlabeled, file: "c.csv", label: .required)
        }
        // A column the schema uses may not appear twice.
        #expect(
            throws: SchemaError.duplicateColumn(at: SourceLocation(file: "c.csv", line: 1, column: 17), column: "payer")
        ) {
            try BoundSchema(.claims, header: header + ["payer"], file: "c.csv")
        }
    }

    @Test func detectsBuiltInSchemasFromTheHeader() {
        let claims = ClaimsGenerator.header.split(separator: ",").map(String.init)
        #expect(Schema.detect(header: claims)?.name == "claims")
        #expect(Schema.detect(header: Array(claims.dropLast()))?.name == "claims")
        let imr = [
            "Reference ID", "Report Year", "Diagnosis Category", "Diagnosis Sub Category", "Treatment Category",
            "Treatment Sub Category", "Determination", "Type", "Age Range", "Patient Gender",
        ]
        #expect(Schema.detect(header: imr)?.name == "ca-imr")
        #expect(Schema.detect(header: ["a", "b"]) == nil)
    }
}

@Suite struct ZeroIsMissingTests {
    @Test func aZeroReadsAsMissingOnlyWhereTheSchemaSaysSo() throws {
        let plain = FeatureSpec(column: "n", kind: .number)
        var zero = plain
        zero.zeroIsMissing = true
        zero.column = "z"
        let schema = Schema(name: "z", id: nil, label: nil, features: [plain, zero])
        // The flag survives a round trip, and only number features may carry it.
        let decoded = try JSONDecoder().decode(Schema.self, from: JSONEncoder().encode(schema))
        #expect(decoded.features.map(\.zeroIsMissing) == [false, true])
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(
                FeatureSpec.self, from: Data(#"{"column": "c", "kind": "category", "zeroIsMissing": true}"#.utf8))
        }
        let folder = try TemporaryFolder()
        let path = try folder.write("z.csv", "n,z\n0,0\n0,1e-36\n2,-0\n,3\n")
        let extractor = try FeatureExtractor.fit(CSVReader(path: path), schema: schema)
        let batch = try extractor.transform(CSVReader(path: path))
        // Columns: n, n missing, z, z missing.
        let rows = (0..<4).map { batch.matrix.denseRow($0).map { $0.isNaN ? -1 : $0 } }
        #expect(rows == [[0, 0, -1, 1], [0, 0, -1, 1], [2, 0, -1, 1], [-1, 1, 3, 0]])
    }
}
