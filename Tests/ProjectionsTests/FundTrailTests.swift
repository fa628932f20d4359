import EventStore
import Foundation
import Testing
@testable import Projections

@Suite struct FundTrailTests {
    let asOf = EffectiveDate("2016-03-31")!

    @Test func everyUnitsBalancesAndDaysHeldByHand() throws {
        try SmallFund.withStore { store in
            let t = try #require(try FundLedger.trail(store, fund: "F1", asOf: .effective(asOf)))
            #expect(t.allocatedAmount.value == 100000 && t.document == "财-1号" && t.source == "中央财政专项")
            #expect(t.units.map(\.unit) == ["county-530124", "town-530124101", "village-530124101201"])
            #expect(t.units.map(\.depth) == [0, 1, 2])
            let (county, town, village) = (t.units[0], t.units[1], t.units[2])
            #expect([county.received, county.paid, county.returned, try county.held].map(\.value) == [100000, 50000, 10000, 40000])
            #expect([town.received, town.paid, town.returned, try town.held].map(\.value) == [50000, 25000, 0, 25000])
            #expect([village.received, village.paid, try village.held].map(\.value) == [15000, 15000, 0])
            // The county still holds money received 2016-01-01: 90 days to 03-31.
            #expect(county.daysHeld == 90)
            // Town: money of 01-11 is held still (FIFO took 100 + 150 of it, 50 remain): 80 days.
            #expect(town.daysHeld == 80)
            // Village: 150 arrived 02-01, left 02-10.
            #expect(village.daysHeld == 9)
            #expect(t.payments.map(\.to) == ["household-H", "project-P"])
            #expect(t.payments[1].path == ["county-530124", "town-530124101", "village-530124101201"])
            #expect(t.payments[0].path == ["county-530124", "town-530124101"])
        }
    }

    @Test func balancesReconcileAtEveryPoint() throws {
        try SmallFund.withStore { store in
            for text in ["2016-01-01", "2016-01-11", "2016-01-20", "2016-01-21", "2016-01-26", "2016-02-01", "2016-02-09",
                         "2016-02-10", "2016-03-01", "2016-12-31"] {
                let d = EffectiveDate(text)!
                let t = try #require(try FundLedger.trail(store, fund: "F1", asOf: .effective(d)))
                let held = try Fen.sum(t.units.map { try $0.held })
                let paid = try Fen.sum(t.payments.map(\.amount))
                let returned = try Fen.sum(t.units.map(\.returned))
                let accounted = try held + paid + returned
                #expect(t.allocatedAmount == accounted, "as of \(d)")
            }
        }
    }

    @Test func payingMoreThanReceivedIsOverdrawnAndACorrectionClearsIt() throws {
        let over = SmallFund.event("FundDisbursed", "2016-03-05", #"{"from":"village-530124101201","household":"H","amount_fen":5000,"purpose":"产业帮扶"}"#)
        try SmallFund.withStore([over]) { store in
            let t = try #require(try FundLedger.trail(store, fund: "F1", asOf: .now))
            #expect(t.units[2].overdrawn.value == 5000)
            #expect(try t.units[2].held.value == 0)
            let position = store.endPosition - 1
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-03-06","actor":"op","data":{"target":\#(position),"action":"retract","approver":"县财政局"}}"#, store: store)
            let fixed = try #require(try FundLedger.trail(store, fund: "F1", asOf: .now))
            #expect(fixed.units[2].overdrawn.value == 0)
            #expect(fixed.payments.count == 2)
            // As recorded before the correction, the overdraft is still there.
            let before = try #require(try FundLedger.trail(store, fund: "F1", asOf: .position(position)))
            #expect(before.units[2].overdrawn.value == 5000)
        }
    }

    @Test func aHouseholdsPaymentsAcrossFunds() throws {
        let second = [
            #"{"stream":"fund-F2","type":"FundAllocated","effective":"2017-01-01","actor":"op","data":{"document":"财-2号","source":"东西部协作","amount_fen":5000,"to":"org-东西部协作办","purpose":"就业帮扶"}}"#,
            #"{"stream":"fund-F2","type":"FundDisbursed","effective":"2017-02-01","actor":"op","data":{"from":"org-东西部协作办","household":"H","amount_fen":2000,"purpose":"就业帮扶"}}"#,
        ]
        try SmallFund.withStore(second) { store in
            let trails = try FundLedger.trails(store, asOf: .now)
            #expect(trails.map(\.fund) == ["F1", "F2"])
            let toH = trails.flatMap { t in t.payments.filter { $0.to == "household-H" }.map { (t.fund, $0.amount.value) } }
            #expect(toH.map(\.0) == ["F1", "F2"])
            #expect(toH.map(\.1) == [10000, 2000])
        }
    }
}
