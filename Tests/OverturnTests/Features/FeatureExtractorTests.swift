import Foundation
import Testing

@testable import Overturn

/// A small schema with every kind of feature and both code hierarchies.
private let schema = Schema(
    name: "test", id: "id", label: LabelSpec(column: "y", positive: ["1"], negative: ["0"]),
    features: [.category("payer"), .codes("dx", .icd10), .codes("cpt", .cpt), .count("meds"), .flag("letter")])

private let training = """
    id,payer,dx,cpt,meds,letter,y
    a,Aetna,F33.2;F41.1,96365;J3490,3,1,1
    b,Aetna,F33.1,96365,0,0,0
    c,Cigna,F33.2,99214,,yes,1
    d,Cigna,G89.4,96365;99214,2,0,0
    e,Humana,f33.2,,1,,1

    """

private let scoring = """
    id,payer,dx,cpt,meds,letter
    s1,Aetna,F33.2,96365;J3490,3,1
    s2,Kaiser,F41.1;G89.4,,,
    s3,,F33.9,99214;99214,0,no
    """

private func fitted() throws -> FeatureExtractor {
    try FeatureExtractor.fit(
        try CSVReader(text: training, name: "train.csv"), schema: schema, options: FeatureOptions(minCount: 2))
}

/// A row's entries as (column, value) pairs, NaN spelt as such so rows compare.
private func entries(_ m: FeatureMatrix, _ i: Int) -> [String] {
    let row = m.row(i)
    return zip(row.columns, row.values).map { "\($0):\($1.isNaN ? "nan" : String(format: "%g", $1))" }
}

@Suite struct FeatureExtractorTests {
    @Test func vocabularyAndColumnNames() throws {
        let x = try fitted()
        #expect(
            x.columnNames == [
                "payer=Aetna", "payer=Cigna", "payer=(other)", "payer=(missing)",
                "dx chapter=F01-F99", "dx chapter=(other)", "dx category=F33", "dx category=(other)", "dx=F33.2",
                "dx=(other)",
                "dx=(missing)",
                "cpt section=Evaluation and Management", "cpt section=Medicine", "cpt section=(other)",
                "cpt range=963xx", "cpt range=992xx", "cpt range=(other)", "cpt=96365", "cpt=99214", "cpt=(other)",
                "cpt=(missing)",
                "meds", "meds=(missing)", "letter", "letter=(missing)",
            ])
        #expect(x.width == 25)
        #expect(
            x.columnFeature[0] == 0 && x.columnFeature[10] == 1 && x.columnFeature[11] == 2 && x.columnFeature[24] == 4)
    }

    @Test func handCheckedVectors() throws {
        let batch = try fitted().transform(try CSVReader(text: scoring, name: "score.csv"))
        #expect(batch.ids == ["s1", "s2", "s3"])
        #expect(batch.lines == [2, 3, 4])
        #expect(batch.labels.allSatisfy { $0.isNaN })
        let m = batch.matrix
        #expect(m.rowCount == 3)
        // Known values at every level; J3490 is unseen at every level of its hierarchy.
        #expect(
            entries(m, 0) == [
                "0:1", "4:1", "6:1", "8:1", "12:1", "13:1", "14:1", "16:1", "17:1", "19:1", "21:3", "23:1",
            ])
        // Unseen payer, codes unseen below the chapter, an empty code list, missing number and flag.
        #expect(entries(m, 1) == ["2:1", "4:1", "5:1", "7:1", "9:1", "20:1", "21:nan", "22:1", "23:nan", "24:1"])
        // Blank category, a repeated code counted once, zeros not stored.
        #expect(entries(m, 2) == ["3:1", "4:1", "6:1", "9:1", "11:1", "15:1", "18:1"])
    }

    @Test func denseViewMatchesTheSparseRows() throws {
        let m = try fitted().transform(try CSVReader(text: scoring)).matrix
        let dense = m.dense()
        #expect(dense.count == 3 * 25)
        for i in 0..<3 {
            let row = m.denseRow(i)
            #expect(row.map(\.bitPattern) == Array(dense[(i * 25)..<((i + 1) * 25)]).map(\.bitPattern))
            #expect(row[21].isNaN == (i == 1))
        }
        #expect(dense[0 * 25 + 21] == 3)
        #expect(dense[2 * 25 + 0] == 0)
    }

    @Test func encodeDecodeGivesIdenticalVectors() throws {
        let x = try fitted()
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(x)
        let y = try JSONDecoder().decode(FeatureExtractor.self, from: data)
        #expect(y == x)
        #expect(y.columnNames == x.columnNames)
        #expect(try encoder.encode(y) == data)
        let a = try x.transform(try CSVReader(text: scoring)).matrix
        let b = try y.transform(try CSVReader(text: scoring)).matrix
        #expect(a.rowOffsets == b.rowOffsets && a.columns == b.columns)
        #expect(a.values.map(\.bitPattern) == b.values.map(\.bitPattern))
    }

    @Test func decodingRejectsInconsistentBlocks() throws {
        let x = try fitted()
        var json = String(decoding: try JSONEncoder().encode(x), as: UTF8.self)
        json = json.replacingOccurrences(of: "\"offset\":4", with: "\"offset\":5")
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(FeatureExtractor.self, from: Data(json.utf8)) }
    }

    @Test func badRowsAreReportedWithLineAndColumnNotExtracted() throws {
        let text = """
            id,payer,dx,cpt,meds,letter,y
            a,Aetna,F33.2,96365,-2,1,1
            b,Aetna,F33.2,96365,1,1,
            c,Aetna,F33.2,96365,1,1,1,extra
            d,Aetna,F3,96365,1,1,0
            e,Aetna,F33.2,96365,1,maybe,0
            f,Aetna,F33.2,96365,1,1,0
            """
        var problems: [RowProblem] = []
        let batch = try fitted().transform(try CSVReader(text: text, name: "t.csv"), requireLabel: true) {
            problems.append($0)
        }
        #expect(batch.ids == ["f"])
        #expect(batch.labels == [0])
        #expect(batch.matrix.rowCount == 1)
        #expect(
            problems.map(\.description) == [
                "t.csv:2:5: meds: \"-2\" is below the minimum 0",
                "t.csv:3:7: y: the label is blank",
                "t.csv:4:8: too many fields: found 8, expected 7 as in the header",
                "t.csv:5:3: dx: \"F3\" is not \(CodeHierarchy.icd10.expectedForm)",
                "t.csv:6:6: letter: \"maybe\" is not a flag (expected 1 or 0, yes or no, true or false)",
            ])
    }

    @Test func fittingSkipsBadRows() throws {
        let text = training + "f,Zeta,F33.2,96365,-1,1,1\ng,Zeta,F33.2,96365,1,1,1\n"
        var problems: [RowProblem] = []
        let x = try FeatureExtractor.fit(
            try CSVReader(text: text, name: "t.csv"), schema: schema, options: FeatureOptions(minCount: 2)
        ) {
            problems.append($0)
        }
        // Zeta is in two rows, but one of them is rejected, so it stays below minCount.
        #expect(!x.columnNames.contains("payer=Zeta"))
        #expect(problems.map(\.location.line) == [7])
    }

    @Test func chunkedTransformEqualsWholeTransform() throws {
        let x = try fitted()
        let whole = try x.transform(try CSVReader(text: scoring)).matrix
        let reader = try CSVReader(text: scoring)
        let first = try x.transform(reader, maxRows: 2)
        let rest = try x.transform(reader, maxRows: 2)
        #expect(first.ids == ["s1", "s2"] && rest.ids == ["s3"])
        #expect(first.matrix.columns + rest.matrix.columns == whole.columns)
    }

    @Test func claimsSchemaOnGeneratedData() throws {
        let folder = try TemporaryFolder()
        let path = try folder.claims(rows: 5000, seed: 3)
        var problems: [RowProblem] = []
        let x = try FeatureExtractor.fit(try CSVReader(path: path), schema: .claims) { problems.append($0) }
        let batch = try x.transform(try CSVReader(path: path), requireLabel: true) { problems.append($0) }
        #expect(problems.isEmpty)
        #expect(batch.matrix.rowCount == 5000)
        for name in [
            "payer=Aetna", "icd10_codes chapter=F01-F99", "icd10_codes category=F33", "icd10_codes=F33.2",
            "cpt_codes section=Medicine", "cpt_codes range=963xx", "cpt_codes=96365", "modifiers=JZ",
            "has_medical_necessity_letter", "billed_amount=(missing)",
        ] {
            #expect(x.columnNames.contains(name), "\(name)")
        }
        #expect(Set(batch.labels) == [0, 1])
    }

    @Test func fitTransformEqualsFitThenTransform() throws {
        // The fixture's rows, the scoring rows (rare codes that share an (other) column), bad rows.
        let text =
            training
            + "s2,Kaiser,F41.1;G89.4,,,,0\ns3,,F33.9,99214;99214,0,no,1\nbad,Aetna,F3,96365,1,1,1\nb2,Aetna,F33.2,96365,-1,1,0\n"
        for (minCount, requireLabel) in [(2, false), (1, true), (3, true)] {
            let options = FeatureOptions(minCount: minCount)
            var problemsA: [RowProblem] = []
            var problemsB: [RowProblem] = []
            let fitted = try FeatureExtractor.fit(
                try CSVReader(text: text, name: "t.csv"), schema: schema, options: options, requireLabel: requireLabel)
            let a = try fitted.transform(try CSVReader(text: text, name: "t.csv"), requireLabel: requireLabel) {
                problemsA.append($0)
            }
            let (extractor, b) = try FeatureExtractor.fitTransform(
                try CSVReader(text: text, name: "t.csv"), schema: schema, options: options, requireLabel: requireLabel
            ) { problemsB.append($0) }
            #expect(extractor == fitted)
            #expect(b.ids == a.ids && b.lines == a.lines)
            #expect(b.labels.map(\.bitPattern) == a.labels.map(\.bitPattern))
            #expect(b.matrix.rowOffsets == a.matrix.rowOffsets)
            #expect(b.matrix.columns == a.matrix.columns)
            #expect(b.matrix.values.map(\.bitPattern) == a.matrix.values.map(\.bitPattern))
            #expect(problemsB == problemsA)
            #expect(problemsA.count == 2)
        }
    }

    @Test func fitTransformEqualsFitThenTransformOnGeneratedClaims() throws {
        let folder = try TemporaryFolder()
        let path = try folder.claims(rows: 20_000, seed: 9)
        let options = FeatureOptions(minCount: 20)
        let fitted = try FeatureExtractor.fit(try CSVReader(path: path), schema: .claims, options: options)
        let a = try fitted.transform(try CSVReader(path: path))
        let (extractor, b) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, options: options)
        #expect(extractor == fitted)
        #expect(b.matrix.rowOffsets == a.matrix.rowOffsets)
        #expect(b.matrix.columns == a.matrix.columns)
        #expect(b.matrix.values.map(\.bitPattern) == a.matrix.values.map(\.bitPattern))
        #expect(b.ids == a.ids)
    }

    @Test func fitTransformOnTwoThreadsEqualsOneThread() throws {
        // Over 8 MiB, so the file is split; bad rows of both kinds fall in both halves, and a quoted
        // field holds a newline and a comma.
        let folder = try TemporaryFolder()
        let path = try folder.claims(rows: 80_000, seed: 6)
        var lines = try String(contentsOfFile: path, encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        lines[100] = "CLMBAD,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,-1,450,30,1,2,1"
        lines[41_000] = "CLMBAD2,too,few"
        lines[60_000] = "CLMQ,\"Aetna, Inc.\nWest\",commercial,CA,96365,,F33.2,medical_necessity,1,0,1,450,30,1,2,0"
        lines[79_000] = "CLMBAD3,Aetna,commercial,CA,96365,,F3,medical_necessity,1,0,1,450,30,1,2,1"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try expectSameOnOneAndTwoThreads(path)

        // A stray quote in an unquoted field fools the split's quote count: the result must not change.
        lines[20_000] = "CLMS,Aetna 5\" tall,commercial,CA,96365,,F33.2,medical_necessity,1,0,1,450,30,1,2,0"
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try expectSameOnOneAndTwoThreads(path)
    }

    private func expectSameOnOneAndTwoThreads(_ path: String) throws {
        var problems1: [RowProblem] = []
        var problems2: [RowProblem] = []
        let (x1, one) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, requireLabel: true, threads: 1
        ) { problems1.append($0) }
        let (x2, two) = try FeatureExtractor.fitTransform(
            try CSVReader(path: path), schema: .claims, requireLabel: true, threads: 2
        ) { problems2.append($0) }
        #expect(problems1.count >= 3)
        #expect(problems2 == problems1)
        #expect(x2 == x1)
        #expect(two.ids == one.ids && two.lines == one.lines)
        #expect(two.labels.map(\.bitPattern) == one.labels.map(\.bitPattern))
        #expect(two.matrix.rowOffsets == one.matrix.rowOffsets && two.matrix.columns == one.matrix.columns)
        #expect(two.matrix.values.map(\.bitPattern) == one.matrix.values.map(\.bitPattern))
    }

    @Test func aSeparatorOfSeveralBytesIsCheckedLikeOneByte() throws {
        let piped = Schema(
            name: "piped", id: "id", label: LabelSpec(column: "y", positive: ["1"], negative: ["0"]),
            features: [.codes("dx", .icd10, separator: "||")])
        let text = "id,dx,y\na,F33.2||f41.1,1\nb,F33.2||3F3,0\nc,F33.2,0\n"
        var fitProblems: [RowProblem] = []
        var problemsA: [RowProblem] = []
        var problemsB: [RowProblem] = []
        let options = FeatureOptions(minCount: 1)
        let fitted = try FeatureExtractor.fit(
            try CSVReader(text: text, name: "p.csv"), schema: piped, options: options, requireLabel: true
        ) { fitProblems.append($0) }
        let a = try fitted.transform(try CSVReader(text: text, name: "p.csv"), requireLabel: true) {
            problemsA.append($0)
        }
        let (extractor, b) = try FeatureExtractor.fitTransform(
            try CSVReader(text: text, name: "p.csv"), schema: piped, options: options, requireLabel: true
        ) { problemsB.append($0) }
        // The invalid code rejects row b everywhere, and its valid codes are not counted.
        #expect(fitProblems.map(\.description) == ["p.csv:3:2: dx: \"3F3\" is not \(CodeHierarchy.icd10.expectedForm)"])
        #expect(problemsA == fitProblems && problemsB == fitProblems)
        #expect(extractor == fitted)
        #expect(a.ids == ["a", "c"] && b.ids == a.ids)
        #expect(b.matrix.columns == a.matrix.columns)
        #expect(fitted.columnNames.contains("dx=F41.1"))
    }
}
