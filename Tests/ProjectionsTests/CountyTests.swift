import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct CountyTests {

    /// Villages that disagree about their county's name (the demo's sample village says
    /// 富民县, the generated ones 样本县): the name most give, whatever order the villages
    /// are kept in. Each pass lays the villages out differently (more of another county's
    /// around them), so an answer that took the first village it met would vary.
    @Test func anAreaIsNamedByMostOfItsVillagesWhateverTheirOrder() throws {
        var seen: Set<String> = []
        for extra in 0..<8 {
            try withStore { store in
                var lines = [
                    SmallCounty.village("530124101201", "一村", "甲镇", population: 10).replacingOccurrences(of: "富民县", with: "样本县"),
                    SmallCounty.village("530124101202", "二村", "甲镇", population: 10),
                    SmallCounty.village("530124101203", "三村", "甲镇", population: 10).replacingOccurrences(of: "富民县", with: "样本县"),
                ]
                lines += (0..<(extra * 5)).map { SmallCounty.village("5301251012\(String(format: "%02d", $0))", "外村", "外镇", population: 1) }
                _ = try Importer.run(lines.joined(separator: "\n"), store: store)
                let state = try CountyBuilder.build(store)
                seen.insert(try #require(Statistics.areas(state, by: .county).first { $0.code == "530124" }).name)
            }
        }
        #expect(seen == ["样本县"])
    }
    func county(_ body: (EventStore) throws -> Void) throws {
        try withStore { store in
            _ = try Importer.run(SmallCounty.lines.joined(separator: "\n"), store: store)
            try body(store)
        }
    }

    @Test func statisticsByCountyAndTown() throws {
        try county { store in
            let state = try CountyBuilder.build(store)
            let county = try #require(Statistics.areas(state, by: .county).first)
            // Registered now: B, C, D, E (A was removed): 2 + 4 + 1 + 5 = 12 people.
            // Poor: B (返贫) 2, C 4, D 1 = 7 people in 3 households, of 350 rural people.
            #expect(county.code == "530124" && county.name == "富民县")
            #expect(county.households == 4 && county.people == 12)
            #expect(county.poorHouseholds == 3 && county.poorPeople == 7)
            #expect(county.ruralPopulation == 350)
            #expect(county.incidence.rate == 7.0 / 350.0)
            #expect(county.causes.map(\.label) == ["因病", "因学", "缺技术"])
            #expect(county.causes.map(\.households) == [1, 1, 1])
            // B (2015, then 返贫: its exit year stays) and E (2015); A was removed, C and D never exited.
            #expect(county.exitsByYear.map(\.year) == [2015] && county.exitsByYear.map(\.households) == [2])
            let towns = Statistics.areas(state, by: .town)
            #expect(towns.map(\.code) == ["530124101", "530124102"])
            #expect(towns.map(\.name) == ["甲镇", "乙镇"])
            #expect(towns.map(\.poorPeople) == [6, 1])
            #expect(towns.map(\.ruralPopulation) == [150, 200])
            #expect(Statistics.areas(state, by: .village).map(\.poorPeople) == [2, 4, 1])
        }
    }

    @Test func statisticsAsOfAnEarlierDay() throws {
        try county { store in
            // On 2015-12-31: A (3) and C (4) poor; B and E exited; D not yet identified.
            let state = try CountyBuilder.build(store, asOf: .effective(EffectiveDate("2015-12-31")!))
            let county = try #require(Statistics.areas(state, by: .county).first)
            #expect(county.poorPeople == 7 && county.poorHouseholds == 2)
            #expect(county.households == 4 && county.people == 14)
            // As recorded by position 6 (E's identification is the 7th line): A, B, C poor.
            let early = try CountyBuilder.build(store, asOf: .position(6))
            #expect(Statistics.areas(early, by: .county).first?.poorPeople == 14)
        }
    }

    @Test func ratesOfAPeriodFollowTheDefinitions() throws {
        try county { store in
            let r = try Rates.compute(store, from: EffectiveDate("2016-01-01")!, to: EffectiveDate("2016-12-31")!)
            // At the start (2015-12-31): registered 3+2+4+5 = 14; exited B+E = 7; poor A+C = 7; rural 350.
            #expect(r.wrongInclusion == Ratio(numerator: 3, denominator: 14))     // A removed
            #expect(r.omission == Ratio(numerator: 1, denominator: 336))          // D added; 350 - 14 not registered
            #expect(r.wrongExit == Ratio(numerator: 2, denominator: 7))           // B's exit was wrong
            #expect(r.compositePoverty == Ratio(numerator: 10, denominator: 350)) // 7 + 1 + 2
            // A period with none of them: 2015.
            let quiet = try Rates.compute(store, from: EffectiveDate("2015-06-01")!, to: EffectiveDate("2015-12-31")!)
            #expect(quiet.wrongInclusion.numerator == 0 && quiet.omission.numerator == 0 && quiet.wrongExit.numerator == 0)
            #expect(quiet.wrongExit.rate == nil, "nobody had exited by 2015-06-01")
        }
    }

    /// 群众认可度 counts households: each by its latest survey in the period; surveys
    /// before or after it, and retracted ones, do not count.
    @Test func approvalCountsSurveyedHouseholdsByTheirLatestSurveyInThePeriod() throws {
        try county { store in
            let end = store.endPosition
            _ = try Importer.run([
                SmallCounty.event("B", "SurveyRecorded", "2015-12-20", #"{"approves":false}"#),  // before the period
                SmallCounty.event("C", "SurveyRecorded", "2016-03-01", #"{"approves":false}"#),
                SmallCounty.event("C", "SurveyRecorded", "2016-09-01", #"{"approves":true}"#),   // C's latest: 认可
                SmallCounty.event("E", "SurveyRecorded", "2016-05-01", #"{"approves":false}"#),
                SmallCounty.event("D", "SurveyRecorded", "2017-01-03", #"{"approves":false}"#),  // after it
            ].joined(separator: "\n"), store: store)
            let from = EffectiveDate("2016-01-01")!, to = EffectiveDate("2016-12-31")!
            #expect(try Rates.compute(store, from: from, to: to).approval == Ratio(numerator: 1, denominator: 2))
            // E's survey (position end + 3) retracted: only C was surveyed.
            _ = try Importer.run(#"{"stream":"household-E","type":"Correction","effective":"2017-01-05","actor":"op","data":{"target":\#(end + 3),"action":"retract","approver":"县扶贫办"}}"#, store: store)
            #expect(try Rates.compute(store, from: from, to: to).approval == Ratio(numerator: 1, denominator: 1))
            // No survey in a period: no denominator, no rate.
            let quiet = try Rates.compute(store, from: EffectiveDate("2015-01-01")!, to: EffectiveDate("2015-06-30")!)
            #expect(quiet.approval == Ratio(numerator: 0, denominator: 0) && quiet.approval.rate == nil)
        }
    }

    @Test func aRetractedRemovalIsNoLongerCounted() throws {
        try county { store in
            // The removal of A is line 11: position 10.
            _ = try Importer.run(#"{"stream":"household-A","type":"Correction","effective":"2017-01-05","actor":"op","data":{"target":10,"action":"retract","approver":"县扶贫办"}}"#, store: store)
            let r = try Rates.compute(store, from: EffectiveDate("2016-01-01")!, to: EffectiveDate("2016-12-31")!)
            #expect(r.wrongInclusion.numerator == 0)
            let state = try CountyBuilder.build(store)
            #expect(state.households["A"]?.status == .poor)
            // As recorded before the correction, A was removed.
            let before = try CountyBuilder.build(store, asOf: .position(11))
            #expect(before.households["A"]?.status == .removed)
        }
    }

    @Test func policyEventsOverrideTheDefaultFromTheirDay() throws {
        try withStore { store in
            #expect(Policy.default.povertyLine(2016) == Policy.Line(fen: 295_200, confirmed: true))
            #expect(Policy.default.povertyLine(2017)?.confirmed == false)
            _ = try Importer.run(#"{"stream":"policy-yunnan","type":"PolicySet","effective":"2017-01-01","actor":"op","data":{"key":"poverty_line_fen","value":340000,"year":2017}}"# + "\n"
                + #"{"stream":"policy-yunnan","type":"PolicySet","effective":"2018-01-01","actor":"op","data":{"key":"max_households_per_helper","value":3}}"#, store: store)
            let now = try CountyBuilder.build(store)
            #expect(now.policy.povertyLine(2017) == Policy.Line(fen: 340_000, confirmed: true))
            #expect(now.policy.values["max_households_per_helper"] == 3)
            let before = try CountyBuilder.build(store, asOf: .effective(EffectiveDate("2017-12-31")!))
            #expect(before.policy.values["max_households_per_helper"] == 5)
            #expect(before.policy.povertyLine(2017)?.fen == 340_000)
        }
    }

    @Test func previousDayCrossesMonthsAndLeapYears() {
        #expect(EffectiveDate("2016-03-01")!.previousDay == EffectiveDate("2016-02-29")!)
        #expect(EffectiveDate("2017-01-01")!.previousDay == EffectiveDate("2016-12-31")!)
        #expect(EffectiveDate("2016-05-01")!.previousDay == EffectiveDate("2016-04-30")!)
        #expect(EffectiveDate("2016-05-17")!.previousDay == EffectiveDate("2016-05-16")!)
    }
}
