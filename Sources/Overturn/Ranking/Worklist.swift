import Foundation

/// A backlog of denials in the order to work them: what `overturn rank` writes.
///
/// Each claim's expected value is `probability × amount − appealCost`; a claim is worth appealing
/// when that is above zero and its deadline has not passed. The `capacity` claims worth appealing
/// with the largest expected values are selected: a near deadline does not buy a place (a claim
/// not chosen now may be chosen next round, one past its deadline never), but among the selected
/// the urgent ones, due within `urgentDays`, are worked first. Then come the claims worth appealing
/// that did not fit, those not worth the cost, those without an amount, and those past their
/// deadline. Within a group the larger expected value goes first (then the nearer deadline, the
/// higher probability, and finally the order of the input, so the order never depends on chance).
///
/// ```swift
/// let claims = [Worklist.Claim(probability: 0.6, amount: 1200, daysLeft: 9), ...]
/// let ranked = Worklist(claims, options: .init(capacity: 40, appealCost: 150))
/// for entry in ranked.entries where entry.selected { print(entry.claim, entry.expectedValue!) }
/// ```
public struct Worklist: Sendable {
    public struct Options: Sendable, Equatable {
        /// How many claims can be appealed this round; nil for as many as are worth it.
        public var capacity: Int?
        /// What filing one appeal costs, in the amount's currency.
        public var appealCost: Double
        /// A deadline this many days away or nearer makes a claim worth appealing urgent.
        public var urgentDays: Int

        public init(capacity: Int? = nil, appealCost: Double = 0, urgentDays: Int = 14) {
            self.capacity = capacity
            self.appealCost = appealCost
            self.urgentDays = urgentDays
        }
    }

    /// What ranking needs to know about one claim.
    public struct Claim: Sendable, Equatable {
        /// The calibrated probability that its appeal wins.
        public var probability: Double
        /// The amount at stake; nil when the claim does not say.
        public var amount: Double?
        /// Days until the appeal deadline (negative once it has passed); nil when unknown.
        public var daysLeft: Int?

        public init(probability: Double, amount: Double?, daysLeft: Int?) {
            self.probability = probability
            self.amount = amount
            self.daysLeft = daysLeft
        }
    }

    /// Where a claim stands, in the order the groups are ranked.
    public enum Status: Int, Sendable, Comparable, CaseIterable {
        case urgent, worthAppealing, notWorthTheCost, noAmount, pastDeadline

        public static func < (a: Status, b: Status) -> Bool { a.rawValue < b.rawValue }

        /// In words, for the CSV and the report.
        public var words: String {
            switch self {
            case .urgent: "urgent"
            case .worthAppealing: "worth appealing"
            case .notWorthTheCost: "not worth the cost"
            case .noAmount: "no amount"
            case .pastDeadline: "past deadline"
            }
        }
    }

    public struct Entry: Sendable, Equatable {
        /// The claim's index in the input.
        public var claim: Int
        /// From 1.
        public var rank: Int
        public var status: Status
        /// probability × amount − cost; nil without an amount.
        public var expectedValue: Double?
        /// Among the first `capacity` claims worth appealing.
        public var selected: Bool
    }

    public let options: Options
    /// Every claim, in the order to work them.
    public let entries: [Entry]

    public init(_ claims: [Claim], options: Options = Options()) {
        self.options = options
        var entries = claims.enumerated().map { i, c -> Entry in
            let value = c.amount.map { c.probability * $0 - options.appealCost }
            let status: Status
            if let days = c.daysLeft, days < 0 {
                status = .pastDeadline
            } else if let value {
                if value <= 0 {
                    status = .notWorthTheCost
                } else if let days = c.daysLeft, days <= options.urgentDays {
                    status = .urgent
                } else {
                    status = .worthAppealing
                }
            } else {
                status = .noAmount
            }
            return Entry(claim: i, rank: 0, status: status, expectedValue: value, selected: false)
        }
        // Select by expected value alone.
        let byValue = { (a: Entry, b: Entry) -> Bool in
            let (va, vb) = (a.expectedValue ?? -.infinity, b.expectedValue ?? -.infinity)
            if va != vb { return va > vb }
            let (da, db) = (claims[a.claim].daysLeft ?? .max, claims[b.claim].daysLeft ?? .max)
            if da != db { return da < db }
            let (pa, pb) = (claims[a.claim].probability, claims[b.claim].probability)
            if pa != pb { return pa > pb }
            return a.claim < b.claim
        }
        let worth = entries.indices.filter { entries[$0].status <= .worthAppealing }
            .sorted { byValue(entries[$0], entries[$1]) }
        for k in worth.prefix(options.capacity ?? .max) { entries[k].selected = true }
        // Then order: the selected (urgent first), the rest of the claims worth appealing, the others.
        func group(_ e: Entry) -> Int {
            if e.selected { return e.status == .urgent ? 0 : 1 }
            return e.status <= .worthAppealing ? 2 : e.status.rawValue + 1
        }
        entries.sort { a, b in group(a) != group(b) ? group(a) < group(b) : byValue(a, b) }
        for k in entries.indices { entries[k].rank = k + 1 }
        self.entries = entries
    }

    /// The selected claims' expected recovery: Σ probability × amount (before costs).
    public func expectedRecovery(_ claims: [Claim]) -> Double {
        Self.expected(entries.filter(\.selected), claims: claims).recovery
    }

    /// What some entries are expected to bring: wins (Σ probability) and recovery (Σ probability ×
    /// amount, before costs; a claim without an amount adds nothing).
    public static func expected(_ entries: [Entry], claims: [Claim]) -> (wins: Double, recovery: Double) {
        entries.reduce((0, 0)) { sum, e in
            let c = claims[e.claim]
            return (sum.wins + c.probability, sum.recovery + c.probability * (c.amount ?? 0))
        }
    }
}

/// Appeal deadlines: a window of days per plan type, counted from the denial.
///
/// ```swift
/// let deadlines = AppealWindows()              // 180 days unless the plan type says otherwise
/// deadlines.days(plan: "medicare_advantage")   // 65
/// ```
public struct AppealWindows: Sendable, Equatable {
    /// Days to file an appeal, by plan type (as the claims' plan column spells it).
    public var byPlan: [String: Int]
    /// For plan types not listed.
    public var otherwise: Int

    /// The internal-appeal windows of the synthetic claims' world (`Datasets/README.md`): 180 days
    /// for commercial, self-funded and marketplace plans (the ACA's internal appeal), 65 for
    /// Medicare Advantage (a reconsideration), 60 for Medicaid, 90 for VA community care.
    public static let standard: [String: Int] = [
        "commercial": 180, "self_funded": 180, "marketplace": 180, "medicare_advantage": 65, "medicaid": 60,
        "va_community_care": 90,
    ]

    public init(byPlan: [String: Int] = AppealWindows.standard, otherwise: Int = 180) {
        self.byPlan = byPlan
        self.otherwise = otherwise
    }

    public func days(plan: String?) -> Int {
        plan.flatMap { byPlan[$0] } ?? otherwise
    }
}
