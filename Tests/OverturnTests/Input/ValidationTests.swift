import Testing

@testable import Overturn

@Suite struct ValidationTests {
    @Test func listsEveryProblemWithLineAndColumn() throws {
        let header = ClaimsGenerator.header
        let text = """
            \(header)
            C1,Aetna,commercial,CA,96365;j3490,,f33.2,medical_necessity,1,0,3,450.00,30,1,2,1
            C2,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,-1,2.5,NaN,30,maybe,2,1
            ,Aetna,commercial,CA,XYZ,,F33.2,medical_necessity,4,0,0,10,30,0,0,won
            C4,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,0,10,30,0,0
            C5,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,0,10,30,0,0,
            """
        let report = try Validation.run(try CSVReader(text: text, name: "v.csv"), schema: .claims)
        #expect(report.rows == 5)
        #expect(report.rowsWithProblems == 3)
        #expect(
            report.problems.map(\.description) == [
                "v.csv:3:10: prior_appeals: \"-1\" is below the minimum 0",
                "v.csv:3:11: failed_medications: \"2.5\" is not a whole number",
                "v.csv:3:12: billed_amount: \"NaN\" is not a finite number",
                "v.csv:3:14: has_medical_necessity_letter: \"maybe\" is not a flag (expected 1 or 0, yes or no, true or false)",
                "v.csv:4:1: claim_id: the id is blank",
                "v.csv:4:16: outcome: \"won\" is neither a positive value (1, overturned) nor a negative one (0, upheld)",
                "v.csv:4:5: cpt_codes: \"XYZ\" is not \(CodeHierarchy.cpt.expectedForm)",
                "v.csv:4:9: appeal_level: \"4\" is above the maximum 3",
                "v.csv:5:16: too few fields: found 15, expected 16 as in the header",
            ])
        #expect(report.positiveLabels == 2 && report.negativeLabels == 0 && report.blankLabels == 1)
    }

    @Test func requireLabelMakesBlankLabelsProblems() throws {
        let text = "\(ClaimsGenerator.header)\nC1,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,0,10,30,0,0,\n"
        let report = try Validation.run(try CSVReader(text: text, name: "v.csv"), schema: .claims, requireLabel: true)
        #expect(report.problems.map(\.description) == ["v.csv:2:16: outcome: the label is blank"])
    }

    @Test func problemListIsCappedButCounted() throws {
        var text = "\(ClaimsGenerator.header)\n"
        for i in 0..<30 { text += "C\(i),Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,-1,10,30,0,0,1\n" }
        let report = try Validation.run(try CSVReader(text: text), schema: .claims, maxProblems: 10)
        #expect(report.problems.count == 10)
        #expect(report.problemCount == 30)
        #expect(report.rowsWithProblems == 30)
    }
}
