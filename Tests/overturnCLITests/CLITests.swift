import Foundation
import Overturn
import Testing

/// Runs the built `overturn` binary with `arguments` in `folder`, returning its exit status and output.
func overturn(_ arguments: [String], in folder: URL, stdin: String? = nil, environment: [String: String] = [:]) throws
    -> (
        status: Int32, out: String, err: String
    )
{
    let process = Process()
    process.executableURL = productsDirectory.appendingPathComponent("overturn")
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    process.currentDirectoryURL = folder
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (
        process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self)
    )
}

/// Where SwiftPM put the binaries: beside the test bundle.
let productsDirectory: URL = {
    let bundle = Bundle.main.bundleURL
    return bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
}()

/// The header of the standard claim CSV.
let claimsHeader =
    "claim_id,payer,plan_type,state,cpt_codes,modifiers,icd10_codes,denial_reason,appeal_level,prior_appeals,"
    + "failed_medications,billed_amount,days_to_appeal,has_medical_necessity_letter,peer_reviewed_citations,outcome"

/// A fresh folder for one test.
func makeFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("overturn-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

func files(in folder: URL) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
}

@Suite struct CLITests {
    @Test func generateThenValidate() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let generated = try overturn(["generate", "--rows", "2000", "--seed", "5", "-o", "c.csv"], in: folder)
        #expect(generated.status == 0)
        #expect(generated.err.contains("wrote c.csv: 2,000 synthetic claims, seed 5"))
        #expect(try files(in: folder) == ["c.csv"])
        let checked = try overturn(["validate", "c.csv", "--require-label"], in: folder)
        #expect(checked.status == 0)
        #expect(checked.out.hasPrefix("c.csv: 2,000 rows read with schema claims, no problems; labels: "))
    }

    @Test func generateToStandardOutputIsTheSameBytes() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "300", "-o", "c.csv"], in: folder)
        let piped = try overturn(["generate", "--rows", "300"], in: folder)
        #expect(piped.status == 0)
        #expect(piped.out == (try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)))
    }

    @Test func validateListsProblemsAndFails() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text =
            claimsHeader
            + "\nC1,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,-3,450,30,1,2,1\nC2,Aetna,commercial,CA,96365,,f33.2,medical_necessity,1,0,3,450,30,1,2,0\n"
        try text.write(to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let result = try overturn(["validate", "bad.csv"], in: folder)
        #expect(result.status == 1)
        #expect(result.out.contains("bad.csv:2:11: failed_medications: \"-3\" is below the minimum 0\n"))
        #expect(result.out.contains("bad.csv: 2 rows read with schema claims; 1 rows with problems (1 problems)"))
    }

    @Test func validateReadsStandardInput() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try overturn(
            ["validate", "-", "--schema", "ca-imr"], in: folder,
            stdin:
                "Reference ID,Report Year,Diagnosis Category,Diagnosis Sub Category,Treatment Category,Treatment Sub Category,Determination,Type,Age Range,Patient Gender\nMN1,2010,A,,B,,Upheld Decision of Health Plan,Medical Necessity,21-30,Female\n"
        )
        #expect(result.status == 0)
        #expect(result.out.contains("<stdin>: 1 rows read with schema ca-imr, no problems"))
    }

    @Test func clearErrorsForFilesThatCannotBeUsed() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try overturn(["validate", "nope.csv"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.err.contains("nope.csv: cannot open: No such file or directory"))

        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("other.csv"), atomically: true, encoding: .utf8)
        let unknown = try overturn(["validate", "other.csv"], in: folder)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("other.csv:1: no built-in schema fits this header"))

        let wrongSchema = try overturn(["validate", "other.csv", "--schema", "claims"], in: folder)
        #expect(wrongSchema.err.contains("other.csv:1: the header has no column \"claim_id\" (the id)"))
    }

    @Test func failedGenerateLeavesNoPartialFile() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try overturn(["generate", "--rows", "10", "-o", "missing-folder/c.csv"], in: folder)
        #expect(result.status != 0)
        #expect(result.err.contains("missing-folder/c.csv: cannot write"))
        #expect(try files(in: folder).isEmpty)
    }

    @Test func featuresWritesTheMatrixAndRejects() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "500", "-o", "c.csv"], in: folder)
        let ok = try overturn(["features", "c.csv", "-o", "f"], in: folder)
        #expect(ok.status == 0)
        #expect(ok.err.contains("wrote f: 500 rows × "))
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("f").path)
            .sorted()
        #expect(
            names == [
                "columns.txt", "data.npy", "extractor.json", "ids.txt", "indices.npy", "indptr.npy", "labels.npy",
            ])

        // A later file through the fitted extractor; a bad row goes to rejects.csv and the exit is 1.
        var text = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)
        text += "CLMX,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,-3,450,30,1,2,1\n"
        try text.write(to: folder.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let bad = try overturn(["features", "d.csv", "--extractor", "f/extractor.json", "-o", "g"], in: folder)
        #expect(bad.status == 1)
        #expect(bad.err.contains("1 rows rejected (g/rejects.csv)"))
        let rejects = try String(contentsOf: folder.appendingPathComponent("g/rejects.csv"), encoding: .utf8)
        #expect(rejects == "line,column,reason\n502,11,\"failed_medications: \"\"-3\"\" is below the minimum 0\"\n")
    }

    @Test func trainThenScore() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "3000", "--seed", "2", "-o", "train.csv"], in: folder)
        let trained = try overturn(["train", "train.csv", "-o", "m.json"], in: folder)
        #expect(trained.status == 0)
        #expect(trained.err.contains("wrote m.json: logistic regression, 4 iterations"))
        #expect(trained.err.contains("; 3,000 rows × "))
        #expect(try files(in: folder) == ["m.json", "train.csv"])

        // Score a file with a bad row and a formula-like id: the bad row goes to the rejects file.
        var text = try String(contentsOf: folder.appendingPathComponent("train.csv"), encoding: .utf8)
        text += "=HYPERLINK(1),Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,2,450,30,1,2,\n"
        text += "CLMBAD,Aetna,commercial,CA,96365,,F33.2,medical_necessity,9,0,2,450,30,1,2,\n"
        try text.write(to: folder.appendingPathComponent("score.csv"), atomically: true, encoding: .utf8)
        let scored = try overturn(["score", "score.csv", "--model", "m.json", "-o", "out.csv"], in: folder)
        #expect(scored.status == 1)
        #expect(scored.err.contains("1 rows were not scored; see out.csv.rejects.csv"))
        let out = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8).split(
            separator: "\n")
        #expect(out.count == 3002)
        #expect(out[0] == "claim_id,probability")
        #expect(out[3001].hasPrefix("'=HYPERLINK(1),0."))
        let rejects = try String(contentsOf: folder.appendingPathComponent("out.csv.rejects.csv"), encoding: .utf8)
        #expect(rejects == "line,column,reason\n3003,9,\"appeal_level: \"\"9\"\" is above the maximum 3\"\n")
    }

    @Test func trainTreesThenScore() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "3000", "--seed", "2", "-o", "train.csv"], in: folder)
        let trained = try overturn(
            ["train", "train.csv", "--algorithm", "trees", "--trees", "30", "--seed", "4", "-o", "t.json"], in: folder)
        #expect(trained.status == 0)
        #expect(trained.err.contains("wrote t.json: "))
        #expect(trained.err.contains("on 300 validation rows: AUC 0."))
        let model = try ModelFile.load(path: folder.appendingPathComponent("t.json").path)
        guard case .trees(let trees) = model.model else {
            Issue.record("not a trees model")
            return
        }
        #expect(trees.fit?.validation?.rows == 300 && trees.fit?.options.seed == 4)
        let scored = try overturn(["score", "train.csv", "--model", "t.json", "-o", "out.csv"], in: folder)
        #expect(scored.status == 0)
        #expect(scored.err.contains("with t.json (trees)"))
        let out = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(out.split(separator: "\n").count == 3001)

        // A validation file instead of held-out rows.
        _ = try overturn(["generate", "--rows", "500", "--seed", "3", "-o", "valid.csv"], in: folder)
        let validated = try overturn(
            [
                "train", "train.csv", "--algorithm", "trees", "--trees", "20", "--validation", "valid.csv", "-o",
                "v.json",
            ],
            in: folder)
        #expect(validated.status == 0)
        #expect(validated.err.contains("on 500 validation rows: AUC 0."))
        #expect(validated.err.contains("3,000 rows × "))

        let bad = try overturn(
            ["train", "train.csv", "--algorithm", "trees", "--max-bins", "300", "-o", "x.json"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.err.contains("--max-bins must be between 2 and 255"))
        #expect(try files(in: folder) == ["out.csv", "t.json", "train.csv", "v.json", "valid.csv"])
    }

    @Test func inspectSummarizesTheShippedModels() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Models")
        let trees = try overturn(
            ["inspect", models.appendingPathComponent("ca-imr-trees.json").path, "--top", "3"], in: folder)
        #expect(trees.status == 0)
        let lines = trees.out.split(separator: "\n")
        #expect(lines[0].contains("trees model, 200 trees, "))
        #expect(lines.contains { $0.hasPrefix("schema ca-imr: id Reference ID, label Determination, 8 input columns") })
        #expect(lines.contains { $0.hasPrefix("training: 200 trees grown, 200 kept (reached the limit of 200 trees)") })
        #expect(lines.contains("top inputs by share of split gain:"))
        #expect(lines.last?.hasPrefix("  3. ") == true && lines.last?.hasSuffix("%") == true)

        let logistic = try overturn(
            ["inspect", models.appendingPathComponent("claims-logistic.json").path], in: folder)
        #expect(logistic.status == 0)
        #expect(logistic.out.contains("logistic model, 827 weights and an intercept"))
        #expect(logistic.out.contains("top columns by |weight| (log-odds):\n  1. denial_reason=not_covered"))

        let notModel = try overturn(["inspect", models.appendingPathComponent("README.md").path], in: folder)
        #expect(notModel.status != 0)
        #expect(notModel.err.contains("README.md: not an Overturn model file"))
    }

    @Test func importAnXGBoostModelThenScore() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("OverturnTests/Fixtures")
        let imported = try overturn(
            [
                "import", "--from", "xgboost", fixtures.appendingPathComponent("xgboost-small.json").path, "-o",
                "x.json",
            ],
            in: folder)
        #expect(imported.status == 0)
        #expect(imported.err.contains("wrote x.json: 12 trees over 4 number columns"))
        let scored = try overturn(
            ["score", fixtures.appendingPathComponent("xgboost-small.csv").path, "--model", "x.json", "-o", "s.csv"],
            in: folder)
        #expect(scored.status == 0)
        let out = try String(contentsOf: folder.appendingPathComponent("s.csv"), encoding: .utf8).split(separator: "\n")
        let expected = try String(
            contentsOf: fixtures.appendingPathComponent("xgboost-small-expected.csv"), encoding: .utf8
        ).split(separator: "\n")
        #expect(out.count == 101 && out[0] == "line,probability")
        let first = Double(out[1].split(separator: ",")[1])!
        let reference = Double(expected[1].split(separator: ",")[2])!
        #expect(abs(first - reference) < 1e-6)

        let bad = try overturn(["import", "--from", "xgboost", "missing.json", "-o", "y.json"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.err.contains("missing.json: cannot read the model"))
        #expect(try files(in: folder) == ["s.csv", "x.json"])
    }

    @Test func exportTreesToXGBoost() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "2000", "--seed", "5", "-o", "train.csv"], in: folder)
        _ = try overturn(
            ["train", "train.csv", "--algorithm", "trees", "--trees", "10", "--categories", "one-hot", "-o", "o.json"],
            in: folder)
        let exported = try overturn(["export", "--to", "xgboost", "o.json", "-o", "o.xgb.json"], in: folder)
        #expect(exported.status == 0)
        #expect(exported.err.contains("wrote o.xgb.json: "))
        let json = try String(contentsOf: folder.appendingPathComponent("o.xgb.json"), encoding: .utf8)
        #expect(json.hasPrefix("{\"learner\":{"))
        #expect(json.contains("\"objective\":{\"name\":\"binary:logistic\""))

        _ = try overturn(
            ["train", "train.csv", "--algorithm", "trees", "--trees", "10", "--categories", "native", "-o", "n.json"],
            in: folder)
        let native = try overturn(["export", "--to", "xgboost", "n.json", "-o", "n.xgb.json"], in: folder)
        #expect(native.status == 0)
        #expect(native.err.contains("and 4 more (payer (level number), plan_type (level number)"))
        let nativeJSON = try String(contentsOf: folder.appendingPathComponent("n.xgb.json"), encoding: .utf8)
        #expect(nativeJSON.contains("\"split_type\":[1,"))

        // The matrix it reads: the extractor's columns, then the four level numbers.
        let features = try overturn(["features", "train.csv", "--model", "n.json", "-o", "f"], in: folder)
        #expect(features.status == 0)
        let columns = try String(contentsOf: folder.appendingPathComponent("f/columns.txt"), encoding: .utf8)
            .split(separator: "\n")
        #expect(
            columns.suffix(4) == [
                "payer (level number)", "plan_type (level number)", "state (level number)",
                "denial_reason (level number)",
            ])
        let both = try overturn(
            ["features", "train.csv", "--model", "n.json", "--extractor", "f/extractor.json", "-o", "g"], in: folder)
        #expect(both.status != 0 && both.err.contains("give --extractor or --model, not both"))

        _ = try overturn(["train", "train.csv", "--algorithm", "logistic", "-o", "l.json"], in: folder)
        let refused = try overturn(["export", "--to", "xgboost", "l.json", "-o", "l.xgb.json"], in: folder)
        #expect(refused.status != 0)
        #expect(refused.err.contains("l.json: only tree models can be exported to XGBoost"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("l.xgb.json").path))
    }

    @Test func trainingOnOneClassFailsClearly() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let text =
            claimsHeader
            + "\nC1,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,3,450,30,1,2,1\nC2,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,3,450,30,1,2,1\n"
        try text.write(to: folder.appendingPathComponent("one.csv"), atomically: true, encoding: .utf8)
        let result = try overturn(["train", "one.csv", "-o", "m.json"], in: folder)
        #expect(result.status != 0)
        #expect(result.err.contains("one.csv: cannot train: every training row has label 1"))
        #expect(try files(in: folder) == ["one.csv"])
    }

    @Test func scoreReportsAModelFileThatIsNotOne() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{}".write(to: folder.appendingPathComponent("m.json"), atomically: true, encoding: .utf8)
        try "a,b\n1,2\n".write(to: folder.appendingPathComponent("x.csv"), atomically: true, encoding: .utf8)
        let result = try overturn(["score", "x.csv", "--model", "m.json", "-o", "out.csv"], in: folder)
        #expect(result.status != 0)
        #expect(result.err.contains("m.json: not an Overturn model file"))
        #expect(try files(in: folder) == ["m.json", "x.csv"])
    }

    /// The shipped models, from this file's place in the checkout.
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")

    @Test func scoreStreamsTheSameBytesHoweverItIsCut() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "2000", "--seed", "9", "-o", "c.csv"], in: folder)
        // A quoted id with a line break and a comma, and a formula-like payer, near the end.
        var text = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)
        text += "\"CLM\nQ,1\",=cmd|' /C calc'!A0,commercial,CA,96365,,F33.2,medical_necessity,1,0,2,450,30,1,2,\n"
        text += "CLMLAST,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,2,450,30,1,2,\n"
        try text.write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)

        // Without --model: the shipped default, found beside the binary.
        let plain = try overturn(["score", "c.csv", "-o", "default.csv"], in: folder)
        #expect(plain.status == 0)
        #expect(
            plain.err.contains("scored 2,002 rows of c.csv with ") && plain.err.contains("claims-trees.json (trees)"))
        let model = Self.models.appendingPathComponent("claims-trees.json").path
        let expected = try String(contentsOf: folder.appendingPathComponent("default.csv"), encoding: .utf8)
        let lines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "claim_id,probability")
        #expect(lines.count == 2 + 2002 + 1)  // a quoted line break splits one row's id
        #expect(expected.contains("\n\"CLM\nQ,1\",0."))

        for arguments in [["--chunk-bytes", "1"], ["--chunk-bytes", "777", "--threads", "1"], ["--threads", "2"]] {
            let cut = try overturn(["score", "c.csv", "--model", model, "-o", "cut.csv"] + arguments, in: folder)
            #expect(cut.status == 0)
            let out = try String(contentsOf: folder.appendingPathComponent("cut.csv"), encoding: .utf8)
            #expect(out == expected, "\(arguments)")
        }

        // Standard input to standard output.
        let piped = try overturn(["score", "-", "--chunk-bytes", "4096", "-o", "-"], in: folder, stdin: text)
        #expect(piped.status == 0)
        #expect(piped.out == expected)

        // Columns copied through, spreadsheet-safe.
        let kept = try overturn(
            ["score", "c.csv", "--keep", "payer,billed_amount", "--keep", "state", "-o", "kept.csv"], in: folder)
        #expect(kept.status == 0)
        let keptLines = try String(contentsOf: folder.appendingPathComponent("kept.csv"), encoding: .utf8)
            .split(separator: "\n")
        #expect(keptLines[0] == "claim_id,probability,payer,billed_amount,state")
        #expect(keptLines.last?.hasPrefix("CLMLAST,0.") == true)
        #expect(keptLines.last?.hasSuffix(",Aetna,450,CA") == true)
        #expect(keptLines.contains { $0.hasSuffix(",'=cmd|' /C calc'!A0,450,CA") })

        let unknown = try overturn(["score", "c.csv", "--keep", "nope", "-o", "x.csv"], in: folder)
        #expect(unknown.status != 0)
        #expect(unknown.err.contains("c.csv: there is no column nope to keep"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("x.csv").path))
    }

    @Test func scoreRejectsOrStopsAtBadRows() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "300", "--seed", "9", "-o", "c.csv"], in: folder)
        var text = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)
        text += "CLMBAD,Aetna,commercial,CA,96365,,F33.2,medical_necessity,9,0,2,450,30,1,2,\n"
        text += "CLMSHORT,Aetna\n"
        text += "CLMOK,Aetna,commercial,CA,96365,,F33.2,medical_necessity,1,0,2,450,30,1,2,\n"
        try text.write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)

        let listed = try overturn(["score", "c.csv", "--chunk-bytes", "100", "-o", "out.csv"], in: folder)
        #expect(listed.status == 1)
        #expect(listed.err.contains("scored 301 rows"))
        #expect(listed.err.contains("error: 2 rows were not scored; see out.csv.rejects.csv"))
        let rejects = try String(contentsOf: folder.appendingPathComponent("out.csv.rejects.csv"), encoding: .utf8)
        #expect(
            rejects
                == "line,column,reason\n302,9,\"appeal_level: \"\"9\"\" is above the maximum 3\"\n"
                + "303,3,\"too few fields: found 2, expected 16 as in the header\"\n")
        let out = try String(contentsOf: folder.appendingPathComponent("out.csv"), encoding: .utf8)
        #expect(out.split(separator: "\n").last?.hasPrefix("CLMOK,0.") == true)

        // --strict: the first bad row ends the run, and nothing is written.
        let strict = try overturn(["score", "c.csv", "--strict", "-o", "strict.csv"], in: folder)
        #expect(strict.status != 0)
        #expect(strict.err.contains("c.csv:302:9: appeal_level: \"9\" is above the maximum 3 (--strict stops"))
        #expect(try files(in: folder) == ["c.csv", "out.csv", "out.csv.rejects.csv"])

        // An input cut short inside a quote: an error, and no output file.
        try (text + "\"CLMOPEN,Aetna\n").write(
            to: folder.appendingPathComponent("open.csv"), atomically: true, encoding: .utf8)
        let open = try overturn(["score", "open.csv", "-o", "open-scores.csv"], in: folder)
        #expect(open.status != 0)
        #expect(open.err.contains("open.csv:305:1: "))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("open-scores.csv").path))
    }

    /// `explain` with the default model: one claim's waterfall by id and by line, JSON for one and
    /// for all (by column and by feature), and `score --reasons` wording the same reasons.
    @Test func explainAndScoreReasons() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "300", "--seed", "4", "-o", "c.csv"], in: folder)
        var text = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)
        text += "CLMSHORT,Aetna\n"
        try text.write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        let id = String(text.split(separator: "\n")[5].prefix { $0 != "," })  // the claim on line 6

        let byID = try overturn(["explain", "c.csv", "--id", id], in: folder)
        try #require(byID.status == 0, "\(byID.err)")
        let waterfall = byID.out.split(separator: "\n")
        try #require(waterfall.count >= 5)
        #expect(waterfall[0].hasPrefix("\(id) (line 6): ") && waterfall[0].hasSuffix("% chance that an appeal wins"))
        #expect(waterfall[1].hasPrefix("  base rate "))
        #expect(try overturn(["explain", "c.csv", "--row", "6"], in: folder).out == byID.out)

        let one = try overturn(["explain", "c.csv", "--row", "6", "--json"], in: folder)
        let object = try JSONSerialization.jsonObject(with: Data(one.out.utf8)) as! [String: Any]
        #expect(object["id"] as? String == id)
        let contributions = object["contributions"] as! [String: Double]
        #expect(contributions.count == 14)
        let margin = object["margin"] as! Double
        #expect(abs(contributions.values.reduce(object["base"] as! Double, +) - margin) < 1e-9)
        let probability = object["probability"] as! Double
        #expect(waterfall.last { $0.contains(" pts ") }!.hasSuffix(String(format: "%5.1f%%", 100 * probability)))
        // Then the recourse, from the schema's actionable inputs.
        #expect(byID.out.contains("reach 50") || byID.out.contains("Already at or above the target of 50"))
        #expect(object["recourse"] is [String: Any])

        // Every claim, one object per line; the short row goes to the rejects file.
        let all = try overturn(["explain", "c.csv", "--json", "--by", "feature", "-o", "e.jsonl"], in: folder)
        #expect(all.status == 1)
        #expect(all.err.contains("1 rows were not explained; see e.jsonl.rejects.csv"))
        let lines = try String(contentsOf: folder.appendingPathComponent("e.jsonl"), encoding: .utf8)
            .split(separator: "\n")
        try #require(lines.count == 300)
        // The same bytes on one thread.
        _ = try overturn(
            ["explain", "c.csv", "--json", "--by", "feature", "--threads", "1", "-o", "e1.jsonl"], in: folder)
        #expect(
            try String(contentsOf: folder.appendingPathComponent("e1.jsonl"), encoding: .utf8)
                == String(contentsOf: folder.appendingPathComponent("e.jsonl"), encoding: .utf8))
        let fifth = try JSONSerialization.jsonObject(with: Data(lines[4].utf8)) as! [String: Any]
        #expect(fifth["id"] as? String == id)
        let features = fifth["contributions"] as! [String: Double]
        #expect(features.keys.contains { $0.hasPrefix("payer=") })
        #expect(abs(features.values.reduce(fifth["base"] as! Double, +) - margin) < 1e-9)

        // score --reasons 3: the first three reasons of the waterfall, in the same words.
        let scored = try overturn(["score", "c.csv", "--reasons", "3", "-o", "s.csv"], in: folder)
        #expect(scored.status == 1)
        let rows = try String(contentsOf: folder.appendingPathComponent("s.csv"), encoding: .utf8)
            .split(separator: "\n")
        try #require(rows.count == 301)
        #expect(rows[0] == "claim_id,probability,reason_1,reason_2,reason_3")
        let reasons = rows[5].split(separator: ",").dropFirst(2)
        #expect(reasons.count == 3)
        for (reason, step) in zip(reasons, waterfall[2...4]) {
            // `payer = Aetna: -9.1 pts` against `  payer = Aetna   -9.1 pts  ----   41.0%`.
            let words = reason.split(separator: ":")
            #expect(step.hasPrefix("  " + words[0] + " "))
            #expect(step.contains(words[1].trimmingCharacters(in: .whitespaces) + " "))
        }

        let missing = try overturn(["explain", "c.csv", "--id", "NOPE"], in: folder)
        #expect(missing.status != 0)
        #expect(missing.err.contains("c.csv: no claim with id NOPE"))
        let bad = try overturn(["explain", "c.csv", "--row", "302"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.err.contains("c.csv:302:"))
    }

    /// Every compilation of the scoring and TreeSHAP loops (`OVERTURN_KERNEL`; one this processor
    /// cannot run falls back to the best it can) gives the same scores and reasons, byte for byte,
    /// with the shipped default model on the sample.
    @Test func everyKernelWritesTheSameBytes() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = Self.models.deletingLastPathComponent().appendingPathComponent("Datasets/claims-sample.csv")
        var outputs: [String: Data] = [:]
        for kernel in ["portable", "avx2", "avx512"] {
            let run = try overturn(
                ["score", sample.path, "--reasons", "3", "-o", "\(kernel).csv"], in: folder,
                environment: ["OVERTURN_KERNEL": kernel])
            try #require(run.status == 0, "\(run.err)")
            outputs[kernel] = try Data(contentsOf: folder.appendingPathComponent("\(kernel).csv"))
        }
        #expect(outputs["portable"]!.count > 100_000)
        #expect(outputs["avx2"] == outputs["portable"])
        #expect(outputs["avx512"] == outputs["portable"])
    }

    /// A trained model records the SHA-256 of its training file (the sample's bytes are pinned by
    /// the generator's tests), and `inspect` prints it; a model trained from standard input has none.
    @Test func trainingRecordsTheDataHash() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let sample = Self.models.deletingLastPathComponent().appendingPathComponent("Datasets/claims-sample.csv")
        let trained = try overturn(["train", sample.path, "--min-count", "1000", "-o", "m.json"], in: folder)
        try #require(trained.status == 0, "\(trained.err)")
        let inspected = try overturn(["inspect", "m.json"], in: folder)
        #expect(
            inspected.out.contains(
                "training data SHA-256 d299eb4e31214dee0d2815b61a1a9d28cdda4016b3cd1a9fd64ea13527f8e8d6"))
        let text = try String(contentsOf: sample, encoding: .utf8)
        let piped = try overturn(["train", "-", "--min-count", "1000", "-o", "p.json"], in: folder, stdin: text)
        try #require(piped.status == 0, "\(piped.err)")
        #expect(!(try overturn(["inspect", "p.json"], in: folder).out.contains("SHA-256")))
    }
}
