import EventStore
import Projections

/// `ledger [by county|town|village|source|channel|purpose|year]`: 两笔账, the money
/// put in and where it reached, and what exits cost (docs/funds.md).
enum LedgerCommand {
    static let usage = "ledger takes nothing, or by " + TwoLedgers.Grouping.allCases.map(\.rawValue).joined(separator: " | ")

    static func run(_ args: [String], _ session: Session) throws -> String {
        var grouping = TwoLedgers.Grouping.county
        if !args.isEmpty {
            guard args.count == 2, args[0] == "by", let g = TwoLedgers.Grouping(rawValue: args[1]) else { throw CommandError(usage) }
            grouping = g
        }
        let store = try HouseholdCommands.openForReading(session)
        let county = try session.county()
        let reading = try VerificationCommands.storeCall { try FundLedger.read(store, asOf: session.asOf) }
        let rows = TwoLedgers.rows(reading, county: county, by: grouping)
        let groupLabel: String
        switch grouping {
        case .county: groupLabel = "县"
        case .town: groupLabel = "乡镇"
        case .village: groupLabel = "行政村"
        case .source: groupLabel = "资金来源"
        case .channel: groupLabel = "渠道(接收单位)"
        case .purpose: groupLabel = "用途"
        case .year: groupLabel = "年度"
        }
        let columns: [TableResult.Column] = [
            .init(key: grouping.rawValue, label: groupLabel, numeric: false),
            .init(key: "in_fen", label: "投入(元)", numeric: true),
            .init(key: "to_villages_fen", label: "到村(元)", numeric: true),
            .init(key: "to_households_fen", label: "到户(元)", numeric: true),
            .init(key: "held_fen", label: "结存(元)", numeric: true),
            .init(key: "returned_fen", label: "收回(元)", numeric: true),
            .init(key: "exited_households", label: "脱贫户", numeric: true),
            .init(key: "household_min_fen", label: "户最低(元)", numeric: true),
            .init(key: "household_mean_fen", label: "户平均(元)", numeric: true),
            .init(key: "household_max_fen", label: "户最高(元)", numeric: true),
            .init(key: "exited_villages", label: "出列村", numeric: true),
            .init(key: "village_min_fen", label: "村最低(元)", numeric: true),
            .init(key: "village_mean_fen", label: "村平均(元)", numeric: true),
            .init(key: "village_max_fen", label: "村最高(元)", numeric: true),
        ]
        func fen(_ v: Int64?) -> ResultValue { v.map { .fen($0) } ?? .null }
        return TableResult(columns: columns, rows: rows.map { r in
            [.text(r.group), fen(r.inFen), .fen(r.toVillagesFen), .fen(r.toHouseholdsFen), fen(r.heldFen), fen(r.returnedFen),
             .integer(Int64(r.exitedHouseholds.count)), fen(r.exitedHouseholds.minFen), fen(r.exitedHouseholds.meanFen),
             fen(r.exitedHouseholds.maxFen), .integer(Int64(r.exitedVillages.count)), fen(r.exitedVillages.minFen),
             fen(r.exitedVillages.meanFen), fen(r.exitedVillages.maxFen)]
        }).render(session.mode)
    }
}
