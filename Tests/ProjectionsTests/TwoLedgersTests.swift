import EventStore
import Foundation
import Testing
@testable import Projections

/// 两笔账, projects and small loans on the two sample logs, with every figure worked by
/// hand from the events.
@Suite struct TwoLedgersTests {
    func withSample<T>(_ name: String, extra: [String] = [], _ body: (EventStore) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.path + "/two-ledgers-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore.open(dir)
        _ = try Importer.run(try SampleLogs.text(name), store: store)
        if !extra.isEmpty { _ = try Importer.run(extra.joined(separator: "\n"), store: store) }
        return try body(store)
    }

    func ledger(_ store: EventStore, by g: TwoLedgers.Grouping, asOf: AsOf = .now) throws -> [TwoLedgers.Row] {
        try TwoLedgers.rows(try FundLedger.read(store, asOf: asOf), county: try CountyBuilder.build(store, asOf: asOf), by: g)
    }

    @Test func theHouseholdLifeCounty() throws {
        try withSample("household-life") { store in
            // 500,000 allocated; the county passed 80,000 to the town, the town 30,000 to
            // the village and returned 2,000; the village paid 3,000 to 0001 and 18,000 to
            // the water project of 0001 and 0002.
            let county = try #require(try ledger(store, by: .county).first)
            #expect(county.group == "530124" && county.moneyIn?.value == 50_000_000)
            #expect(county.toVillages.value == 1_800_000 && county.toHouseholds.value == 300_000)
            #expect(county.held?.value == 42_000_000 + 4_800_000 + 900_000 && county.returned?.value == 200_000)
            #expect(try county.moneyIn == county.held! + county.returned! + county.toVillages + county.toHouseholds)
            // 0001 exited last on 2018-12-18 (已脱贫, no longer entitled): 3,000 + half the project's 18,000.
            #expect(try county.exitedHouseholds == TwoLedgers.Spread([Fen(1_200_000)]))
            // The village left in 2018: 18,000 + 3,000.
            #expect(try county.exitedVillages == TwoLedgers.Spread([Fen(2_100_000)]))

            let years = try ledger(store, by: .year)
            #expect(years.map(\.group) == ["2016", "2018"])
            #expect(years[0].moneyIn?.value == 50_000_000 && years[0].exitedHouseholds.count == 0 && years[0].held == nil)
            #expect(years[1].exitedHouseholds.mean?.value == 1_200_000 && years[1].exitedVillages.count == 1)

            let purposes = try ledger(store, by: .purpose)
            #expect(purposes.map(\.group) == ["产业帮扶", "饮水安全"])
            #expect(purposes[0].toHouseholds.value == 300_000 && purposes[1].toVillages.value == 1_800_000)
            #expect(purposes[1].exitedHouseholds.highest?.value == 900_000)

            // The town holds its own 48,000 and its village's 9,000; money comes in above it.
            let town = try #require(try ledger(store, by: .town).first)
            #expect(town.group == "530124101" && town.moneyIn == nil && town.held?.value == 5_700_000)

            // As of 2016-04-19 only the household payment had been made.
            let early = try #require(try ledger(store, by: .county, asOf: .effective(EffectiveDate("2016-04-19")!)).first)
            #expect(early.toHouseholds.value == 300_000 && early.toVillages.value == 0 && early.exitedHouseholds.count == 0)
        }
    }

    @Test func lowestMeanAndHighestPerExitedHousehold() throws {
        try withSample("inspection-county") { store in
            // Exited now: 0001 (3,000 + a third of the 150,000 project) and 0003 (its third);
            // 0002 returned to poverty.
            let county = try #require(try ledger(store, by: .county).first)
            #expect(try county.exitedHouseholds == TwoLedgers.Spread([Fen(5_300_000), Fen(5_000_000)]))
            #expect(county.exitedHouseholds.lowest?.value == 5_000_000 && county.exitedHouseholds.mean?.value == 5_150_000
                    && county.exitedHouseholds.highest?.value == 5_300_000)
            // The village overdrew 1,000: paid out exceeds what came in by that much.
            #expect(try (county.toVillages + county.toHouseholds - county.moneyIn!).value == 100_000)
            let channels = try ledger(store, by: .channel)
            #expect(channels.map(\.group) == ["county-530124"])
        }
    }

    @Test func meansRoundHalfUpToTheFen() throws {
        #expect(try TwoLedgers.Spread([Fen(1), Fen(2)]).mean?.value == 2)
        #expect(try TwoLedgers.Spread([Fen(1), Fen(1), Fen(2)]).mean?.value == 1)
        #expect(try TwoLedgers.Spread([]).mean == nil && TwoLedgers.Spread([]).count == 0)
        // A total near the 64-bit limit is divided without being doubled first.
        #expect(try TwoLedgers.Spread([Fen(Int64.max - 2), Fen(1)]).mean?.value == Int64.max / 2)
    }

    @Test func aProjectFromRegistrationToIncome() throws {
        try withSample("household-life") { store in
            let p = try #require(try FundLedger.read(store, asOf: .now).projects["p2016-07"])
            #expect(p.village == "530124101201" && p.name == "和平村饮水管网改造" && p.budget.value == 1_800_000)
            #expect(p.beneficiaries == ["5301241012010001", "5301241012010002"] && p.received.value == 1_800_000)
            #expect(p.notices == [.init(from: EffectiveDate("2016-04-01")!, to: EffectiveDate("2016-04-10")!, channel: "村务公开栏")])
            #expect(p.completed == EffectiveDate("2016-08-30") && p.accepted == EffectiveDate("2016-09-12"))
            #expect(p.assets.map(\.assetClass) == ["公益性"] && p.assets.first?.value == Fen(1_800_000))
            #expect(try p.distributed.value == 60_000)
            let before = try #require(try FundLedger.read(store, asOf: .effective(EffectiveDate("2016-08-31")!)).projects["p2016-07"])
            #expect(try before.completed != nil && before.accepted == nil && before.distributed.value == 0)
        }
    }

    @Test func smallLoansIssuedOverdueRepaidAndCorrected() throws {
        try withSample("household-life") { store in
            let events = try store.readStream("household-5301241012010001").map(LoggedEvent.init)
            let overdue = try SmallLoan.of(household: "5301241012010001", events: events, asOf: .effective(EffectiveDate("2017-12-31")!))
            #expect(try overdue.count == 1 && overdue[0].status == "逾期" && overdue[0].outstanding.value == 5_000_000)
            #expect(overdue[0].overdueSince == EffectiveDate("2017-06-01") && overdue[0].due == EffectiveDate("2018-06-01"))
            let now = try SmallLoan.all(store, asOf: .now)
            #expect(try now.map { try $0.status } == ["已还清"] && now[0].repaid.value == 5_000_000 && now[0].overdueSince == nil)
        }
        // The repayment was only part of it: corrected to 30,000, the loan is overdue again.
        let repaid = try withSample("household-life") { store in try store.readStream("household-5301241012010001").first { $0.type == "LoanRepaid" }!.position }
        let fix = #"{"stream":"household-5301241012010001","type":"Correction","effective":"2018-06-10","actor":"op","data":{"target":\#(repaid),"action":"replace","approver":"县扶贫办","data":{"loan":"L-2015-0031","amount_fen":3000000}}}"#
        try withSample("household-life", extra: [fix]) { store in
            let loans = try SmallLoan.all(store, asOf: .now)
            #expect(try loans.map { try $0.status } == ["逾期"] && loans[0].outstanding.value == 2_000_000)
        }
    }
}
