/// The business date of an event (`YYYY-MM-DD`): when it happened in the world, as
/// opposed to when the ledger learned it (``RecordedTime``).
///
/// Stored as the number `yyyymmdd` (20161220 for 2016-12-20), which sorts like the date.
public struct EffectiveDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The date as `yyyymmdd`.
    public let rawValue: UInt32

    /// Creates a date from its parts, or returns `nil` when they name no calendar day
    /// (months 1-12, days within the month, years 1-9999, Gregorian leap years).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
              day <= EffectiveDate.daysIn(month: month, year: year) else { return nil }
        rawValue = UInt32(year * 10000 + month * 100 + day)
    }

    /// Creates a date from its stored form `yyyymmdd`, or returns `nil` when it names
    /// no calendar day.
    public init?(rawValue: UInt32) {
        let v = Int(rawValue)
        self.init(year: v / 10000, month: (v / 100) % 100, day: v % 100)
    }

    /// 1970-01-01: where day counts start (``daysSinceEpoch``), and the date a
    /// projection gives what has none yet.
    public static let epoch = EffectiveDate(unchecked: 19700101)

    /// A stored value known to be valid (it was validated before it was written and is
    /// covered by a checksum).
    init(unchecked rawValue: UInt32) { self.rawValue = rawValue }

    /// Parses `YYYY-MM-DD` exactly (four digits, two, two), or returns `nil`.
    public init?(_ text: some StringProtocol) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                let d = Int(u[i]) - 48
                guard (0...9).contains(d) else { return nil }
                n = n * 10 + d
            }
            return n
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10) else { return nil }
        self.init(year: y, month: m, day: d)
    }

    /// The year.
    public var year: Int { Int(rawValue) / 10000 }
    /// The month, 1-12.
    public var month: Int { (Int(rawValue) / 100) % 100 }
    /// The day of the month, from 1.
    public var day: Int { Int(rawValue) % 100 }

    /// `YYYY-MM-DD`.
    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    public static func < (a: EffectiveDate, b: EffectiveDate) -> Bool { a.rawValue < b.rawValue }

    /// Days since 1970-01-01 (negative before it).
    public var daysSinceEpoch: Int { RecordedTime.days(fromCivil: year, month, day) }

    /// The day `days` days after 1970-01-01 (before it when negative).
    public init(daysSinceEpoch days: Int) {
        let (y, m, d) = RecordedTime.civil(fromDays: days)
        self.init(unchecked: UInt32(y * 10000 + m * 100 + d))
    }

    /// The calendar day before.
    public var previousDay: EffectiveDate {
        let (y, m, d) = RecordedTime.civil(fromDays: daysSinceEpoch - 1)
        return EffectiveDate(year: y, month: m, day: d) ?? self
    }

    /// The same day `months` calendar months later (earlier when negative), on the
    /// month's last day when it is shorter: 2016-08-31 plus 6 months is 2017-02-28.
    public func adding(months: Int) -> EffectiveDate {
        let total = year * 12 + (month - 1) + months
        let y = total / 12, m = total % 12 + 1
        return EffectiveDate(year: y, month: m, day: min(day, EffectiveDate.daysIn(month: m, year: y))) ?? self
    }

    /// Calendar days from `self` to `other`, both included (a notice from 12-05 to 12-14 lasts 10).
    public func daysThrough(_ other: EffectiveDate) -> Int { other.daysSinceEpoch - daysSinceEpoch + 1 }

    /// The number of days in a month of the Gregorian calendar.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

/// When the ledger recorded an event: UTC, microseconds since 1970-01-01T00:00:00Z,
/// assigned by the store. Never decreases along the log.
public struct RecordedTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since the Unix epoch, UTC.
    public let microseconds: Int64

    /// Creates a time from microseconds since the Unix epoch.
    public init(microseconds: Int64) { self.microseconds = microseconds }

    /// The current time of the system clock.
    public static func now() -> RecordedTime {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return RecordedTime(microseconds: Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000)
    }

    public static func < (a: RecordedTime, b: RecordedTime) -> Bool { a.microseconds < b.microseconds }

    /// ISO 8601 in UTC with six fractional digits: `2017-09-03T08:15:02.123456Z`.
    public var description: String {
        let secs = microseconds >= 0 ? microseconds / 1_000_000 : (microseconds - 999_999) / 1_000_000
        let micros = microseconds - secs * 1_000_000
        let (y, m, d) = RecordedTime.civil(fromDays: Int(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400))
        let sod = Int(secs - Int64(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400) * 86400)
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(sod / 3600, 2)):\(pad(sod / 60 % 60, 2)):\(pad(sod % 60, 2)).\(pad(Int(micros), 6))Z"
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` (UTC only), or returns `nil`.
    public init?(_ text: some StringProtocol) {
        let s = String(text)
        guard s.hasSuffix("Z"), s.count >= 20 else { return nil }
        let u = Array(s.utf8)
        guard let date = EffectiveDate(String(decoding: u[0..<10], as: UTF8.self)), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":") else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var n = 0
            for i in r {
                let d = Int(u[i]) - 48
                guard (0...9).contains(d) else { return nil }
                n = n * 10 + d
            }
            return n
        }
        guard let hh = num(11..<13), let mm = num(14..<16), let ss = num(17..<19), hh < 24, mm < 60, ss < 60 else { return nil }
        var frac = 0
        let rest = u[19..<(u.count - 1)]
        if !rest.isEmpty {
            guard rest.first == UInt8(ascii: "."), rest.count >= 2, rest.count <= 7,
                  let f = num((rest.startIndex + 1)..<rest.endIndex) else { return nil }
            frac = f
            for _ in 0..<(7 - rest.count) { frac *= 10 }
        }
        let days = RecordedTime.days(fromCivil: date.year, date.month, date.day)
        microseconds = (Int64(days) * 86400 + Int64(hh * 3600 + mm * 60 + ss)) * 1_000_000 + Int64(frac)
    }

    // Howard Hinnant's civil-from-days and days-from-civil algorithms.
    static func civil(fromDays z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func days(fromCivil y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

#if canImport(Glibc)
import Glibc
#endif
