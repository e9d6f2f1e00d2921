import Foundation
import Testing

@testable import Overturn

private func generate(rows: Int, seed: UInt64, threads: Int = 2, truth: Bool = false) throws -> (
    csv: [UInt8], truth: [UInt8], summary: ClaimsGenerator.Summary
) {
    let folder = try TemporaryFolder()
    let out = try OutputFile(path: folder.path("c.csv"))
    let truthFile = truth ? try OutputFile(path: folder.path("t.csv")) : nil
    let summary = try ClaimsGenerator(seed: seed).write(rows: rows, to: out, truth: truthFile, threads: threads)
    try out.commit()
    try truthFile?.commit()
    let csv = try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.path("c.csv"))))
    let t = truth ? try [UInt8](Data(contentsOf: URL(fileURLWithPath: folder.path("t.csv")))) : []
    return (csv, t, summary)
}

/// FNV-1a, 64 bits.
private func fnv1a(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
    return h
}

@Suite struct ClaimsGeneratorTests {
    @Test func sameSeedSameBytesWhateverTheThreads() throws {
        let a = try generate(rows: 40_000, seed: 7, threads: 1)
        let b = try generate(rows: 40_000, seed: 7, threads: 2)
        #expect(a.csv == b.csv)
        let c = try generate(rows: 40_000, seed: 8)
        #expect(a.csv != c.csv)
        // Pinned: a change that alters the generator's output (and so Datasets/claims-sample.csv and
        // every figure measured on generated data) must update this on purpose.
        #expect(fnv1a(a.csv) == 0x7C6B_1D7B_9167_4C6A)
    }

    @Test func headerAndFirstRowsAreStable() throws {
        let text = String(decoding: try generate(rows: 3, seed: 7).csv, as: UTF8.self)
        let lines = text.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0] == ClaimsGenerator.header)
        #expect(lines[1].hasPrefix("CLM0000000001,"))
        #expect(lines[3].hasPrefix("CLM0000000003,"))
    }

    @Test func documentedBaseRates() throws {
        let rows = 50_000
        let (csv, truth, summary) = try generate(rows: rows, seed: 42, truth: true)
        // Datasets/README.md documents these rates; the tolerances are about 4 standard errors.
        #expect(abs(summary.overturnRate - 0.43) < 0.02)
        #expect(abs(summary.meanTrueProbability - 0.43) < 0.02)
        #expect(abs(summary.overturnRate - summary.meanTrueProbability) < 0.015)

        let reader = try CSVReader(bytes: csv)
        let bound = try BoundSchema(.claims, header: reader.header, file: "c.csv", label: .required)
        var iv = 0, esketamine = 0, letters = 0, level3 = 0
        var payers = Set<String>(), states = Set<String>(), plans = Set<String>(), reasons = Set<String>()
        var count = 0
        while try reader.next() {
            count += 1
            let f = { (name: String) in reader.field(reader.header.firstIndex(of: name)!).string }
            payers.insert(f("payer"))
            states.insert(f("state"))
            plans.insert(f("plan_type"))
            reasons.insert(f("denial_reason"))
            let cpt = f("cpt_codes").split(separator: ";")
            if cpt.contains("96365") { iv += 1 }
            if cpt.contains("G2082") || cpt.contains("G2083") { esketamine += 1 }
            if f("has_medical_necessity_letter") == "1" { letters += 1 }
            if f("appeal_level") == "3" { level3 += 1 }
        }
        _ = bound
        #expect(count == rows)
        // 30% IV ketamine; esketamine 15%; other care can bill 96365 too, rarely.
        #expect(abs(Double(iv) / Double(rows) - 0.30) < 0.015)
        #expect(abs(Double(esketamine) / Double(rows) - 0.15) < 0.01)
        #expect(abs(Double(level3) / Double(rows) - 0.09) < 0.01)
        #expect(abs(Double(letters) / Double(rows) - 0.48) < 0.03)
        #expect(payers.count == 40)
        #expect(states.count == 51)
        #expect(plans.count == 6)
        #expect(reasons.count == 7)
        // The truth file has one probability per claim, in row order.
        let truthLines = String(decoding: truth, as: UTF8.self).split(separator: "\n")
        #expect(truthLines.count == rows + 1)
        #expect(truthLines[1].hasPrefix("CLM0000000001,0."))
    }

    @Test func generatedFileValidatesClean() throws {
        let report = try Validation.run(
            try CSVReader(bytes: try generate(rows: 5000, seed: 1).csv), schema: .claims, requireLabel: true)
        #expect(report.isClean)
        #expect(report.rows == 5000)
    }

    @Test func groundTruthRules() {
        // A late appeal of a timely-filing denial cannot win.
        var c = ClaimsGenerator.Claim()
        c.payer = 0
        c.plan = .commercial
        c.procedures = ["99213"]
        c.diagnoses = ["I10"]
        c.reason = .timelyFiling
        c.daysToAppeal = 200
        c.billedCents = 50_000
        #expect(ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false) == -5)
        // A letter of medical necessity adds its reason's gain, and nothing else changes.
        c.reason = .medicalNecessity
        c.daysToAppeal = 10
        let without = ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false)
        c.letter = true
        let with = ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false)
        #expect(abs(with - without - 1.5) < 1e-12)
        // Failed medications have diminishing returns.
        c.failedMedications = 1
        let one = ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false)
        c.failedMedications = 2
        let two = ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false)
        c.failedMedications = 3
        let three = ClaimsGenerator.logit(c, scenario: .other, hasEMAndProcedure: false)
        #expect(two - one > three - two && three - two > 0)
    }
}
