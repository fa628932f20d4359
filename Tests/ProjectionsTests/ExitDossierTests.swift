import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct ExitDossierTests {
    /// One household identified in 2015 (2 people), with the lines given, exiting on 2016-12-20.
    func dossier(_ lines: [String], asOf: AsOf = .now) throws -> ExitDossier? {
        try withStore { store in
            let identified = SmallCounty.identified("X", "530124101201", people: 2, cause: "因病", on: "2015-01-10")
            _ = try Importer.run(([identified] + lines).joined(separator: "\n"), store: store)
            let events = try store.readStream("household-X").map(LoggedEvent.init)
            return try ExitDossier.build(id: "X", events: events, asOf: asOf, policy: .default)
        }
    }

    func income(_ year: Int, wage: Int, on date: String) -> String {
        SmallCounty.event("X", "IncomeAssessed", date, #"{"year":\#(year),"wage_fen":\#(wage),"business_fen":0,"property_fen":0,"transfer":{"minimum_living_fen":0,"extreme_poverty_support_fen":0,"pension_fen":0,"ecological_compensation_fen":0,"other_fen":0},"business_expense_fen":0}"#)
    }

    let passingGuarantees = SmallCounty.event("X", "GuaranteesAssessed", "2016-11-01", #"{"food_ok":true,"clothing_ok":true,"education_ok":true,"medical_insured":2,"members":2,"housing_grade":"A","water_ok":true}"#)

    func exit(noticeTo: String = "2016-12-14", appraised: Bool = true, announced: Bool = true) -> String {
        let a = appraised ? #""appraised":"2016-11-28","# : ""
        let n = announced ? #","announced":"2016-12-20""# : ""
        return SmallCounty.event("X", "ExitApproved", "2016-12-20", #"{"exit_year":2016,"procedure":{\#(a)"village_notice_from":"2016-12-05","village_notice_to":"\#(noticeTo)"\#(n)}}"#)
    }

    @Test func aCleanExitPasses() throws {
        // 2 people, 2016 line 2,952.00: a wage of 5,904.00 is exactly the line per person.
        let d = try #require(try dossier([income(2016, wage: 590_400, on: "2016-11-20"), passingGuarantees, exit()]))
        #expect(d.line?.value == 295_200 && d.lineConfirmed)
        #expect(d.income?.value == 295_200)
        #expect(d.incomeOK && d.guaranteesOK && d.procedureOK && d.verdictOK)
        #expect(d.missingSteps.isEmpty)
    }

    @Test func incomeOneFenBelowTheLineFails() throws {
        let d = try #require(try dossier([income(2016, wage: 590_398, on: "2016-11-20"), passingGuarantees, exit()]))
        #expect(d.income?.value == 295_199)
        #expect(!d.incomeOK && !d.verdictOK)
    }

    @Test func thePreviousYearsAssessmentCountsButNotOlder() throws {
        let d = try #require(try dossier([income(2015, wage: 700_000, on: "2015-12-01"), passingGuarantees, exit()]))
        #expect(d.incomeYear == 2015 && d.incomeOK)
        let old = try #require(try dossier([income(2014, wage: 700_000, on: "2015-01-20"), passingGuarantees, exit()]))
        #expect(old.income == nil && !old.incomeOK)
    }

    @Test func aNoticeOfExactlyThePublicityPeriodPassesOneDayLessFails() throws {
        // 2016-12-05 to 2016-12-14, both days included: 10 days.
        let ten = try #require(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), passingGuarantees, exit(noticeTo: "2016-12-14")]))
        #expect(ten.procedureOK)
        let nine = try #require(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), passingGuarantees, exit(noticeTo: "2016-12-13")]))
        #expect(!nine.procedureOK)
        #expect(nine.missingSteps == ["村级公示(不少于10天)"])
        #expect(NoticePeriod.days(from: EffectiveDate("2016-12-05")!, to: EffectiveDate("2016-12-14")!) == 10)
        #expect(NoticePeriod.days(from: EffectiveDate("2016-02-25")!, to: EffectiveDate("2016-03-05")!) == 10)
    }

    @Test func missingAppraisalAndAnnouncementAreNamed() throws {
        let d = try #require(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), passingGuarantees, exit(appraised: false, announced: false)]))
        #expect(d.missingSteps == ["民主评议", "公告退出"])
    }

    @Test func guaranteesMustPassWithinTwelveMonths() throws {
        let failing = SmallCounty.event("X", "GuaranteesAssessed", "2016-11-01", #"{"food_ok":true,"clothing_ok":true,"education_ok":true,"medical_insured":1,"members":2,"housing_grade":"A","water_ok":true}"#)
        let d = try #require(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), failing, exit()]))
        #expect(!d.guaranteesOK && d.guaranteesDate == EffectiveDate("2016-11-01"))
        let stale = SmallCounty.event("X", "GuaranteesAssessed", "2015-12-19", #"{"food_ok":true,"clothing_ok":true,"education_ok":true,"medical_insured":2,"members":2,"housing_grade":"B","water_ok":true}"#)
        #expect(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), stale, exit()])?.guaranteesOK == false)
        let justInTime = stale.replacingOccurrences(of: "2015-12-19", with: "2015-12-20")
        #expect(try dossier([income(2016, wage: 700_000, on: "2016-11-20"), justInTime, exit()])?.guaranteesOK == true)
    }

    @Test func noExitNoDossier() throws {
        #expect(try dossier([income(2016, wage: 700_000, on: "2016-11-20")]) == nil)
    }
}
