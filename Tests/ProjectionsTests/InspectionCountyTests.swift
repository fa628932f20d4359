import EventStore
import Foundation
import Testing
@testable import Projections

/// The combined scenario: `Events/samples/inspection-county.jsonl`, a village of nine
/// households, three cadres, a fund and a project in which each rule of the findings
/// table is broken exactly once (docs/findings.md walks through it).
@Suite struct InspectionCountyTests {
    /// `docs/findings.md` has a section for every rule of the table, headed by its id and
    /// the line the table gives it, in the table's order.
    @Test func everyRuleIsDocumentedUnderItsOwnHeading() throws {
        let page = try String(contentsOf: samplesURL.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/findings.md"), encoding: .utf8)
        let headings = page.components(separatedBy: "\n").filter { $0.hasPrefix("### ") && $0.contains(": ") }
        #expect(headings == FindingRules.all.map { "### \($0.id): \($0.finds)" })
    }

    static let expected: [[String]] = [
        ["exit-income-below-line", "household-5301241012010002", "30", "2016-12-20", "2016 年退出，2016 年人均纯收入 2,810.00 元 低于 2016 年标准 2,952.00 元"],
        ["quick-return", "household-5301241012010002", "31", "2017-05-10", "2016-12-20 退出，2017-05-10 返贫，相隔 141 天，不足 12 个月"],
        ["exit-guarantees-unmet", "household-5301241012010003", "44", "2016-12-20", "退出前 12 个月（2015-12-20 至 2016-12-20）没有通过的两不愁三保障核查，2016-11-20 的核查未通过"],
        ["exit-procedure-incomplete", "household-5301241012010003", "44", "2016-12-20", "2016 年退出，程序不全：村级公示(不少于10天)（2016-12-05 至 2016-12-11，7天）"],
        ["exit-transfer-income-dominant", "household-5301241012010003", "44", "2016-12-20", "转移性收入 1,800.00 元占纯收入 3,000.00 元的 60.0%，超过 50%"],
        ["cause-without-evidence", "household-5301241012010004", "45", "2016-01-15", "主要致贫原因因残，1 名成员中没有残疾"],
        ["identification-procedure-incomplete", "household-5301241012010004", "45", "2016-01-15", "2016-01-15 识别纳入，缺少乡镇公示"],
        ["measure-mismatch", "household-5301241012010004", "45", "2016-01-15", "主要致贫原因因残，1 项帮扶措施没有一项针对它"],
        ["helper-overloaded", "household-5301241012010004", "46", "2016-01-25", "干部 c01 自 2016-01-25 同时帮扶 4 户，超过 3 户"],
        ["no-helper", "household-5301241012010005", "55", "2016-01-15", "未脱贫户没有帮扶责任人"],
        ["early-risk-elimination", "household-5301241012010005", "58", "2017-04-10", "2017-01-10 纳入监测，2017-04-10 风险消除：监测不足 6 个月（最早 2017-07-10），监测期间没有帮扶措施"],
        ["no-visit", "household-5301241012010006", "63", "2016-06-21", "相隔 122 天才走访（2016-02-20 至 2016-06-21），超过 90 天"],
        ["loan-out-of-terms", "household-5301241012010006", "68", "2016-03-01", "小额信贷 L-2016-0006 金额 60,000.00 元超过 50,000.00 元"],
        ["helper-is-beneficiary", "cadre-c03", "69", "2016-01-15", "干部 c03 的身份证号属于 household-5301241012010007（未脱贫）的成员 p0701"],
        ["relocation-debt", "household-5301241012010007", "79", "2016-10-01", "易地搬迁自筹 12,000.00 元，超过上限 10,000.00 元"],
        ["duplicate-person", "household-5301241012010008", "80", "2016-03-01", "成员 p0802 与 household-5301241012010007 的成员 p0702 身份证号相同，2016-03-01 起同时在册"],
        ["funds-idle", "fund-2016-001", "96", "2016-03-01", "county-530124 收到的 180,000.00 元自 2016-03-01 起滞留，最长 45 天后才拨出，超过预警期 30 天"],
        ["duplicate-disbursement", "fund-2016-001", "101", "2016-05-20", "household-5301241012010002 于 2016-04-25（#100）和 2016-05-20 两次获得产业帮扶资金 3,000.00 元和 3,000.00 元，相隔 25 天"],
        ["disbursed-before-publicity", "fund-2016-001", "104", "2016-05-08", "village-530124101201 于 2016-05-08 向 project-p2016-07 拨付 150,000.00 元，公示 2016-05-01 至 2016-05-10，按 10 天公示期尚未结束"],
        ["disbursed-to-ineligible", "fund-2016-001", "106", "2016-07-01", "village-530124101201 于 2016-07-01 向 household-5301241012010009 拨付 1,000.00 元，该户已于 2016-06-01 剔除"],
        ["funds-overdrawn", "fund-2016-001", "106", "2016-07-01", "village-530124101201 拨出 1,000.00 元，超出其结存 1,000.00 元"],
    ]

    func withCounty<T>(_ body: (EventStore) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.path + "/inspection-county-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try EventStore.open(dir)
        _ = try Importer.run(try SampleLogs.text("inspection-county"), store: store)
        return try body(store)
    }

    @Test func everyRuleFindsExactlyItsCase() throws {
        let found = try withCounty { try FindingRules.evaluate($0, asOf: .now) }
        #expect(found.map { [$0.rule, $0.stream, String($0.position), $0.effective.description, $0.detail] } == Self.expected)
        #expect(Set(found.map(\.rule)) == Set(FindingRules.all.map(\.id)), "every rule of the table has its case")
    }

    @Test func correctionsRemoveTheirFindingsAndTheAuditTrailKeepsBoth() throws {
        try withCounty { store in
            // The income of 0002 was entered wrong; 0009's removal is retracted.
            let h2 = "household-5301241012010002"
            let income = #"{"year":2016,"wage_fen":1200000,"business_fen":0,"property_fen":0,"transfer":{"minimum_living_fen":0,"extreme_poverty_support_fen":0,"pension_fen":0,"ecological_compensation_fen":0,"other_fen":0},"business_expense_fen":0}"#
            let target = try #require(try store.readStream(h2).first { $0.type == "IncomeAssessed" }).position
            _ = try Importer.run(#"{"stream":"\#(h2)","type":"Correction","effective":"2017-06-30","actor":"op","data":{"target":\#(target),"action":"replace","approver":"县扶贫办","data":\#(income)}}"#, store: store)
            _ = try Importer.run(#"{"stream":"household-5301241012010009","type":"Correction","effective":"2017-06-30","actor":"op","data":{"target":\#(try store.readStream("household-5301241012010009").first { $0.type == "RemovedAsMisidentified" }!.position),"action":"retract","approver":"县扶贫办"}}"#, store: store)
            let after = try FindingRules.evaluate(store, asOf: .now)
            #expect(!after.contains { $0.rule == "exit-income-below-line" })
            #expect(!after.contains { $0.rule == "disbursed-to-ineligible" })
            // Not removed after all, 0009 is a poor household whose helper left on 06-02.
            let new = after.filter { f in !Self.expected.contains { $0[0] == f.rule && $0[1] == f.stream } }
            #expect(new.map { "\($0.rule) \($0.stream) \($0.detail)" } == ["no-helper household-5301241012010009 未脱贫户没有帮扶责任人（2016-06-02 起）"])
            #expect(after.count == Self.expected.count - 2 + 1)
            // As recorded before the corrections, both findings stand.
            let before = try FindingRules.evaluate(store, asOf: .position(107))
            #expect(before.map(\.rule) == Self.expected.map { $0[0] })
            // The trail shows the assessment and its correction.
            let types = try store.readStream(h2).map(\.type)
            #expect(types.filter { $0 == "IncomeAssessed" }.count == 1 && types.last == "Correction")
        }
    }
}
