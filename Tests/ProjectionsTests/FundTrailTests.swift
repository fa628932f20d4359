import EventStore
import Foundation
import Testing
@testable import Projections

/// One fund, small enough to follow by hand (amounts in yuan; fen in the events):
/// 1,000 allocated to the county on 2016-01-01; 300 to town T on 01-11, 200 more on
/// 01-21; T pays household H 100 on 01-26 and transfers 150 to village V on 02-01;
/// V pays project P 150 on 02-10; the county returns 100 on 03-01.
enum SmallFund {
    static func event(_ type: String, _ date: String, _ data: String) -> String {
        #"{"stream":"fund-F1","type":"\#(type)","effective":"\#(date)","actor":"op","data":\#(data)}"#
    }

    static let lines = [
        event("FundAllocated", "2016-01-01", #"{"document":"财-1号","source":"中央财政专项","amount_fen":100000,"to":"county-530124","purpose":"产业帮扶"}"#),
        event("FundTransferred", "2016-01-11", #"{"from":"county-530124","to":"town-530124101","amount_fen":30000}"#),
        event("FundTransferred", "2016-01-21", #"{"from":"county-530124","to":"town-530124101","amount_fen":20000}"#),
        event("FundDisbursed", "2016-01-26", #"{"from":"town-530124101","household":"H","amount_fen":10000,"purpose":"产业帮扶","voucher":"v1"}"#),
        event("FundTransferred", "2016-02-01", #"{"from":"town-530124101","to":"village-530124101201","amount_fen":15000}"#),
        event("FundDisbursed", "2016-02-10", #"{"from":"village-530124101201","project":"P","amount_fen":15000,"purpose":"饮水安全"}"#),
        event("FundReturned", "2016-03-01", #"{"from":"county-530124","amount_fen":10000,"reason":"结余"}"#),
    ]

    static func withStore<T>(_ extra: [String] = [], _ body: (EventStore) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.path + "/fund-tests-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore.open(dir)
        _ = try Importer.run((lines + extra).joined(separator: "\n"), store: store)
        return try body(store)
    }
}

@Suite struct FundTrailTests {
    let asOf = EffectiveDate("2016-03-31")!

    @Test func everyUnitsBalancesAndDaysHeldByHand() throws {
        try SmallFund.withStore { store in
            let t = try #require(try FundLedger.trail(store, fund: "F1", asOf: .effective(asOf)))
            #expect(t.allocatedFen == 100000 && t.document == "财-1号" && t.source == "中央财政专项")
            #expect(t.units.map(\.unit) == ["county-530124", "town-530124101", "village-530124101201"])
            #expect(t.units.map(\.depth) == [0, 1, 2])
            let (county, town, village) = (t.units[0], t.units[1], t.units[2])
            #expect([county.receivedFen, county.paidFen, county.returnedFen, county.heldFen] == [100000, 50000, 10000, 40000])
            #expect([town.receivedFen, town.paidFen, town.returnedFen, town.heldFen] == [50000, 25000, 0, 25000])
            #expect([village.receivedFen, village.paidFen, village.heldFen] == [15000, 15000, 0])
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
                let held = t.units.reduce(0) { $0 + $1.heldFen }
                let paid = t.payments.reduce(0) { $0 + $1.amountFen }
                let returned = t.units.reduce(0) { $0 + $1.returnedFen }
                #expect(t.allocatedFen == held + paid + returned, "as of \(d)")
            }
        }
    }

    @Test func payingMoreThanReceivedIsOverdrawnAndACorrectionClearsIt() throws {
        let over = SmallFund.event("FundDisbursed", "2016-03-05", #"{"from":"village-530124101201","household":"H","amount_fen":5000,"purpose":"产业帮扶"}"#)
        try SmallFund.withStore([over]) { store in
            let t = try #require(try FundLedger.trail(store, fund: "F1", asOf: .now))
            #expect(t.units[2].overdrawnFen == 5000)
            #expect(t.units[2].heldFen == 0)
            let position = store.endPosition - 1
            _ = try Importer.run(#"{"stream":"fund-F1","type":"Correction","effective":"2016-03-06","actor":"op","data":{"target":\#(position),"action":"retract","approver":"县财政局"}}"#, store: store)
            let fixed = try #require(try FundLedger.trail(store, fund: "F1", asOf: .now))
            #expect(fixed.units[2].overdrawnFen == 0)
            #expect(fixed.payments.count == 2)
            // As recorded before the correction, the overdraft is still there.
            let before = try #require(try FundLedger.trail(store, fund: "F1", asOf: .position(position)))
            #expect(before.units[2].overdrawnFen == 5000)
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
            let toH = trails.flatMap { t in t.payments.filter { $0.to == "household-H" }.map { (t.fund, $0.amountFen) } }
            #expect(toH.map(\.0) == ["F1", "F2"])
            #expect(toH.map(\.1) == [10000, 2000])
        }
    }
}
