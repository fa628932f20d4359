import Testing
@testable import EventStore

@Suite struct EffectiveDateTests {
    @Test func parsesAndPrints() throws {
        let d = try #require(EffectiveDate("2016-12-20"))
        #expect(d.rawValue == 20_161_220)
        #expect(d.description == "2016-12-20")
        #expect(d.year == 2016 && d.month == 12 && d.day == 20)
        #expect(EffectiveDate("2020-02-29") != nil)
    }

    @Test(arguments: ["2019-02-29", "2016-13-01", "2016-04-31", "16-12-20", "2016/12/20", "2016-12-2", "", "2016-12-20 "])
    func rejectsWhatIsNotACalendarDay(_ text: String) {
        #expect(EffectiveDate(text) == nil)
    }

    @Test func theEpochIsTheDayCountsStartFrom() {
        #expect(EffectiveDate.epoch == EffectiveDate(year: 1970, month: 1, day: 1))
        #expect(EffectiveDate.epoch.daysSinceEpoch == 0 && EffectiveDate(daysSinceEpoch: 0) == .epoch)
    }

    @Test func ordersLikeTheCalendar() {
        #expect(EffectiveDate("2016-12-31")! < EffectiveDate("2017-01-01")!)
    }
}

@Suite struct RecordedTimeTests {
    @Test func printsUTCWithMicroseconds() {
        #expect(RecordedTime(microseconds: 0).description == "1970-01-01T00:00:00.000000Z")
        // 2017-09-03T08:15:02.123456Z
        let t = RecordedTime(microseconds: 1_504_426_502_123_456)
        #expect(t.description == "2017-09-03T08:15:02.123456Z")
        #expect(RecordedTime("2017-09-03T08:15:02.123456Z") == t)
        #expect(RecordedTime("2017-09-03T08:15:02Z")?.microseconds == 1_504_426_502_000_000)
        #expect(RecordedTime("2017-09-03T08:15:02.5Z")?.microseconds == 1_504_426_502_500_000)
        #expect(RecordedTime("2017-09-03 08:15:02Z") == nil)
        #expect(RecordedTime("2017-09-03T08:15:02.123456+08:00") == nil)
    }

    @Test func roundTripsAcrossCenturies() {
        for micros: Int64 in [-1, 951_782_400_000_000, 4_102_444_800_000_001, 1_700_000_000_999_999] {
            let t = RecordedTime(microseconds: micros)
            #expect(RecordedTime(t.description) == t, "\(t)")
        }
    }
}
