import EventStore
import Projections

/// `ledger [by county|town|village|source|channel|purpose|year]`: 两笔账, the money
/// put in and where it reached, and what exits cost (docs/funds.md).
enum LedgerCommand: ReplCommand {
    static let name = "ledger"
    static let summary = "两笔账: money in, paid to villages (projects) and to households, still held; per exited household and village (lowest, mean, highest); by county, town, village, source, channel, purpose or year"
    static let usage = ["ledger [by " + TwoLedgers.Grouping.allCases.map(\.rawValue).joined(separator: "|") + "]"]
    static let example = "ledger by source"
    static let reference = "两笔账: money in, to villages, to households, held, returned; per exited household and village, lowest, mean, highest (`funds.md`)"
    static let syntax = CommandSyntax.words(
        [Word("by", completes: .words(["by"]), optional: true),
         Word("GROUPING", completes: .words(TwoLedgers.Grouping.allCases.map(\.rawValue)), optional: true)],
        misuse: "ledger takes nothing, or by " + TwoLedgers.Grouping.allCases.map(\.rawValue).joined(separator: " | "))

    static func run(_ call: CommandCall, in session: Session) throws -> CommandResult {
        var grouping = TwoLedgers.Grouping.county
        if !call.words.isEmpty {
            guard call.words.count == 2, call.words[0] == "by", let g = TwoLedgers.Grouping(rawValue: call.words[1]) else { throw call.misuse }
            grouping = g
        }
        let store = try session.store()
        let county = try session.county()
        let rows = try TwoLedgers.rows(try FundLedger.read(store, asOf: session.asOf), county: county, by: grouping)
        let columns: [TableResult.Column] = [
            .text(grouping.rawValue, label(grouping)),
            .number("in_fen", "投入(元)"), .number("to_villages_fen", "到村(元)"), .number("to_households_fen", "到户(元)"),
            .number("held_fen", "结存(元)"), .number("returned_fen", "收回(元)"),
            .number("exited_households", "脱贫户"), .number("household_min_fen", "户最低(元)"),
            .number("household_mean_fen", "户平均(元)"), .number("household_max_fen", "户最高(元)"),
            .number("exited_villages", "出列村"), .number("village_min_fen", "村最低(元)"),
            .number("village_mean_fen", "村平均(元)"), .number("village_max_fen", "村最高(元)"),
        ]
        return .table(TableResult(columns: columns, rows: rows.map { r in
            [.text(r.group), .fen(r.moneyIn), .fen(r.toVillages), .fen(r.toHouseholds), .fen(r.held), .fen(r.returned),
             .integer(Int64(r.exitedHouseholds.count)), .fen(r.exitedHouseholds.lowest), .fen(r.exitedHouseholds.mean),
             .fen(r.exitedHouseholds.highest), .integer(Int64(r.exitedVillages.count)), .fen(r.exitedVillages.lowest),
             .fen(r.exitedVillages.mean), .fen(r.exitedVillages.highest)]
        }))
    }

    /// The first column's header.
    static func label(_ grouping: TwoLedgers.Grouping) -> String {
        switch grouping {
        case .county: return "县"
        case .town: return "乡镇"
        case .village: return "行政村"
        case .source: return "资金来源"
        case .channel: return "渠道(接收单位)"
        case .purpose: return "用途"
        case .year: return "年度"
        }
    }
}
