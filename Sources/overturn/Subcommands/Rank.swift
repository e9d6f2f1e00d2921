import ArgumentParser
import Foundation
import Overturn

struct Rank: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rank",
        abstract: "Order a backlog of denials by what appealing each is worth, near deadlines first.",
        discussion: """
            Scores every claim of INPUT and works out its expected value (probability × amount at \
            stake − --appeal-cost) and days left to appeal. The --capacity claims with the largest \
            expected values, among those worth appealing (expected value above zero, deadline not \
            passed), are selected, and the worklist puts them first, those due within --urgent-days \
            ahead of the rest; then the other claims worth appealing, those not worth the cost, \
            without an amount, or past their deadline. Each claim gets its three largest reasons; \
            each selected claim the change to its file that would raise its probability: the \
            cheapest changes that reach --target, or else the single change that gains most for its \
            cost (the schema's actionable columns, as `overturn explain` finds them).

            Days left come from --deadline-column (the deadline's date), or --denial-date-column \
            (the denial's date plus the plan type's window), or by default --days-column (days \
            since the denial: 180 − days_to_appeal for a commercial plan), counted from --as-of.

            Writes OUTPUT (CSV) and a one-page Markdown report beside it (OUTPUT with .md); rows \
            that cannot be ranked go to OUTPUT.rejects.csv with their line, column and reason.

              overturn rank denials.csv --capacity 40 -o worklist.csv
              overturn rank denials.csv --capacity 40 --appeal-cost 150 --window medicaid=90
              overturn rank export.csv --model ours.json --denial-date-column denied_on --as-of 2026-12-01
            """)

    @Argument(help: "The denials to rank (CSV).")
    var input: String

    @Option(help: "The model file; default: the shipped one (as `overturn score`).")
    var model: String?

    @Option(name: [.short, .customLong("output")], help: "The worklist CSV to write, or - for standard output.")
    var output: String = "worklist.csv"

    @Option(
        help: ArgumentHelp("The Markdown report to write; default OUTPUT with .md (none for -).", valueName: "file"))
    var report: String?

    @Option(help: "How many appeals can be filed this round; default: every claim worth it.")
    var capacity: Int?

    @Option(help: ArgumentHelp("What filing one appeal costs, in the amount's currency.", valueName: "dollars"))
    var appealCost: Double = 0

    @Option(help: ArgumentHelp("The day to count days left from (YYYY-MM-DD); default today.", valueName: "date"))
    var asOf: String?

    @Option(help: "The column holding the amount at stake.")
    var amountColumn = "billed_amount"

    @Option(help: "The column holding the days since the denial.")
    var daysColumn = "days_to_appeal"

    @Option(help: ArgumentHelp("A column holding the denial's date (YYYY-MM-DD).", valueName: "column"))
    var denialDateColumn: String?

    @Option(help: ArgumentHelp("A column holding the appeal deadline (YYYY-MM-DD).", valueName: "column"))
    var deadlineColumn: String?

    @Option(help: "The column holding the plan type, which sets the window to appeal.")
    var planColumn = "plan_type"

    @Option(
        help: ArgumentHelp(
            "Days to appeal for a plan type, as PLAN=DAYS (repeat). Defaults: commercial, self_funded and marketplace 180, medicare_advantage 65, medicaid 60, va_community_care 90.",
            valueName: "plan=days"))
    var window: [String] = []

    @Option(help: "Days to appeal for plan types without a window.")
    var defaultWindow = 180

    @Option(help: "A claim worth appealing is urgent when its deadline is this many days away or nearer.")
    var urgentDays = 14

    @Option(help: "The probability the suggested changes aim for.")
    var target = 0.5

    @Option(help: "Threads to score and search on.")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @OptionGroup(title: "Input")
    var inputOptions: InputOptions

    @OptionGroup(title: "Output")
    var quietOption: QuietOption

    func validate() throws {
        if let capacity, capacity < 0 { throw ValidationError("--capacity must be 0 or more") }
        guard appealCost >= 0 && appealCost.isFinite else { throw ValidationError("--appeal-cost must be ≥ 0") }
        guard urgentDays >= 0 else { throw ValidationError("--urgent-days must be 0 or more") }
        guard defaultWindow >= 0 else { throw ValidationError("--default-window must be 0 or more") }
        guard target > 0 && target < 1 else { throw ValidationError("--target must be between 0 and 1") }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        guard denialDateColumn == nil || deadlineColumn == nil else {
            throw ValidationError("give --denial-date-column or --deadline-column, not both")
        }
        if let asOf, CalendarDay(asOf) == nil { throw ValidationError("--as-of takes a date as YYYY-MM-DD") }
        _ = try windows()
    }

    func windows() throws -> AppealWindows {
        var byPlan = AppealWindows.standard
        for w in window {
            let parts = w.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let days = Int(parts[1]), days >= 0 else {
                throw ValidationError("--window takes PLAN=DAYS, e.g. medicaid=90 (got \"\(w)\")")
            }
            byPlan[String(parts[0])] = days
        }
        return AppealWindows(byPlan: byPlan, otherwise: defaultWindow)
    }

    /// Where days left come from.
    enum Clock {
        case deadline(column: Int), denialDate(column: Int), daysSince(column: Int), none
    }

    func run() throws {
        let started = Date()
        BLASThreads.endIdleThreads()
        let modelPath = try model ?? DefaultModel.path()
        let file = try ModelFile.load(path: modelPath)
        let reader = try inputOptions.reader(input)
        let header = reader.header
        let bound = try BoundSchema(file.extractor.schema, header: header, file: reader.file, label: .ignored)
        func column(_ name: String, _ option: String, required: Bool) throws -> Int? {
            if let k = header.firstIndex(of: name) { return k }
            guard required else { return nil }
            throw CommandFailure(
                "\(reader.file): line 1: no column \"\(name)\" (\(option)); the columns are \(header.joined(separator: ", "))"
            )
        }
        let amount = try column(amountColumn, "--amount-column", required: true)!
        let plan = try column(planColumn, "--plan-column", required: false)
        let clock: Clock
        if let name = deadlineColumn {
            clock = .deadline(column: try column(name, "--deadline-column", required: true)!)
        } else if let name = denialDateColumn {
            clock = .denialDate(column: try column(name, "--denial-date-column", required: true)!)
        } else if let k = try column(daysColumn, "--days-column", required: false) {
            clock = .daysSince(column: k)
        } else {
            clock = .none
        }
        let clockColumn: Int? =
            switch clock {
            case .deadline(let k), .denialDate(let k), .daysSince(let k): k
            case .none: nil
            }
        let today = asOf.flatMap { CalendarDay($0) } ?? .today
        let windows = try windows()

        // Read and score.
        Terminal.progress("reading \(reader.file)…")
        let rejects = RejectsFile(path: (output == "-" ? "worklist" : output) + ".rejects.csv")
        var problems: [RowProblem] = []
        let keep = [amount, plan ?? amount, clockColumn ?? amount]
        var batch = try file.extractor.transform(reader, bound: bound, keeping: keep) { problems.append($0) }
        var claims: [Worklist.Claim] = []
        var usable: [Int] = []
        for r in 0..<batch.matrix.rowCount {
            let fields = batch.kept[(r * 3)..<(r * 3 + 3)].map { $0.trimmingCharacters(in: .whitespaces) }
            func problem(_ k: Int, _ what: String) {
                let excerpt = fields[k].count > 24 ? String(fields[k].prefix(24)) + "…" : fields[k]
                problems.append(
                    RowProblem(
                        SourceLocation(file: reader.file, line: batch.lines[r], column: keep[k] + 1),
                        "\(what); got \"\(excerpt)\""))
            }
            var value: Double?
            if !fields[0].isEmpty {
                guard let v = Double(fields[0]), v >= 0, v.isFinite else {
                    problem(0, "the amount at stake (\(amountColumn)) is not a number ≥ 0")
                    continue
                }
                value = v
            }
            let window = windows.days(plan: plan == nil ? nil : fields[1])
            var daysLeft: Int?
            if !fields[2].isEmpty {
                switch clock {
                case .deadline:
                    guard let day = CalendarDay(fields[2]) else {
                        problem(2, "the deadline is not a date as YYYY-MM-DD")
                        continue
                    }
                    daysLeft = day.number - today.number
                case .denialDate:
                    guard let day = CalendarDay(fields[2]) else {
                        problem(2, "the denial date is not a date as YYYY-MM-DD")
                        continue
                    }
                    daysLeft = day.number + window - today.number
                case .daysSince:
                    guard let days = Int(fields[2]), days >= 0 else {
                        problem(2, "the days since the denial (\(daysColumn)) are not a whole number ≥ 0")
                        continue
                    }
                    daysLeft = window - days
                case .none:
                    break
                }
            }
            usable.append(r)
            claims.append(Worklist.Claim(probability: 0, amount: value, daysLeft: daysLeft))
        }
        if usable.count < batch.matrix.rowCount { batch = batch.rows(usable) }
        for p in problems.sorted(by: { $0.location.line < $1.location.line }) { try rejects.add(p) }

        Terminal.progress("scoring \(grouped(claims.count)) claims…")
        let probabilities = file.scorer(width: file.extractor.width).probabilities(batch.matrix, threads: threads)
        for r in claims.indices { claims[r].probability = probabilities[r] }
        let worklist = Worklist(
            claims, options: Worklist.Options(capacity: capacity, appealCost: appealCost, urgentDays: urgentDays))

        Terminal.progress("explaining…")
        let explainer = Explainer(file, threads: threads)
        let explanations = explainer.explain(batch.matrix, threads: threads)
        let reasons = explanations.indices.map { r in
            explainer.words(explanations[r], row: r, of: batch.matrix, first: 3)
        }
        let selected = worklist.entries.filter(\.selected).map(\.claim)
        Terminal.progress("finding what would raise the \(grouped(selected.count)) selected claims…")
        let finder = RecourseFinder(
            file, excluding: Set([daysColumn, denialDateColumn, deadlineColumn].compactMap { $0 }))
        let found = finder.find(FeatureMatrix(rows: selected, of: batch.matrix), target: target, threads: threads)
        var action: [Int: String] = [:]
        for (claim, recourse) in zip(selected, found) {
            // The cheapest changes that reach the target, else the single change that gains most per unit of cost.
            let gain = { (o: Recourse.Option) in (o.probability - recourse.probability) / max(o.cost, 1e-9) }
            if let best = recourse.plan ?? recourse.singles.max(by: { gain($0) < gain($1) }) {
                action[claim] = recourse.words(best)
            }
        }
        Terminal.endProgress()

        // The worklist.
        let out = try OutputFile(path: output)
        try out.write(
            "rank,claim_id,selected,status,probability,amount,expected_value,days_left,deadline,reason_1,reason_2,reason_3,best_action\n"
        )
        for e in worklist.entries {
            let c = claims[e.claim]
            // Numbers as they are (a spreadsheet reads -20 as a number); text made safe to open.
            let numbers = [
                String(format: "%.6f", c.probability), c.amount.map { String(format: "%.2f", $0) } ?? "",
                e.expectedValue.map { String(format: "%.2f", $0) } ?? "", c.daysLeft.map(String.init) ?? "",
                c.daysLeft.map { (today + $0).text } ?? "",
            ]
            var text = (0..<3).map { $0 < reasons[e.claim].count ? reasons[e.claim][$0] : "" }
            text.append(action[e.claim] ?? "")
            let fields =
                [String(e.rank), csvTextField(batch.ids[e.claim]), e.selected ? "yes" : "no", e.status.words]
                + numbers + text.map(csvTextField)
            try out.write(fields.joined(separator: ",") + "\n")
        }
        let reportPath = report ?? (output == "-" ? nil : Self.markdownPath(output))
        var reportFile: OutputFile?
        if let reportPath {
            reportFile = try OutputFile(path: reportPath)
            try reportFile!.write(
                markdown(
                    worklist, claims: claims, ids: batch.ids, reasons: reasons, actions: action, model: modelPath,
                    file: file, today: today, rejected: problems.count))
        }
        try rejects.finish()
        try out.commit()
        try reportFile?.commit()
        Terminal.say(
            "ranked \(grouped(claims.count)) claims of \(reader.file) with \(modelPath); \(grouped(selected.count)) selected"
                + (reportPath.map { "; report in \($0)" } ?? "")
                + String(format: ", in %.1f s", Date().timeIntervalSince(started)))
        if !problems.isEmpty {
            Terminal.error("\(grouped(problems.count)) rows were not ranked; see \(rejects.path)")
            throw ExitCode(1)
        }
    }

    /// `worklist.csv` → `worklist.md`; any other name gets `.md` added.
    static func markdownPath(_ output: String) -> String {
        output.hasSuffix(".csv") ? String(output.dropLast(4)) + ".md" : output + ".md"
    }

    // MARK: - The report

    func markdown(
        _ worklist: Worklist, claims: [Worklist.Claim], ids: [String], reasons: [[String]], actions: [Int: String],
        model: String, file: ModelFile, today: CalendarDay, rejected: Int
    ) -> String {
        func money(_ v: Double) -> String {
            let whole = Int(v.rounded())
            return (whole < 0 ? "−$" : "$") + grouped(abs(whole))
        }
        func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        let selected = worklist.entries.filter(\.selected)
        var out = "# Appeal worklist, \(today.text)\n\n"
        let calibration = file.calibrator.map { "\($0.method.rawValue)-calibrated" } ?? "uncalibrated"
        out +=
            "\(grouped(claims.count)) denials from `\(cell(input))`, scored with `\(cell(model))` (\(file.kind), \(calibration)). "
        out += "Expected value = probability × amount − \(money(appealCost)) per appeal. "
        out +=
            capacity.map { "Capacity: \(grouped($0)) appeals. " }
            ?? "No capacity given: every claim worth it is selected. "
        out += "Selected by expected value; urgent ones (due within \(urgentDays) days) come first.\n\n"
        out += "| group | claims | expected wins | expected recovery |\n|---|---:|---:|---:|\n"
        func row(_ name: String, _ entries: [Worklist.Entry]) {
            let (wins, recovery) = Worklist.expected(entries, claims: claims)
            out += "| \(name) | \(grouped(entries.count)) | \(String(format: "%.1f", wins)) | \(money(recovery)) |\n"
        }
        row("**selected**", selected)
        for status in Worklist.Status.allCases {
            row(status.words, worklist.entries.filter { $0.status == status })
        }
        if rejected > 0 { out += "\n\(grouped(rejected)) rows could not be ranked: see the rejects file.\n" }
        out += "\n## Appeal first\n\n"
        out +=
            "| # | claim | probability | amount | expected value | days left | top reasons | what to add to the file |\n"
        out += "|---:|---|---:|---:|---:|---:|---|---|\n"
        for e in selected.prefix(50) {
            let c = claims[e.claim]
            let days = c.daysLeft.map { "\($0)" + (e.status == .urgent ? " (urgent)" : "") } ?? "–"
            out += "| \(e.rank) | \(cell(ids[e.claim])) | \(Recourse.percent(c.probability)) | "
            out += "\(c.amount.map(money) ?? "–") | \(e.expectedValue.map(money) ?? "–") | \(days) | "
            out += "\(cell(reasons[e.claim].joined(separator: "; "))) | \(cell(actions[e.claim] ?? "–")) |\n"
        }
        if selected.count > 50 {
            out += "\n…and \(grouped(selected.count - 50)) more selected claims in the worklist CSV.\n"
        }
        if selected.isEmpty { out += "No claim is worth appealing at this cost.\n" }
        out += """

            Reasons are in points of probability (how much each input moved this claim from the \
            average claim). The suggested change is the cheapest that lifts the claim to \
            \(Recourse.percent(target)), or, when none does, the single change that gains most for \
            its cost. Probabilities come from past outcomes: they rank claims, they do not \
            promise results.

            """
        return out
    }
}
