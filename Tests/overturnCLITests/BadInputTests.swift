import Foundation
import Testing

/// The catalogue of bad inputs (issue 9): each gets correct handling or a clear error naming the
/// file, line and column, never a crash, a hang or a partial output file.
@Suite struct BadInputTests {
    /// Two good claims (lines 2 and 3 of a file with the claims header).
    static let good = [
        "C1,Aetna,medicare_advantage,SC,96365;J3490,JZ,F41.1,experimental_investigational,1,0,1,560.46,71,1,2,0",
        "C2,Cigna Healthcare,marketplace,SC,95811;36556,,R10.9;J45.909,medical_necessity,1,0,2,167.75,176,0,0,0",
    ]

    struct Run {
        var status: Int32
        var err: String
        /// The output file, nil when none was written.
        var out: String?
        var rejects: String?
    }

    /// Writes `bytes` as in.csv in a fresh folder and runs `overturn` with `arguments`.
    func run(_ bytes: Data, _ arguments: [String] = ["score", "in.csv", "-o", "out.csv"]) throws -> Run {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        try bytes.write(to: folder.appendingPathComponent("in.csv"))
        let result = try overturn(arguments, in: folder)
        func read(_ name: String) -> String? {
            try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        let expected: Set = ["in.csv", "out.csv", "out.csv.rejects.csv", "out.md"]  // out.md: rank's report
        let leftovers = try files(in: folder).filter { !expected.contains($0) }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        return Run(status: result.status, err: result.err, out: read("out.csv"), rejects: read("out.csv.rejects.csv"))
    }

    func run(_ text: String, _ arguments: [String] = ["score", "in.csv", "-o", "out.csv"]) throws -> Run {
        try run(Data(text.utf8), arguments)
    }

    func claims(_ rows: [String]) -> String { ([claimsHeader] + rows).joined(separator: "\n") + "\n" }

    @Test func emptyFile() throws {
        let r = try run("")
        #expect(r.status != 0)
        #expect(r.err.contains("in.csv:1: the file is empty; expected a header row naming the columns"))
        #expect(r.out == nil)
    }

    @Test func headerOnly() throws {
        let scored = try run(claims([]))
        #expect(scored.status == 0)
        #expect(scored.out == "claim_id,probability\n")
        let trained = try run(claims([]), ["train", "in.csv", "-o", "out.csv"])
        #expect(trained.status != 0)
        #expect(trained.err.contains("in.csv: cannot train: there are no training rows"))
        #expect(trained.out == nil)
    }

    @Test func missingRequiredColumn() throws {
        let r = try run(claims(Self.good).replacingOccurrences(of: ",payer,", with: ",insurer,"))
        #expect(r.status != 0)
        #expect(r.err.contains("in.csv:1: the header has no column \"payer\""))
        #expect(r.out == nil)
    }

    @Test func duplicatedRequiredColumn() throws {
        let text = ([claimsHeader + ",payer"] + Self.good.map { $0 + ",Aetna" }).joined(separator: "\n")
        let r = try run(text)
        #expect(r.status != 0)
        #expect(r.err.contains("in.csv:1:17: the header names the column \"payer\" more than once"))
        #expect(r.out == nil)
    }

    @Test func wrongFieldCount() throws {
        let r = try run(claims([Self.good[0], "C9,Aetna,commercial", Self.good[1]]))
        #expect(r.status == 1)
        #expect(r.rejects == "line,column,reason\n3,4,\"too few fields: found 3, expected 16 as in the header\"\n")
        #expect(r.out?.split(separator: "\n").map { $0.prefix(3) } == ["cla", "C1,", "C2,"])
    }

    @Test func unterminatedQuoteAtEndOfFile() throws {
        let r = try run(claimsHeader + "\n" + Self.good[0] + "\nC3,\"Aetna,commercial")
        #expect(r.status != 0)
        #expect(r.err.contains("in.csv:3:2: quoted field never closed: the file ends inside it"))
        #expect(r.out == nil && r.rejects == nil)
    }

    @Test func hundredMegabyteField() throws {
        var text = claimsHeader + "\n" + Self.good[0] + "\nC3,"
        text += String(repeating: "A", count: 100 << 20)
        text += String(Self.good[0].dropFirst(8)).replacingOccurrences(of: "C1", with: "") + "\n" + Self.good[1] + "\n"
        let r = try run(text)
        #expect(r.status == 1)
        #expect(
            r.rejects?.hasPrefix("line,column,reason\n3,,\"the row is longer than the limit of 16777216 bytes") == true)
        #expect(r.out?.split(separator: "\n").count == 3)  // the header and the two good claims
    }

    @Test func theRowLimitIsConfigurable() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "400", "--seed", "3", "-o", "c.csv"], in: folder)
        var text = try String(contentsOf: folder.appendingPathComponent("c.csv"), encoding: .utf8)
        text += "C999," + String(repeating: "P", count: 20 << 20) + String(Self.good[1].dropFirst(19)) + "\n"
        try text.write(to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        // On two threads the file is read in ranges; each range keeps the limit.
        let limited = try overturn(["train", "c.csv", "--threads", "2", "-o", "m.json"], in: folder)
        #expect(limited.status == 0)
        let rejects = try String(contentsOf: folder.appendingPathComponent("m.json.rejects.csv"), encoding: .utf8)
        #expect(rejects.hasPrefix("line,column,reason\n402,,\"the row is longer than the limit of 16777216 bytes"))
        let raised = try overturn(
            ["train", "c.csv", "--threads", "2", "--max-row-bytes", "40000000", "-o", "m2.json"], in: folder)
        #expect(raised.status == 0)
        #expect(raised.err.contains("401 rows × "))
        #expect(!(try files(in: folder)).contains("m2.json.rejects.csv"))
    }

    @Test func binaryGarbage() throws {
        // The same bytes every run: a linear congruential generator.
        var state: UInt32 = 12345
        let garbage = Data(
            (0..<4096).map { _ -> UInt8 in
                state = state &* 1_103_515_245 &+ 12345
                return UInt8(truncatingIfNeeded: state >> 16)
            })
        let asFile = try run(garbage)
        #expect(asFile.status != 0)
        #expect(asFile.err.contains("in.csv:1:"))
        #expect(asFile.out == nil)
        // After a good header, the garbage is rejected line by line, never scored.
        let afterHeader = try run(Data((claimsHeader + "\n").utf8) + garbage)
        #expect(afterHeader.status != 0)
        #expect(afterHeader.out == nil || afterHeader.out == "claim_id,probability\n")
        if let rejects = afterHeader.rejects {
            #expect(rejects.split(separator: "\n").dropFirst().allSatisfy { $0.first!.isNumber })
        }
    }

    @Test func invalidUTF8() throws {
        var bytes = Data(claims([Self.good[0]]).utf8)
        bytes += Data("C2,Aet".utf8) + Data([0xFF, 0xFE]) + Data(Self.good[1].dropFirst(8).utf8) + Data("\n".utf8)
        let r = try run(bytes)
        #expect(r.status == 1)
        #expect(r.rejects == "line,column,reason\n3,2,the field is not valid UTF-8; save the file as UTF-8\n")
        #expect(r.out?.split(separator: "\n").count == 2)
    }

    @Test func utf16WithByteOrderMark() throws {
        var bytes = Data([0xFF, 0xFE])
        for unit in claims(Self.good).utf16 { bytes += Data([UInt8(unit & 0xFF), UInt8(unit >> 8)]) }
        let r = try run(bytes)
        #expect(r.status != 0)
        #expect(r.err.contains("in.csv:1: the file is UTF-16; save it as UTF-8"))
        #expect(r.out == nil)
    }

    @Test func carriageReturnOnlyLineEnds() throws {
        let lf = try run(claims(Self.good))
        let cr = try run(claims(Self.good).replacingOccurrences(of: "\n", with: "\r"))
        #expect(cr.status == 0)
        #expect(cr.out == lf.out && lf.out?.split(separator: "\n").count == 3)
    }

    @Test func nonNumericOrNegativeCounts() throws {
        let negative = Self.good[0].replacingOccurrences(of: ",1,0,1,560.46,", with: ",1,0,-3,560.46,")
        let words = Self.good[1].replacingOccurrences(of: ",1,0,2,167.75,", with: ",1,two,2,167.75,")
        let r = try run(claims([negative, words]))
        #expect(r.status == 1)
        let lines = r.rejects?.split(separator: "\n") ?? []
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[1].hasPrefix("2,11,\"failed_medications: "))
        #expect(lines.count == 3 && lines[2].hasPrefix("3,10,\"prior_appeals: \"\"two\"\" is not a number"))
        #expect(r.out == "claim_id,probability\n")
    }

    @Test func notANumberAndInfinityStrings() throws {
        let nan = Self.good[0].replacingOccurrences(of: ",1,0,1,560.46,", with: ",1,0,NaN,560.46,")
        let inf = Self.good[1].replacingOccurrences(of: "167.75", with: "inf")
        let r = try run(claims([nan, inf]))
        #expect(r.status == 1)
        #expect(
            r.rejects == """
                line,column,reason
                2,11,"failed_medications: ""NaN"" is not a finite number"
                3,12,"billed_amount: ""inf"" is not a finite number"

                """)
    }

    @Test func datesOutOfRange() throws {
        let text =
            ([claimsHeader + ",deadline"] + [Self.good[0] + ",2026-13-45", Self.good[1] + ",3026-01-01"])
            .joined(separator: "\n") + "\n"
        let r = try run(
            text, ["rank", "in.csv", "--deadline-column", "deadline", "--as-of", "2026-11-29", "-o", "out.csv"])
        #expect(r.status == 1)
        let lines = r.rejects?.split(separator: "\n") ?? []
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[1].hasPrefix("2,17,\"the deadline is not a date as YYYY-MM-DD; got "))
        #expect(lines.count == 3 && lines[2].hasPrefix("3,17,"))
        #expect(r.out?.split(separator: "\n").count == 1)  // the worklist's header only
    }

    @Test func codesWithStrayWhitespaceOrLowerCaseAreNormalized() throws {
        let clean = try run(claims(Self.good))
        let messy = try run(
            claims([
                Self.good[0].replacingOccurrences(of: "96365;J3490,JZ,F41.1", with: " 96365 ; j3490 ,jz, f41.1 "),
                Self.good[1].replacingOccurrences(of: "R10.9;J45.909", with: "r109; j45.909"),
            ]))
        #expect(messy.status == 0)
        #expect(messy.out == clean.out)
    }

    @Test func labelColumnInAScoringFileIsIgnored() throws {
        let labelled = try run(claims(Self.good))
        let flipped = try run(claims(Self.good.map { String($0.dropLast()) + "1" }))
        let withoutColumn = try run(
            ([claimsHeader.replacingOccurrences(of: ",outcome", with: "")] + Self.good.map { String($0.dropLast(2)) })
                .joined(separator: "\n") + "\n")
        #expect(labelled.status == 0 && withoutColumn.status == 0)
        #expect(labelled.out == flipped.out)
        #expect(labelled.out == withoutColumn.out)
        // Not even read: a value that is no label at all rejects nothing, when scoring, ranking or
        // explaining.
        let unreadable = claims(Self.good.map { String($0.dropLast()) + "maybe" })
        #expect(try run(unreadable).out == labelled.out)
        for command in ["rank", "explain"] {
            let arguments = [command, "in.csv", "-o", "out.csv"]
            let (plain, odd) = (try run(claims(Self.good), arguments), try run(unreadable, arguments))
            #expect(odd.status == 0 && odd.rejects == nil, "\(command): \(odd.err)")
            #expect(odd.out == plain.out, "\(command)")
        }
    }

    @Test func scoringFileWithoutTheLabelIsFine() throws {
        let text =
            ([claimsHeader.replacingOccurrences(of: ",outcome", with: "")] + Self.good.map { String($0.dropLast(2)) })
            .joined(separator: "\n")  // and no newline at the end
        let r = try run(text)
        #expect(r.status == 0)
        #expect(r.out?.split(separator: "\n").count == 3)
        #expect(r.rejects == nil)
    }
}

/// The same answer every time (issue 9): model files byte for byte whatever the threads, scores
/// whatever the threads and chunks.
@Suite struct DeterminismTests {
    @Test(arguments: [
        ["--algorithm", "logistic"], ["--algorithm", "logistic", "--solver", "lbfgs"],
        ["--algorithm", "trees", "--trees", "30", "--row-subsample", "0.8", "--column-subsample", "0.8"],
        ["--algorithm", "trees", "--trees", "20", "--calibrate", "isotonic"],
    ])
    func trainingGivesTheSameFileOnAnyNumberOfThreads(options: [String]) throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "6000", "--seed", "9", "-o", "c.csv"], in: folder)
        let fixed = ["SOURCE_DATE_EPOCH": "1764460800"]
        var files: [Data] = []
        for threads in ["1", "2"] {
            let r = try overturn(
                ["train", "c.csv", "--threads", threads, "-o", "m\(threads).json"] + options, in: folder,
                environment: fixed)
            try #require(r.status == 0, "\(r.err)")
            files.append(try Data(contentsOf: folder.appendingPathComponent("m\(threads).json")))
        }
        #expect(files[0] == files[1])
        #expect(String(decoding: files[0], as: UTF8.self).contains("\"date\" : \"2025-11-30T00:00:00Z\""))
    }

    @Test func scoringGivesTheSameBytesOnAnyThreadsAndChunks() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try overturn(["generate", "--rows", "3000", "--seed", "9", "-o", "c.csv"], in: folder)
        // With reasons, and without them down to a row per chunk (a chunk of one row still pays for
        // a whole block of explanations, which is slow under the sanitizers).
        for (reasons, runs) in [
            ("2", [("1", "262144"), ("2", "262144"), ("1", "5000"), ("2", "77777")]),
            ("0", [("1", "262144"), ("2", "1"), ("2", "333")]),
        ] {
            var outputs: Set<Data> = []
            for (threads, chunk) in runs {
                let r = try overturn(
                    [
                        "score", "c.csv", "--reasons", reasons, "--threads", threads, "--chunk-bytes", chunk, "-o",
                        "s.csv",
                    ],
                    in: folder)
                try #require(r.status == 0, "\(r.err)")
                outputs.insert(try Data(contentsOf: folder.appendingPathComponent("s.csv")))
            }
            #expect(outputs.count == 1, "--reasons \(reasons)")
        }
    }
}

/// What Overturn says about claims (issue 9): errors quote a value only as a short excerpt, and
/// `--quiet` prints nothing but errors.
@Suite struct PrivacyTests {
    @Test func errorsQuoteAtMostAShortExcerptOfAValue() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // Each column in turn holds a long private value.
        let good = BadInputTests.good[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let secret = "PATIENT" + String(repeating: "z", count: 80) + "END"
        let rows = good.indices.map { k -> String in
            var fields = good
            fields[k] = secret
            return fields.joined(separator: ",")
        }
        try ([claimsHeader] + rows).joined(separator: "\n").write(
            to: folder.appendingPathComponent("c.csv"), atomically: true, encoding: .utf8)
        var said = ""
        for arguments in [
            ["validate", "c.csv"], ["score", "c.csv", "-o", "s.csv"], ["score", "c.csv", "--strict", "-o", "t.csv"],
            ["train", "c.csv", "-o", "m.json"], ["rank", "c.csv", "-o", "w.csv"],
        ] {
            let r = try overturn(arguments, in: folder)
            said += r.out + r.err
        }
        for name in try files(in: folder) where name.hasSuffix(".rejects.csv") {
            said += try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
        }
        #expect(said.contains("PATIENT"))  // the excerpts are there...
        #expect(!said.contains("END"))  // ...but never the whole value
        #expect(!said.contains("PATIENT" + String(repeating: "z", count: 24)))
    }

    @Test func quietPrintsNothingButErrors() throws {
        let folder = try makeFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let commands = [
            ["generate", "--rows", "500", "-o", "c.csv"], ["train", "c.csv", "-o", "m.json"],
            ["score", "c.csv", "--model", "m.json", "-o", "s.csv"], ["validate", "c.csv"],
            ["rank", "c.csv", "--model", "m.json", "-o", "w.csv"],
            ["evaluate", "c.csv", "--algorithm", "logistic", "-o", "e.txt"],
            ["explain", "c.csv", "--model", "m.json", "-o", "x.txt"],
        ]
        for command in commands {
            let loud = try overturn(command, in: folder)
            let quiet = try overturn(command + ["--quiet"], in: folder)
            #expect(loud.status == 0 && quiet.status == 0, "\(command)")
            #expect(!(loud.err + loud.out).isEmpty || command[0] == "validate", "\(command)")
            #expect(quiet.err.isEmpty && quiet.out.isEmpty, "\(command): \(quiet.err)\(quiet.out)")
        }
        // Errors still come through.
        try (claimsHeader + "\n" + "C1,Aetna,commercial\n").write(
            to: folder.appendingPathComponent("bad.csv"), atomically: true, encoding: .utf8)
        let failed = try overturn(["score", "bad.csv", "--model", "m.json", "-o", "b.csv", "-q"], in: folder)
        #expect(failed.status == 1)
        #expect(failed.err == "error: 1 rows were not scored; see b.csv.rejects.csv\n")
    }
}
