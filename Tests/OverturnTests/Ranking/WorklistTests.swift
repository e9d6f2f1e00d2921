import Foundation
import Overturn
import Testing

@Suite struct WorklistTests {
    typealias Claim = Worklist.Claim

    @Test func groupsAndOrder() {
        let claims = [
            Claim(probability: 0.5, amount: 1000, daysLeft: 100),  // 0: EV 400
            Claim(probability: 0.9, amount: 100, daysLeft: 3),  // 1: EV -10, not worth it
            Claim(probability: 0.6, amount: 500, daysLeft: 5),  // 2: EV 200, urgent
            Claim(probability: 0.8, amount: 5000, daysLeft: -1),  // 3: past deadline
            Claim(probability: 0.7, amount: nil, daysLeft: 30),  // 4: no amount
            Claim(probability: 0.2, amount: 10000, daysLeft: nil),  // 5: EV 1900, deadline unknown
        ]
        let w = Worklist(claims, options: .init(appealCost: 100))
        #expect(w.entries.map(\.claim) == [2, 5, 0, 1, 4, 3])  // urgent first, then by value
        #expect(w.entries.map(\.rank) == [1, 2, 3, 4, 5, 6])
        #expect(
            w.entries.map(\.status) == [
                .urgent, .worthAppealing, .worthAppealing, .notWorthTheCost, .noAmount, .pastDeadline,
            ])
        #expect(w.entries.map(\.selected) == [true, true, true, false, false, false])
        #expect(w.entries[0].expectedValue == 200)
        #expect(w.entries[4].expectedValue == nil)
    }

    @Test func capacityTakesTheLargestValuesWhateverTheDeadline() {
        let claims = [
            Claim(probability: 0.5, amount: 1000, daysLeft: 100),  // EV 500
            Claim(probability: 0.5, amount: 100, daysLeft: 2),  // EV 50, urgent but small
            Claim(probability: 0.5, amount: 800, daysLeft: 10),  // EV 400, urgent
        ]
        let w = Worklist(claims, options: .init(capacity: 2))
        // The two largest values are chosen; the urgent one of them is worked first; the small
        // urgent claim waits below them.
        #expect(w.entries.map(\.claim) == [2, 0, 1])
        #expect(w.entries.map(\.selected) == [true, true, false])
        #expect(w.entries[2].status == .urgent)
        #expect(w.expectedRecovery(claims) == 900)
    }

    @Test func tiesAreBrokenByDeadlineThenProbabilityThenInputOrder() {
        let claims = [
            Claim(probability: 0.5, amount: 200, daysLeft: 60),  // EV 100
            Claim(probability: 0.25, amount: 400, daysLeft: 60),  // EV 100, lower probability
            Claim(probability: 0.5, amount: 200, daysLeft: 40),  // EV 100, sooner
            Claim(probability: 0.5, amount: 200, daysLeft: 60),  // the same as claim 0
        ]
        let w = Worklist(claims, options: .init(capacity: 3))
        #expect(w.entries.map(\.claim) == [2, 0, 3, 1])
        #expect(Worklist(claims.reversed(), options: .init(capacity: 3)).entries.map(\.claim) == [1, 0, 3, 2])
    }

    @Test func zeroCapacitySelectsNothing() {
        let w = Worklist([Claim(probability: 0.5, amount: 1000, daysLeft: 5)], options: .init(capacity: 0))
        #expect(w.entries.map(\.selected) == [false])
        #expect(w.entries[0].status == .urgent)
    }

    @Test func appealWindowsByPlan() {
        let windows = AppealWindows(byPlan: ["medicaid": 90], otherwise: 120)
        #expect(windows.days(plan: "medicaid") == 90)
        #expect(windows.days(plan: "commercial") == 120)
        #expect(windows.days(plan: nil) == 120)
        #expect(AppealWindows().days(plan: "medicare_advantage") == 65)
    }
}

@Suite struct CalendarDayTests {
    @Test func parsesAndCounts() throws {
        #expect(CalendarDay("1970-01-01")?.number == 0)
        #expect(CalendarDay("2026-11-29")?.number == 20_786)
        #expect(try #require(CalendarDay("2024-03-01")).number - (try #require(CalendarDay("2024-02-28"))).number == 2)
        #expect(try #require(CalendarDay("2023-03-01")).number - (try #require(CalendarDay("2023-02-28"))).number == 1)
        #expect((try #require(CalendarDay("2026-12-25")) + 10).text == "2027-01-04")
        for text in ["2024-02-29", "2000-02-29", "1900-01-01", "2999-12-31"] {
            #expect(CalendarDay(text)?.text == text)
        }
    }

    @Test func rejectsWhatIsNotADay() {
        for text in [
            "2023-02-29", "1900-02-29", "2026-13-01", "2026-04-31", "2026-1-5", "26-01-05", "2026/01/05", "", "x",
        ] {
            #expect(CalendarDay(text) == nil, "\(text)")
        }
    }
}
