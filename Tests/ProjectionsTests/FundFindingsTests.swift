import EventStore
import Foundation
import Testing
@testable import Projections

/// funds-idle and funds-overdrawn: one case that fires, one just inside the line, and one
/// a correction clears, each with the numbers of its detail line.
@Suite struct FundFindingsTests {
    static let allocate = SmallFund.event("FundAllocated", "2016-01-01",
                                          #"{"document":"财-9号","source":"县级财政专项","amount_fen":100000,"to":"county-530124","purpose":"产业帮扶"}"#)

    func findings(_ lines: [String], asOf: AsOf, correct: ((EventStore) throws -> Void)? = nil) throws -> [Finding] {
        let dir = FileManager.default.temporaryDirectory.path + "/fund-findings-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore.open(dir)
        _ = try Importer.run(lines.joined(separator: "\n"), store: store)
        try correct?(store)
        return FindingRules.funds(try FundLedger.trails(store, asOf: asOf)) { _ in Policy.default }
    }

    @Test func moneyStillHeldIsIdleFromDay31() throws {
        #expect(try findings([Self.allocate], asOf: .effective(EffectiveDate("2016-01-31")!)).isEmpty, "30 days: not yet")
        let f = try findings([Self.allocate], asOf: .effective(EffectiveDate("2016-02-01")!))
        #expect(f == [Finding(rule: "funds-idle", stream: "fund-F1", position: 0, effective: EffectiveDate("2016-01-01")!,
                              detail: "county-530124 收到的 1,000.00 元自 2016-01-01 起滞留 31 天仍未拨完，超过预警期 30 天")])
        let late = try findings([Self.allocate], asOf: .effective(EffectiveDate("2016-06-30")!))
        #expect(late.first?.detail == "county-530124 收到的 1,000.00 元自 2016-01-01 起滞留 181 天仍未拨完，超过收回期 180 天")
    }

    @Test func moneyPaidOnAfter31DaysWasIdle() throws {
        func transfer(on date: String) -> String {
            SmallFund.event("FundTransferred", date, #"{"from":"county-530124","to":"town-530124101","amount_fen":100000}"#)
        }
        let town = "2016-02-05"
        // On day 30 the county passes it all on; the town then pays it out within 4 days.
        let inTime = try findings([Self.allocate, transfer(on: "2016-01-31"),
                                   SmallFund.event("FundDisbursed", town, #"{"from":"town-530124101","household":"H","amount_fen":100000,"purpose":"产业帮扶"}"#)],
                                  asOf: .now)
        #expect(inTime.isEmpty)
        let late = try findings([Self.allocate, transfer(on: "2016-02-01"),
                                 SmallFund.event("FundDisbursed", town, #"{"from":"town-530124101","household":"H","amount_fen":100000,"purpose":"产业帮扶"}"#)],
                                asOf: .now)
        #expect(late.map(\.detail) == ["county-530124 收到的 1,000.00 元自 2016-01-01 起滞留，最长 31 天后才拨出，超过预警期 30 天"])
    }

    @Test func aCorrectionOfTheAllocationClearsIdleMoney() throws {
        let asOf = AsOf.effective(EffectiveDate("2016-06-30")!)
        let f = try findings([Self.allocate], asOf: asOf) { store in
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-01-02","actor":"op","data":{"target":0,"action":"retract","approver":"县财政局"}}"#, store: store)
        }
        #expect(f.isEmpty)
    }

    @Test func payingMoreThanHeldIsOverdrawnButPayingAllIsNot() throws {
        let all = SmallFund.event("FundDisbursed", "2016-01-10", #"{"from":"county-530124","household":"H","amount_fen":100000,"purpose":"产业帮扶"}"#)
        #expect(try findings([Self.allocate, all], asOf: .now).isEmpty)
        let more = SmallFund.event("FundDisbursed", "2016-01-10", #"{"from":"county-530124","household":"H","amount_fen":100001,"purpose":"产业帮扶"}"#)
        let f = try findings([Self.allocate, more], asOf: .now)
        #expect(f == [Finding(rule: "funds-overdrawn", stream: "fund-F1", position: 1, effective: EffectiveDate("2016-01-10")!,
                              detail: "county-530124 拨出 1,000.01 元，超出其结存 0.01 元")])
        let corrected = try findings([Self.allocate, more], asOf: .now) { store in
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-01-11","actor":"op","data":{"target":1,"action":"replace","approver":"县财政局","data":{"from":"county-530124","household":"H","amount_fen":100000,"purpose":"产业帮扶"}}}"#, store: store)
        }
        #expect(corrected.isEmpty)
    }
}
