import Foundation

/// A date as a count of days (1970-01-01 is day 0), for counting days to a deadline without time
/// zones getting in the way.
///
/// ```swift
/// CalendarDay("2026-12-01")!.number - CalendarDay("2026-11-29")!.number   // 2
/// ```
public struct CalendarDay: Sendable, Equatable, Comparable {
    public var number: Int

    public init(number: Int) { self.number = number }

    /// Parses `YYYY-MM-DD` (years 1900–2999; the day must exist in that month); nil otherwise.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1900...2999).contains(y), (1...12).contains(m), d >= 1, d <= Self.daysIn(month: m, year: y)
        else { return nil }
        number = Self.days(year: y, month: m, day: d)
    }

    /// Today in UTC.
    public static var today: CalendarDay {
        CalendarDay(number: Int((Date().timeIntervalSince1970 / 86_400).rounded(.down)))
    }

    /// `YYYY-MM-DD`.
    public var text: String {
        // The inverse of `days(year:month:day:)`, on the March-based year (a leap day last).
        let z = number + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let d = dayOfYear - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yearOfEra + era * 400 + (m <= 2 ? 1 : 0)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    public static func < (a: CalendarDay, b: CalendarDay) -> Bool { a.number < b.number }

    public static func + (day: CalendarDay, days: Int) -> CalendarDay { CalendarDay(number: day.number + days) }

    static func daysIn(month m: Int, year y: Int) -> Int {
        switch m {
        case 2: (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date: years counted from March, so that the
    /// leap day ends a year, in 400-year eras of 146,097 days.
    static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
