import Foundation
import Testing

/// `overturn train --calibrate`, `overturn evaluate` and `overturn rank`, end to end.
@Suite struct EvaluateRankTests {
    @Test func trainCalibrated() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "2000", "--seed", "3", "-o", "c.csv"], in: folder)
        let trained = try overturn(
            ["train", "c.csv", "--calibrate", "isotonic", "--calibration-folds", "4", "-o", "m.json"], in: folder)
        try #require(trained.status == 0, "\(trained.err)")
        #expect(trained.err.contains("; isotonic calibration on 4 folds;"))
        let inspected = try overturn(["inspect", "m.json"], in: folder)
        #expect(inspected.out.contains("calibration: isotonic, "))
        #expect(inspected.out.contains(", fitted on the out-of-fold margins of 4 folds"))
        let bad = try overturn(["train", "c.csv", "--calibrate", "spline", "-o", "x.json"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.err.contains("--calibrate"))
        #expect(try files(in: folder) == ["c.csv", "m.json"])
    }

    @Test func evaluateFoldsSplitAndModel() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "3000", "--seed", "3", "-o", "c.csv"], in: folder)

        let folds = try overturn(["evaluate", "c.csv", "--folds", "3", "--trees", "20"], in: folder)
        try #require(folds.status == 0, "\(folds.err)")
        #expect(folds.out.hasPrefix("c.csv: 3-fold stratified cross-validation over 3,000 rows; "))
        let header = folds.out.split(separator: "\n")[1]
        #expect(header.contains("logistic") && header.contains("trees"))
        for row in [
            "AUC", "  95% interval", "log loss", "Brier score", "calibration error (ECE)", "lift, top 10%", "0.9–1.0",
        ] {
            #expect(folds.out.contains("\n" + row), "\(row)")
        }

        let split = try overturn(
            [
                "evaluate", "c.csv", "--algorithm", "logistic", "--split-by", "claim_id", "--test-from",
                "CLM0000002001", "--json", "--plot", "plots",
            ], in: folder)
        try #require(split.status == 0, "\(split.err)")
        let report = try JSONSerialization.jsonObject(with: Data(split.out.utf8)) as! [String: Any]
        #expect(
            report["design"] as? String
                == "train: claim_id < CLM0000002001 (2,000 rows); test: claim_id ≥ CLM0000002001 (1,000 rows)")
        let models = report["models"] as! [[String: Any]]
        #expect(models.map { $0["name"] as? String } == ["logistic"])
        let evaluation = models[0]["evaluation"] as! [String: Any]
        let auc = (evaluation["metrics"] as! [String: Any])["auc"] as! Double
        let interval = evaluation["aucInterval"] as! [String: Double]
        #expect(auc > 0.6 && auc < 0.95)
        #expect(interval["lower"]! < auc && auc < interval["upper"]!)
        #expect((evaluation["calibration"] as! [Any]).count == 10)
        for plot in ["roc.svg", "reliability.svg"] {
            let svg = try String(contentsOf: folder.appendingPathComponent("plots/\(plot)"), encoding: .utf8)
            #expect(svg.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\""))
            #expect(svg.contains("logistic ("))
        }

        // A model file as it is, on the same test rows: the same numbers as training it here.
        _ = try overturn(["generate", "--rows", "2000", "--seed", "3", "-o", "train.csv"], in: folder)
        let trained = try overturn(["train", "train.csv", "-o", "m.json"], in: folder)
        try #require(trained.status == 0)
        let measured = try overturn(
            [
                "evaluate", "c.csv", "--model", "m.json", "--split-by", "claim_id", "--test-from", "CLM0000002001",
                "--json",
            ],
            in: folder)
        try #require(measured.status == 0, "\(measured.err)")
        let again = try JSONSerialization.jsonObject(with: Data(measured.out.utf8)) as! [String: Any]
        let metrics =
            ((again["models"] as! [[String: Any]])[0]["evaluation"] as! [String: Any])["metrics"] as! [String: Any]
        #expect(abs(metrics["auc"] as! Double - auc) < 1e-12)

        let piped = try overturn(
            ["evaluate", "-", "--algorithm", "logistic", "--split-by", "claim_id", "--test-from", "CLM0000002001"],
            in: folder, stdin: "")
        #expect(piped.status != 0)
        #expect(piped.err.contains("evaluate reads INPUT 2 times here"))

        let missing = try overturn(["evaluate", "c.csv", "--split-by", "year", "--test-from", "2013"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.err.contains("c.csv: line 1: no column \"year\" to split by"))
        let empty = try overturn(
            ["evaluate", "c.csv", "--split-by", "claim_id", "--test-from", "ZZZ", "--algorithm", "logistic"], in: folder
        )
        #expect(empty.status != 0)
        #expect(empty.err.contains("leaves 3,000 training and 0 test rows"))
    }

    @Test func rankSmallBacklog() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "3000", "--seed", "3", "-o", "past.csv"], in: folder)
        try #require(try overturn(["train", "past.csv", "-o", "m.json"], in: folder).status == 0)
        // Commercial plans have 180 days to appeal, Medicare Advantage 65.
        let rows = [
            "A1,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,2000.00,30,1,1,",  // 150 days left
            "A2,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,9000.00,170,1,1,",  // 10 left: urgent
            "A3,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,5000.00,200,1,1,",  // past deadline
            "A4,Cigna Healthcare,medicare_advantage,TX,99214,,F33.1,not_covered,1,0,0,40.00,10,0,0,",  // not worth $100
            "A5,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,,30,1,1,",  // no amount
            "A6,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,3000.00,20,0,0,",
            "A7,Aetna,commercial,CA,96365;J3490,,F33.2,medical_necessity,1,0,4,lots,20,0,0,",  // rejected
        ]
        try (claimsHeader + "\n" + rows.joined(separator: "\n") + "\n")
            .write(to: folder.appendingPathComponent("denials.csv"), atomically: true, encoding: .utf8)
        let ranked = try overturn(
            [
                "rank", "denials.csv", "--model", "m.json", "--capacity", "2", "--appeal-cost", "100", "--as-of",
                "2026-11-29", "-o", "w.csv",
            ], in: folder)
        #expect(ranked.status == 1)  // one row rejected
        #expect(ranked.err.contains("ranked 6 claims of denials.csv with m.json; 2 selected; report in w.md"))
        #expect(ranked.err.contains("1 rows were not ranked; see w.csv.rejects.csv"))
        let rejects = try String(contentsOf: folder.appendingPathComponent("w.csv.rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("line,column,reason\n8,12,"))

        let lines = try String(contentsOf: folder.appendingPathComponent("w.csv"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(
            lines[0].prefix(9).joined(separator: ",")
                == "rank,claim_id,selected,status,probability,amount,expected_value,days_left,deadline")
        let table = lines.dropFirst()
        #expect(table.count == 6)
        #expect(table.map { $0[0] } == ["1", "2", "3", "4", "5", "6"])
        let byID = Dictionary(uniqueKeysWithValues: table.map { ($0[1], $0) })
        #expect(byID["A2"]![3] == "urgent" && byID["A2"]![7] == "10" && byID["A2"]![8] == "2026-12-09")
        #expect(byID["A1"]![7] == "150")
        #expect(byID["A3"]![3] == "past deadline" && byID["A3"]![7] == "-20")
        #expect(byID["A4"]![3] == "not worth the cost")
        #expect(byID["A5"]![3] == "no amount" && byID["A5"]![6] == "")
        for row in table where !row[5].isEmpty {
            let expected = Double(row[4])! * Double(row[5])! - 100
            #expect(abs(Double(row[6])! - expected) < 0.006)
        }
        // The two largest expected values among A1, A2, A6 are selected, the urgent one first.
        let worth = ["A1", "A2", "A6"].sorted { Double(byID[$0]![6])! > Double(byID[$1]![6])! }
        let selected = table.filter { $0[2] == "yes" }.map { $0[1] }
        #expect(Set(selected) == Set(worth.prefix(2)))
        if selected.contains("A2") { #expect(selected.first == "A2") }
        #expect(table.suffix(3).map { $0[1] } == ["A4", "A5", "A3"])
        #expect(table.allSatisfy { !$0[9].isEmpty })  // a first reason for every claim

        let report = try String(contentsOf: folder.appendingPathComponent("w.md"), encoding: .utf8)
        #expect(
            report.hasPrefix(
                "# Appeal worklist, 2026-11-29\n\n6 denials from `denials.csv`, scored with `m.json` (logistic, uncalibrated)."
            ))
        #expect(report.contains("| **selected** | 2 |"))
        #expect(report.contains("| past deadline | 1 |"))
        #expect(report.contains("| not worth the cost | 1 |"))
        #expect(report.contains("1 rows could not be ranked"))
        let listed = report.split(separator: "\n").filter { $0.hasPrefix("| 1 |") || $0.hasPrefix("| 2 |") }
        #expect(listed.count == 2)
        for (line, id) in zip(listed, selected) { #expect(line.contains("| \(id) |")) }
        #expect(!report.contains("| A3 |"))

        // Windows are configurable; a bad date is an error before anything is written.
        let longer = try overturn(
            [
                "rank", "denials.csv", "--model", "m.json", "--window", "commercial=365", "--as-of", "2026-11-29", "-o",
                "w2.csv",
            ],
            in: folder)
        #expect(longer.status == 1)
        let w2 = try String(contentsOf: folder.appendingPathComponent("w2.csv"), encoding: .utf8)
        #expect(w2.contains(",A3,yes,") && w2.contains(",165,2027-05-13,"))
        let badDate = try overturn(["rank", "denials.csv", "--as-of", "2026-02-30", "-o", "w3.csv"], in: folder)
        #expect(badDate.status != 0)
        #expect(badDate.err.contains("--as-of takes a date as YYYY-MM-DD"))
        #expect(!(try files(in: folder)).contains("w3.csv"))
    }
}
