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
        return FindingRules.funds(try FundLedger.read(store, asOf: asOf)) { _ in Policy.default }
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

    static func notice(_ from: String, _ to: String) -> String {
        #"{"stream":"project-P","type":"ProjectPublicized","effective":"\#(from)","actor":"op","data":{"from":"\#(from)","to":"\#(to)","channel":"村务公开栏"}}"#
    }

    static func pay(on date: String) -> String {
        SmallFund.event("FundDisbursed", date, #"{"from":"county-530124","project":"P","amount_fen":20000,"purpose":"饮水安全"}"#)
    }

    @Test func projectMoneyBeforeItsNoticeEndedOrWithoutOne() throws {
        let registered = #"{"stream":"project-P","type":"ProjectRegistered","effective":"2016-03-01","actor":"op","data":{"village":"530124101201","name":"管网","kind":"饮水安全","budget_fen":20000}}"#
        func rule(_ lines: [String]) throws -> [Finding] {
            try findings([Self.allocate, registered] + lines, asOf: .now).filter { $0.rule == "disbursed-before-publicity" }
        }
        // A notice of exactly ten days: paying on its last day is too early, the next day is not.
        let early = try rule([Self.notice("2016-04-01", "2016-04-10"), Self.pay(on: "2016-04-10")])
        #expect(early.map(\.detail) == ["county-530124 于 2016-04-10 向 project-P 拨付 200.00 元，公示 2016-04-01 至 2016-04-10，按 10 天公示期尚未结束"])
        #expect(early.first?.stream == "fund-F1")
        #expect(try rule([Self.notice("2016-04-01", "2016-04-10"), Self.pay(on: "2016-04-11")]).isEmpty)
        // A notice shorter than the policy's ten days still has to run ten.
        #expect(try rule([Self.notice("2016-04-01", "2016-04-05"), Self.pay(on: "2016-04-08")]).count == 1)
        #expect(try rule([Self.notice("2016-04-01", "2016-04-05"), Self.pay(on: "2016-04-11")]).isEmpty)
        // No notice at all, or only a later one.
        #expect(try rule([Self.pay(on: "2016-04-11")]).map(\.detail) == ["county-530124 于 2016-04-11 向 project-P 拨付 200.00 元，此前没有公示"])
        #expect(try rule([Self.pay(on: "2016-04-11"), Self.notice("2016-05-01", "2016-05-10")]).count == 1)
    }

    @Test func aCorrectionRetractingTheEarlyPaymentClearsIt() throws {
        let lines = [Self.allocate, Self.notice("2016-04-01", "2016-04-10"), Self.pay(on: "2016-04-05")]
        let f = try findings(lines, asOf: .now) { store in
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-04-06","actor":"op","data":{"target":2,"action":"retract","approver":"县财政局"}}"#, store: store)
        }
        #expect(f.filter { $0.rule == "disbursed-before-publicity" }.isEmpty)
    }

    static func payH(on date: String, purpose: String = "产业帮扶", amount: Int = 10000) -> String {
        SmallFund.event("FundDisbursed", date, #"{"from":"county-530124","household":"H","amount_fen":\#(amount),"purpose":"\#(purpose)"}"#)
    }

    @Test func aHouseholdPaidTwiceForOnePurposeWithin30Days() throws {
        func rule(_ lines: [String], correct: ((EventStore) throws -> Void)? = nil) throws -> [Finding] {
            try findings([Self.allocate] + lines, asOf: .now, correct: correct).filter { $0.rule == "duplicate-disbursement" }
        }
        let twice = try rule([Self.payH(on: "2016-02-01"), Self.payH(on: "2016-03-02", amount: 5000)])
        #expect(twice == [Finding(rule: "duplicate-disbursement", stream: "fund-F1", position: 2, effective: EffectiveDate("2016-03-02")!,
                                  detail: "household-H 于 2016-02-01（#1）和 2016-03-02 两次获得产业帮扶资金 100.00 元和 50.00 元，相隔 30 天",
                                  household: "H")])
        #expect(try rule([Self.payH(on: "2016-02-01"), Self.payH(on: "2016-03-03")]).isEmpty, "31 days apart")
        #expect(try rule([Self.payH(on: "2016-02-01"), Self.payH(on: "2016-02-02", purpose: "教育帮扶")]).isEmpty, "another purpose")
        #expect(try rule([Self.payH(on: "2016-02-01"), Self.payH(on: "2016-02-02")]) { store in
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-02-03","actor":"op","data":{"target":2,"action":"retract","approver":"县财政局"}}"#, store: store)
        }.isEmpty, "the second payment retracted")
    }
}
